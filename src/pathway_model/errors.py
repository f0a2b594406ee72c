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

import itertools
from collections.abc import Iterable
from typing import ClassVar

import attrs

__all__ = [
    "PathwayModelError",
    "Problem",
    "UnknownCodeError",
    "ValidationError",
    "WrongTypeError",
    "show_code",
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
        wrong_type: Whether the value was of the wrong type (a number where a date
            belongs), rather than of the right type but wrong. It chooses the error's
            class (see `ValidationError.of`); it is not part of the problem's identity,
            so it takes no part in equality and is not shown.
        not_a_code: Whether the value was text that is not a code at all (``'partly met'``
            where a level code belongs), rather than a code the pathway lacks. A reader
            that knows the pathway definition then names the codes it has (see "The JSON
            format"). Like ``wrong_type``, it takes no part in equality and is not shown.

    Examples:
        >>> str(Problem(path="Placement.end", expected="a date after start", found="2024-01-01"))
        'Placement.end: expected a date after start; found 2024-01-01'
    """

    path: str
    expected: str
    found: str
    wrong_type: bool = attrs.field(default=False, eq=False, repr=False)
    not_a_code: bool = attrs.field(default=False, eq=False, repr=False)

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


def show_code(value: str) -> str:
    """Show a code, id or other short untrusted text in a problem: quoted, cut short if long.

    This is how every message of the library shows a value that is not its own, so that
    a problem written outside the library (a local check, a command's option) reads the
    same. Only the first 37 characters of a value longer than 40 are shown; free text
    (notes, goal wording) is never shown at all, and is described by its length instead.

    Args:
        value: The code or text, as found.

    Returns:
        The value's ``repr``, of at most 42 characters.

    Examples:
        >>> show_code("medium_secure")
        "'medium_secure'"
        >>> show_code("x" * 50)
        "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"
        >>> str(Problem(path="$.stage", expected="a known stage", found=show_code("mediun")))
        "$.stage: expected a known stage; found 'mediun'"
    """
    return repr(value if len(value) <= 40 else value[:37] + "...")


class ValidationError(PathwayModelError, ValueError):
    """An input breaks the model's rules.

    The error lists every problem found, not only the first, so one round trip to the
    caller is enough to fix a record. Only the first ``MAX_PROBLEMS`` are kept (a
    document of a million bad items gives a message of a hundred lines, not a million);
    ``total`` counts them all. When a problem stops other checks from being made (a
    review's date cannot be judged against stays that could not be read), the error says
    that more problems may follow once these are mended.

    Attributes:
        problems: The problems found, in the order they were found: the first
            ``MAX_PROBLEMS`` of them.
        total: How many problems were found, kept or not.
        more_may_follow: Whether some checks were held back until these problems are
            mended, so mending them may reveal more.

    Examples:
        >>> from pathway_model import Problem, ValidationError
        >>> bad = Problem(path="$.reviews[0].date", expected="a date", found="a number")
        >>> error = ValidationError([bad] * 1000)
        >>> (len(error.problems), error.total)
        (100, 1000)
        >>> str(error).splitlines()[0]
        '100 of 1,000 problems shown:'
    """

    #: The most problems an error keeps; the rest are counted in ``total``.
    MAX_PROBLEMS: ClassVar[int] = 100

    problems: tuple[Problem, ...]
    total: int
    more_may_follow: bool

    def __init__(
        self,
        problems: Iterable[Problem],
        total: int | None = None,
        more_may_follow: bool = False,
    ) -> None:
        if type(problems) is tuple or type(problems) is list:
            self.problems = tuple(problems[: self.MAX_PROBLEMS])
            counted = len(problems)
        else:
            iterator = iter(problems)
            self.problems = tuple(itertools.islice(iterator, self.MAX_PROBLEMS))
            # The rest are counted, never kept: memory stays small however many there are.
            counted = len(self.problems) + sum(1 for _ in iterator)
        if not self.problems:
            msg = "a ValidationError needs at least one Problem"
            raise ValueError(msg)
        self.total = counted if total is None or total < counted else total
        self.more_may_follow = bool(more_may_follow)
        # The message is written when first asked for: a loader makes and drops an error
        # for each bad item of a document, and most are never shown.
        self._text: str | None = None
        super().__init__()

    def __str__(self) -> str:
        if self._text is None:
            self._text = self._message()
        return self._text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    @property
    def args(self) -> tuple[str]:
        """The message, as ``Exception.args`` holds it."""
        return (str(self),)

    @args.setter
    def args(self, value: tuple[object, ...]) -> None:
        pass  # set by Exception itself; the message is always made from the problems

    def _message(self) -> str:
        if self.total == 1:
            lines = [str(self.problems[0])]
        else:
            shown = len(self.problems)
            head = (
                f"{self.total:,} problems found:"
                if shown == self.total
                else f"{shown:,} of {self.total:,} problems shown:"
            )
            lines = [head, *(f"  - {problem}" for problem in self.problems)]
        if self.more_may_follow:
            lines.append("More problems may follow once these are mended.")
        return "\n".join(lines)

    def __reduce__(
        self,
    ) -> tuple[type[ValidationError], tuple[tuple[Problem, ...], int, bool]]:
        return (type(self), (self.problems, self.total, self.more_may_follow))

    @classmethod
    def single(cls, path: str, expected: str, found: str) -> ValidationError:
        """Build the error for one problem; a `WrongTypeError`'s problem is of a wrong type.

        Args:
            path: Where the problem is.
            expected: What was expected there.
            found: What was found there (never free text).
        """
        wrong_type = issubclass(cls, WrongTypeError)
        return cls([Problem(path=path, expected=expected, found=found, wrong_type=wrong_type)])

    @staticmethod
    def of(problems: Iterable[Problem]) -> ValidationError:
        """Build the error for ``problems``, its class chosen by their kind.

        A `WrongTypeError` when every problem is of a wrong type (`Problem.wrong_type`),
        else a `ValidationError`.

        Args:
            problems: What was found wrong (at least one).

        Examples:
            >>> from pathway_model import Problem, ValidationError
            >>> wrong = Problem(path="$.date", expected="a date", found="int", wrong_type=True)
            >>> type(ValidationError.of([wrong])).__name__
            'WrongTypeError'
        """
        found = list(problems)
        kind = WrongTypeError if found and all(p.wrong_type for p in found) else ValidationError
        return kind(found)


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
