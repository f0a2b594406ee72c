"""Validators and converters shared by the model's classes.

Every validator raises `ValidationError` (or its
``WrongTypeError`` subclass) with a path of the form ``ClassName.field``. Free text is
described by its length only, never shown.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import attrs

from pathway_model.errors import Problem, ValidationError, WrongTypeError

# Re-exported: the model's modules, its seam and io show codes with it, imported from here.
from pathway_model.errors import show_code as show_code  # noqa: PLC0414

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

#: Codes and ids: letters, digits and ``_ - . :``, starting with a letter or digit.
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}")
CODE_EXPECTED = (
    "a code of 1-64 letters, digits, '_', '-', '.' or ':' starting with a letter or digit"
)

#: Free text longer than this is refused: it is a sign of a mistake, not of a long note.
MAX_TEXT_LENGTH = 20_000
#: Names and labels are short.
MAX_NAME_LENGTH = 200

#: The largest whole number every JSON reader holds exactly (2**53 - 1): readers that
#: read numbers as IEEE doubles (JavaScript, most JSON Schema validators) round beyond it.
MAX_SAFE_INTEGER = 2**53 - 1

#: A surrogate code point: in a Python string, only ever a lone one (a pair is one
#: character), which no UTF-8 text can hold.
_SURROGATE = re.compile("[\ud800-\udfff]")
UNICODE_EXPECTED = "valid Unicode text (no lone surrogate code points)"

#: Amounts: at most this many digits before the point and after it.
AMOUNT_WHOLE_DIGITS = 12
AMOUNT_PLACES = 6
#: Totals the rules work out (a cost of delay: a day's cost times the days of a stay) may
#: have as many digits again as there are in the number of days from 0001 to 9999.
TOTAL_WHOLE_DIGITS = AMOUNT_WHOLE_DIGITS + 7
AMOUNT_EXPECTED = (
    f"an amount >= 0 with at most {AMOUNT_WHOLE_DIGITS} digits before the point "
    f"and {AMOUNT_PLACES} after"
)


#: Strings already known to be codes. Codes repeat by the thousand in a record (domains,
#: levels, stages), and a set look-up costs a tenth of a regular-expression match. The set
#: only remembers answers, so it never changes one; it stops growing at its limit.
KNOWN_CODES: set[str] = set()
KNOWN_CODES_LIMIT = 16_384


def is_code(value: str) -> bool:
    """Whether the string ``value`` is a code (see ``CODE_PATTERN``)."""
    if value in KNOWN_CODES:
        return True
    if CODE_PATTERN.fullmatch(value) is None:
        return False
    if len(KNOWN_CODES) < KNOWN_CODES_LIMIT:
        KNOWN_CODES.add(value)
    return True


def is_unicode(value: str) -> bool:
    """Whether ``value`` is valid Unicode: it holds no lone surrogate code point.

    Cheap for ASCII, which ``str.isascii`` answers without reading the string; other
    text is encoded, which CPython does faster than a regular expression searches it.
    """
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unicode_problem(path: str, value: str) -> Problem | None:
    """A problem for text holding a lone surrogate, naming its position, never the text."""
    if is_unicode(value):
        return None
    match = _SURROGATE.search(value)
    assert match is not None  # is_unicode() found one
    return Problem(
        path=path,
        expected=UNICODE_EXPECTED,
        found=f"a lone surrogate at character {match.start() + 1:,}",
    )


def show_number(value: int) -> str:
    """Show a whole number in a message; one too long to show is described by its size.

    ``str()`` of an integer of more than 4,300 digits raises ``ValueError``, so a number
    is shown only when it is short.
    """
    if -(10**20) < value < 10**20:
        return str(value)
    return f"a whole number of about {int(value.bit_length() * 0.30103):,} digits"


def show_amount(value: Decimal) -> str:
    """Show an amount in a message; one too long to show is described by its size."""
    if not value.is_finite() or len(value.as_tuple().digits) <= 30:
        return repr(str(value))
    return f"an amount of {len(value.as_tuple().digits):,} digits"


#: A thousandth of a penny: the last place an amount may have.
_LAST_PLACE = Decimal(1).scaleb(-AMOUNT_PLACES)
#: Exact arithmetic for amounts, whatever the caller's decimal context: room for every
#: digit an amount may have, and no signal raised.
_EXACT = decimal.Context(prec=TOTAL_WHOLE_DIGITS + AMOUNT_PLACES + 1, traps=[])


def amount_problem(value: Decimal, *, whole_digits: int = AMOUNT_WHOLE_DIGITS) -> str | None:
    """What is wrong with an amount, in words (never the amount itself), or ``None``.

    An amount is a finite ``Decimal`` without a minus sign (so not ``-0``), with at most
    ``whole_digits`` digits before the point and ``AMOUNT_PLACES`` after, once leading
    and trailing zeros are dropped (``452.0000000`` is ``452``). These are exactly the
    amounts the JSON loader reads: see "The JSON format".
    """
    if not value.is_finite():
        return "a value that is not finite"
    if value.is_signed():
        return "a negative amount" if value else "a zero with a minus sign"
    if not value:
        return None
    if value.adjusted() >= whole_digits:
        return "more digits before the point"
    if value.quantize(_LAST_PLACE, context=_EXACT) != value:
        return "more decimal places"
    return None


def canonical_amount(value: Decimal) -> Decimal:
    """The one form of an amount that `amount_problem` accepts: ``452.00`` becomes ``452``.

    Trailing zeros after the point are dropped and an exponent is written out, without
    the caller's decimal context (so whatever its precision): ``Decimal("4.5E+2")``
    becomes ``Decimal("450")``. Equal amounts then write the same text.
    """
    if not value:
        return Decimal(0)  # and -0 is 0
    if value.adjusted() < TOTAL_WHOLE_DIGITS:
        exact = value.quantize(_LAST_PLACE, context=_EXACT)
        if exact == value:
            value = exact  # at most 26 digits: the rest is cheap
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # a finite value
    trailing = len(digits) - len(bytes(digits).rstrip(b"\0"))
    dropped = min(trailing, max(0, -exponent))
    kept = digits[: len(digits) - dropped]
    exponent += dropped
    if exponent > 0:
        kept += (0,) * exponent
        exponent = 0
    return Decimal((sign, kept, exponent))


def code_problem(path: str, found: str) -> Problem:
    """The problem with text at ``path`` that is not a code (see ``CODE_PATTERN``).

    It is marked `Problem.not_a_code`, so a reader that knows the pathway definition
    can name the codes it has there without reading the words back.

    Args:
        path: Where the text is.
        found: The text as a message may show it (see `show_code`), or a description.
    """
    return Problem(path=path, expected=CODE_EXPECTED, found=found, not_a_code=True)


def type_name(value: object) -> str:
    """Name the type of a value, for messages that must not show the value itself."""
    return type(value).__name__


def path_of(instance: object, attribute: attrs.Attribute[Any]) -> str:
    """Return ``ClassName.field`` for a validator's message."""
    return f"{type(instance).__name__}.{attribute.name}"


