"""Reading and showing numbers from callers' data: numpy's numbers as well as Python's.

Shared by every layer that reads a rating or a count from a record or a data-frame cell
and names a wrong one in a message (scoring, the instruments, FHIR).
"""

from __future__ import annotations

import math
import numbers
import operator

from pathway_model.model._checks import type_name

#: Numbers at least this large (in size) are described, never written out: a message
#: stays short, and Python refuses to write an integer of more than 4,300 digits.
_SHOWN_BELOW = 10**6


def as_int(value: object) -> int | None:
    """``value`` as an ``int`` if it is a whole number: an ``int`` or a numpy integer.

    A ``bool`` (Python's or numpy's), a float, a string and anything else give ``None``.
    """
    if type(value) is int:
        return value
    if isinstance(value, (bool, float, str, bytes)) or value is None:
        return None
    if is_bool(value):  # numpy's bool has an __index__ too
        return None
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, ArithmeticError):
        return None


def as_real(value: object) -> float | None:
    """``value`` as a finite ``float`` if it is a real number, else ``None``.

    Accepts ``int``, ``float``, numpy numbers and other real numbers, never a ``bool``;
    a number too large for a float (such as an integer of thousands of digits) or a
    NaN or an infinity gives ``None``.
    """
    number = as_float(value)
    return number if number is not None and math.isfinite(number) else None


def is_bool(value: object) -> bool:
    return isinstance(value, bool) or type(value).__name__ == "bool_"  # numpy's bool too


def is_real(value: object) -> bool:
    """Whether ``value`` is a real number (numpy's included), never a ``bool``."""
    return not is_bool(value) and isinstance(value, numbers.Real)


def as_float(value: object) -> float | None:
    """A real number (not a bool) as a float: NaN and infinities kept; else ``None``."""
    if is_bool(value) or not isinstance(value, numbers.Real):
        return None
    try:
        return float(value)
    except (TypeError, ValueError, ArithmeticError):
        return math.inf  # too large for a float


def show_number(value: object) -> str:
    """Describe a value that should have been a number, for a message.

    Small numbers are written out (``7``, or ``3.5 (float)`` with the type of a number
    that is not an integer); a number of a million or more (in size) is described, never
    written, however many digits it has; anything else is named by its type (``bool``,
    ``str``). ``None`` is "no value".
    """
    whole = as_int(value)
    number = None if whole is not None else as_float(value)
    if value is None:
        found = "no value"
    elif is_bool(value):
        found = "bool"
    elif whole is not None:
        found = str(whole) if -_SHOWN_BELOW < whole < _SHOWN_BELOW else "an integer out of range"
    elif number is None:
        found = type_name(value)
    elif math.isnan(number):
        found = f"NaN ({type_name(value)})"
    else:
        shown = repr(number) if abs(number) < _SHOWN_BELOW else "out of range"
        found = f"{shown} ({type_name(value)})"
    return found
