"""Exceptions raised by pathway_model.

Every exception the library raises on purpose derives from one root, so a caller can
catch them all with ``except PathwayModelError``. Each subclass also derives from the
matching builtin, so code written against ``ValueError`` or ``LookupError`` keeps working.

```text
PathwayModelError
├── ValidationError (ValueError)        input breaks the model's rules; lists every Problem
│   └── WrongTypeError (TypeError)      a value of the wrong type
└── UnknownCodeError (LookupError)      a look-up by code or id found nothing
```

Messages say where the problem is, what was expected and what was found. They never
repeat clinical free text (notes, goal wording): a text field is described by its
length, never by its content.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = [
    "PathwayModelError",
    "Problem",
    "UnknownCodeError",
    "ValidationError",
    "WrongTypeError",
]


class PathwayModelError(Exception):
    """Root of every exception that pathway_model raises on purpose."""


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong with an input: where it is, what was expected, what was found.

    Attributes:
        path: Where the problem is, e.g. ``$.reviews[3].ratings[1].team`` for a record,
            or ``Placement.end`` for a single object.
        expected: What the library expected there, in words.
        found: What it found, in words. Never the content of a free-text field.

    Examples:
        >>> str(Problem(path="Placement.end", expected="a date after start", found="2024-01-01"))
        'Placement.end: expected a date after start; found 2024-01-01'
    """

    path: str
    expected: str
    found: str

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected}; found {self.found}"

    def under(self, prefix: str) -> Problem:
        """Return this problem with its path placed under ``prefix``.

        A problem found inside one review of a pathway (path ``Review.date``) becomes
        ``$.reviews[2].date`` when the pathway reports it.

        Args:
            prefix: The path of the object that holds the one this problem was found in.
        """
        head, sep, tail = self.path.partition(".")
        if not sep and head[:1].isupper():
            # "Period" -> "<prefix>": the value at the location is the object itself.
            return attrs.evolve(self, path=prefix)
        if sep and head[:1].isupper():
            # "Review.date" -> "<prefix>.date": the class name gives way to the location.
            return attrs.evolve(self, path=f"{prefix}.{tail}")
        if self.path.startswith("$"):
            return attrs.evolve(self, path=prefix + self.path[1:])
        return attrs.evolve(self, path=f"{prefix}.{self.path}")


class ValidationError(PathwayModelError, ValueError):
    """An input breaks the model's rules.

    The error lists every problem found, not only the first, so one round trip to the
    caller is enough to fix a record.

    Attributes:
        problems: Every problem found, in the order they were found.
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        if not self.problems:
            msg = "a ValidationError needs at least one Problem"
            raise ValueError(msg)
        super().__init__(self._message())

    def _message(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems found:"]
        lines.extend(f"  - {problem}" for problem in self.problems)
        return "\n".join(lines)

    def __reduce__(self) -> tuple[type[ValidationError], tuple[tuple[Problem, ...]]]:
        return (type(self), (self.problems,))

    @classmethod
    def single(cls, path: str, expected: str, found: str) -> ValidationError:
        """Build the error for one problem.

        Args:
            path: Where the problem is.
            expected: What was expected there.
            found: What was found there (never free text).
        """
        return cls([Problem(path=path, expected=expected, found=found)])


class WrongTypeError(ValidationError, TypeError):
    """A value has the wrong type, e.g. a ``datetime`` where a ``date`` belongs."""


class UnknownCodeError(PathwayModelError, LookupError):
    """A look-up by code or id found nothing.

    Attributes:
        kind: What was looked up, e.g. ``"domain"``.
        code: The code or id that was not found.
        known: The codes that do exist, in their defined order.
        path: Where the code was found, when it came from a record or an argument, e.g.
            ``$.reviews[2].ratings[0].domain``; ``None`` for a plain look-up.
        hint: What to do about it, in the library's own words, if there is advice to give.

    Examples:
        >>> print(UnknownCodeError("domain", "life_skill", ["life_skills"],
        ...                        path="$.reviews[0].ratings[0].domain"))
        $.reviews[0].ratings[0].domain: no domain with code 'life_skill'; known: 'life_skills'
    """

    kind: str
    code: str
    known: tuple[str, ...]
    path: str | None
    hint: str | None

    def __init__(
        self,
        kind: str,
        code: str,
        known: Iterable[str],
        path: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.kind = kind
        self.code = code
        self.known = tuple(known)
        self.path = path
        self.hint = hint
        # A code that is not one may be anything, even text typed into the wrong field:
        # show its start only.
        text = str(code)
        shown_code = repr(text if len(text) <= 40 else text[:37] + "...")
        shown = ", ".join(repr(k) for k in self.known) or "none"
        where = "" if path is None else f"{path}: "
        advice = "" if hint is None else f"; {hint}"
        super().__init__(f"{where}no {kind} with code {shown_code}; known: {shown}{advice}")

    def __str__(self) -> str:
        # LookupError/KeyError would quote the message; keep it plain.
        return str(self.args[0])

    def __reduce__(
        self,
    ) -> tuple[type[UnknownCodeError], tuple[str, str, tuple[str, ...], str | None, str | None]]:
        return (type(self), (self.kind, self.code, self.known, self.path, self.hint))