# --- validators ---------------------------------------------------------------------------
#
# Each validator is a small frozen callable, as attrs' own validators are: what it checks
# is held in its fields, which the JSON Schema generator and the loader's generated fast
# path read as data. The names below are the ones the model's classes use.


@attrs.frozen(repr=False)
class CodeValidator:
    """Check a code or id (see ``CODE_PATTERN``); with ``optional``, ``None`` too.

    Attributes:
        optional: Whether ``None`` is allowed.
    """

    optional: bool = False

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if type(value) is str and (value in KNOWN_CODES or is_code(value)):
            return  # the common case, decided without building a message
        if value is None and self.optional:
            return
        path = path_of(instance, attribute)
        if not isinstance(value, str):
            raise WrongTypeError.single(path, "a code (str)", type_name(value))
        if not CODE_PATTERN.fullmatch(value):
            raise ValidationError([code_problem(path, show_code(value))])

    def __repr__(self) -> str:
        return f"<{'optional ' if self.optional else ''}code validator>"


@attrs.frozen(repr=False)
class TextValidator:
    """Check text of at most ``limit`` characters, never showing it.

    Attributes:
        limit: The most characters allowed.
        optional: Whether ``None`` is allowed.
        may_be_empty: Whether empty (or blank) text is allowed; otherwise the text must
            hold a character that is not whitespace.
    """

    limit: int
    optional: bool = False
    may_be_empty: bool = False

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if (
            type(value) is str
            and len(value) <= self.limit
            and (self.may_be_empty or (value and not value.isspace()))
            and (value.isascii() or is_unicode(value))
        ):
            return
        if value is None and self.optional:
            return
        problem = self.problem(path_of(instance, attribute), value)
        if problem is not None:
            raise ValidationError.of([problem])

    def problem(self, path: str, value: object) -> Problem | None:
        """What is wrong with ``value`` at ``path``, described by its length, or ``None``."""
        if not isinstance(value, str):
            return Problem(
                path=path, expected="text (str)", found=type_name(value), wrong_type=True
            )
        if not self.may_be_empty and not value.strip():
            return Problem(path=path, expected="non-empty text", found="empty or blank text")
        if len(value) > self.limit:
            return Problem(
                path=path,
                expected=f"text of at most {self.limit:,} characters",
                found=f"text of {len(value):,} characters",
            )
        return unicode_problem(path, value)

    def __repr__(self) -> str:
        extras = "".join(
            f", {word}"
            for word, on in (("optional", self.optional), ("may be empty", self.may_be_empty))
            if on
        )
        return f"<text validator of at most {self.limit:,} characters{extras}>"


@attrs.frozen(repr=False)
class DateValidator:
    """Check a calendar date: a ``datetime.date`` that is not a ``datetime``.

    A ``datetime`` is refused even though it is a subclass of ``date``: its calendar
    date depends on its zone, so it must be converted at the edge with
    `pathway_model.uk_date`.

    Attributes:
        optional: Whether ``None`` is allowed.
    """

    optional: bool = False

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if type(value) is dt.date or (value is None and self.optional):
            return
        path = path_of(instance, attribute)
        if isinstance(value, dt.datetime):
            raise WrongTypeError.single(
                path, "a date (datetime.date); convert datetimes with uk_date()", "datetime"
            )
        if not isinstance(value, dt.date):
            raise WrongTypeError.single(path, "a date (datetime.date)", type_name(value))

    def __repr__(self) -> str:
        return f"<{'optional ' if self.optional else ''}date validator>"


@attrs.frozen(repr=False)
class BoolValidator:
    """Check a ``bool`` (not an int that happens to be 0 or 1)."""

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, bool):
            raise WrongTypeError.single(path_of(instance, attribute), "a bool", type_name(value))

    def __repr__(self) -> str:
        return "<bool validator>"


@attrs.frozen(repr=False)
class IntegerValidator:
    """Check an ``int`` (not a ``bool``) from ``minimum`` to ``maximum``.

    Attributes:
        minimum: The least value allowed.
        maximum: The greatest value allowed; ``None`` leaves the top open.
    """

    minimum: int
    maximum: int | None

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        minimum, maximum = self.minimum, self.maximum
        if type(value) is int and minimum <= value and (maximum is None or value <= maximum):
            return
        path = path_of(instance, attribute)
        if isinstance(value, bool) or not isinstance(value, int):
            raise WrongTypeError.single(path, "an integer", type_name(value))
        bound = f">= {minimum:,}" if value < minimum else f"<= {maximum or 0:,}"
        raise ValidationError.single(path, f"an integer {bound}", show_number(value))

    def __repr__(self) -> str:
        top = "" if self.maximum is None else f" to {self.maximum}"
        return f"<integer validator from {self.minimum}{top}>"


@attrs.frozen(repr=False)
class InstanceOfValidator:
    """Check ``isinstance(value, kind)``; with ``optional``, ``None`` too.

    Attributes:
        kind: The class the value must be an instance of.
        expected: What is expected, in words, for the message.
        optional: Whether ``None`` is allowed.
    """

    kind: type[Any]
    expected: str
    optional: bool = False

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, self.kind) or (value is None and self.optional):
            return
        raise WrongTypeError.single(path_of(instance, attribute), self.expected, type_name(value))

    def __repr__(self) -> str:
        optional = " or None" if self.optional else ""
        return f"<instance_of validator for {self.kind.__name__}{optional}>"


@attrs.frozen(repr=False)
class EnumMemberValidator:
    """Check a member of ``enum`` (codes are converted before this runs).

    Attributes:
        enum: The vocabulary.
        optional: Whether ``None`` is allowed.
    """

    enum: type[Enum]
    optional: bool = False

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, self.enum) or (value is None and self.optional):
            return
        path = path_of(instance, attribute)
        expected = f"one of {', '.join(repr(m.value) for m in self.enum)}"
        if isinstance(value, str):
            raise ValidationError.single(path, expected, show_code(value))
        raise WrongTypeError.single(path, expected, type_name(value))

    def __repr__(self) -> str:
        optional = " or None" if self.optional else ""
        return f"<enum_member validator for {self.enum.__name__}{optional}>"


@attrs.frozen(repr=False)
class ItemsOfValidator:
    """Check a tuple whose every item is a ``kind``.

    Attributes:
        kind: The class of every item.
        label: An item, in words, for the message (``"a Review"``).
    """

    kind: type[Any]
    label: str

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        kind = self.kind
        if type(value) is tuple and all(isinstance(item, kind) for item in value):
            return
        path = path_of(instance, attribute)
        if not isinstance(value, tuple):
            raise WrongTypeError.single(path, f"a sequence of {self.label}", type_name(value))
        problems = [
            Problem(
                path=f"{path}[{index}]", expected=self.label, found=type_name(item), wrong_type=True
            )
            for index, item in enumerate(value)
            if not isinstance(item, kind)
        ]
        if problems:
            raise WrongTypeError(problems)

    def __repr__(self) -> str:
        return f"<items_of validator for {self.kind.__name__}>"


@attrs.frozen(repr=False)
class AmountValidator:
    """Check an amount: exactly the amounts the JSON loader reads (see `amount_problem`).

    Attributes:
        optional: Whether ``None`` is allowed.
    """

    optional: bool = False

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and self.optional:
            return
        path = path_of(instance, attribute)
        expected = "an amount (Decimal, int or a decimal string)"
        if isinstance(value, str):
            raise WrongTypeError.single(path, expected, "text that is not a number")
        if not isinstance(value, Decimal):
            raise WrongTypeError.single(path, expected, type_name(value))
        problem = amount_problem(value)
        if problem is not None:
            raise ValidationError.single(path, AMOUNT_EXPECTED, f"{show_amount(value)}: {problem}")

    def __repr__(self) -> str:
        return f"<{'optional ' if self.optional else ''}amount validator>"


@attrs.frozen(repr=False)
class OneOfValidator:
    """Check a code from a closed list of ``codes``; with ``optional``, ``None`` too.

    Attributes:
        codes: The codes allowed, in the list's order.
        list_name: The list's name, for the message.
        optional: Whether ``None`` is allowed.
    """

    codes: tuple[str, ...]
    list_name: str
    optional: bool = False

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if (value is None and self.optional) or (type(value) is str and value in self.codes):
            return
        path = path_of(instance, attribute)
        expected = f"a code of {self.list_name} ({', '.join(self.codes)})"
        if isinstance(value, str):
            raise ValidationError.single(path, expected, show_code(value))
        raise WrongTypeError.single(path, expected, type_name(value))

    def __repr__(self) -> str:
        optional = " or None" if self.optional else ""
        return f"<one_of validator for {self.list_name}{optional}>"


#: Validate a code or id.
code = CodeValidator()
#: Validate a code or id that may be ``None``.
optional_code = CodeValidator(optional=True)
#: Validate a short, non-empty name or label.
name = TextValidator(limit=MAX_NAME_LENGTH)
#: Validate non-empty free text without ever showing it.
text = TextValidator(limit=MAX_TEXT_LENGTH)
#: Validate free text that may be ``None`` (but not blank).
optional_text = TextValidator(limit=MAX_TEXT_LENGTH, optional=True)
#: Validate descriptive text that may be empty.
description = TextValidator(limit=MAX_TEXT_LENGTH, may_be_empty=True)
#: Validate a calendar date (see `DateValidator`).
date = DateValidator()
#: Validate a date that may be ``None``.
optional_date = DateValidator(optional=True)
#: Validate a ``bool``.
boolean = BoolValidator()


def integer(
    *, minimum: int = -MAX_SAFE_INTEGER, maximum: int | None = MAX_SAFE_INTEGER
) -> IntegerValidator:
    """Return a validator for an ``int`` (not a ``bool``) from ``minimum`` to ``maximum``.

    The bounds default to the whole numbers every JSON reader holds exactly, so what
    the model accepts is written and read back unchanged by any reader. ``maximum=None``
    leaves the top open, for a number that is never written as a JSON number and whose
    class bounds it itself (a `Period`'s parts).
    """
    return IntegerValidator(minimum=minimum, maximum=maximum)


def one_of(codes: Iterable[str], list_name: str, *, optional: bool = False) -> OneOfValidator:
    """Return a validator for a code from ``codes`` (a list named ``list_name``)."""
    return OneOfValidator(tuple(codes), list_name, optional)


def instance_of(kind: type[Any], expected: str) -> InstanceOfValidator:
    """Return a validator that checks ``isinstance(value, kind)``."""
    return InstanceOfValidator(kind, expected)


def optional_instance_of(kind: type[Any], expected: str) -> InstanceOfValidator:
    """Return a validator that checks ``value is None or isinstance(value, kind)``."""
    return InstanceOfValidator(kind, expected, optional=True)


def enum_member(kind: type[Enum], *, optional: bool = False) -> EnumMemberValidator:
    """Return a validator for a member of ``kind`` (codes are converted before this runs)."""
    return EnumMemberValidator(kind, optional=optional)


def items_of(kind: type[Any], expected: str) -> ItemsOfValidator:
    """Return a validator for a tuple whose every item is a ``kind``."""
    return ItemsOfValidator(kind, expected)


# --- converters -----------------------------------------------------------------------------

#: Converters that give back, unchanged, a value already of the field's type (a tuple stays
#: the same tuple, a member stays itself). The loader's generated fast path, whose hooks
#: only ever give values of the field's type, skips them.
TYPE_KEEPING: set[object] = set()


def keeps_type(*converters: Callable[..., Any]) -> None:
    """Mark ``converters`` as ones that return a value of the field's type unchanged."""
    TYPE_KEEPING.update(converters)


@functools.cache
def to_enum(kind: type[E]) -> Callable[[object], object]:
    """Return a converter that accepts a member of ``kind`` or its code.

    Anything else passes through unchanged for `enum_member` to report.
    """
    by_code = {member.value: member for member in kind}

    def convert(value: object) -> object:
        if isinstance(value, str) and not isinstance(value, kind):
            return by_code.get(value, value)
        return value

    return convert


def tuple_of(value: Iterable[T]) -> tuple[T, ...]:
    """Turn an iterable into a tuple; leave a non-iterable (or a str) for the validator."""
    if isinstance(value, tuple):
        return value
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return value  # type: ignore[return-value]  # reported by items_of()
    return tuple(value)


def unique_codes(path: str, codes: Iterable[str], what: str) -> list[Problem]:
    """Return a problem for each code that appears more than once."""
    items = list(codes)
    if len(set(items)) == len(items):
        return []  # the usual case, decided in C
    seen: set[str] = set()
    problems = []
    for index, item in enumerate(items):
        if item in seen:
            problems.append(
                Problem(
                    path=f"{path}[{index}]",
                    expected=f"a unique {what}",
                    found=f"{show_code(item)} again",
                )
            )
        seen.add(item)
    return problems


def raise_problems(problems: Iterable[Problem]) -> None:
    """Raise one `ValidationError` listing ``problems``, if there are any."""
    problems = list(problems)
    if problems:
        raise ValidationError(problems)
