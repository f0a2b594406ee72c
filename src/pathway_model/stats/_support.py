"""What the statistics functions share: loading numpy and scipy, and checking arguments.

numpy and scipy are the extra ``stats``; they are loaded when a function needs them, and
their absence is the library's own error, never a bare ``ImportError``. Every check of
an argument raises the library's own error naming it (``denominators[3]``), what was
expected and what was found (a number, or the type of what is not one). The functions
take plain Python numbers and numpy's alike.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterable
from enum import Enum
from statistics import NormalDist
from typing import TypeVar, cast

from pathway_model.errors import (
    PathwayModelError,
    Problem,
    UnknownCodeError,
    ValidationError,
    WrongTypeError,
)
from pathway_model.model._seam import as_float, as_int, is_bool, show_number, type_name

__all__ = [
    "StatisticsUnavailableError",
    "bools",
    "check_confidence",
    "choice",
    "items",
    "need",
    "real",
    "reals",
    "whole",
    "wholes",
    "z_value",
]

E = TypeVar("E", bound=Enum)

_INSTALL_HINT = 'install the extra: pip install "pathway-model[stats]"'


class StatisticsUnavailableError(PathwayModelError, ImportError):
    """numpy or scipy, which intervals, funnels and control charts need, is not installed.

    Install the optional extra: ``pip install "pathway-model[stats]"``. Disclosure control
    needs neither.
    """


def need(module: str) -> None:
    """Load ``module`` (``"numpy"``, ``"scipy.special"``), or say which extra to install."""
    try:
        importlib.import_module(module)
    except ImportError as error:
        top = module.partition(".")[0]
        msg = f"this needs {top}, which is not installed: {_INSTALL_HINT}"
        raise StatisticsUnavailableError(msg, name=top) from error


def items(values: object, path: str, expected: str) -> list[object]:
    """The items of an iterable argument (not text), as a list."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise WrongTypeError.single(path, expected, type_name(values))
    return list(values)


def _real_problem(
    value: object, path: str, *, minimum: float | None, above: float | None
) -> tuple[float | None, Problem | None]:
    number = as_float(value)
    if number is None:
        return None, Problem(
            path=path, expected="a number", found=type_name(value), wrong_type=True
        )
    if not math.isfinite(number):
        return None, Problem(path=path, expected="a finite number", found=show_number(value))
    if minimum is not None and number < minimum:
        return None, Problem(
            path=path, expected=f"a number of at least {minimum:g}", found=show_number(value)
        )
    if above is not None and number <= above:
        return None, Problem(
            path=path, expected=f"a number above {above:g}", found=show_number(value)
        )
    return number, None


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError.of(problems)


def real(
    value: object, path: str, *, minimum: float | None = None, above: float | None = None
) -> float:
    """A finite real number (not a bool), at least ``minimum`` or above ``above``."""
    number, problem = _real_problem(value, path, minimum=minimum, above=above)
    if problem is not None:
        _raise([problem])
    assert number is not None  # the problem is raised above
    return number


def reals(
    values: object,
    path: str,
    *,
    minimum: float | None = None,
    above: float | None = None,
) -> list[float]:
    """Finite real numbers, each checked as `real` does; every problem is listed."""
    given = items(values, path, "a sequence of numbers")
    numbers: list[float] = []
    problems: list[Problem] = []
    low = -math.inf if minimum is None else minimum
    for index, value in enumerate(given):
        kind = type(value)
        if kind is float or kind is int:  # the common case, checked without the number ABCs
            fast = float(cast("float", value))
            if low <= fast < math.inf and (above is None or fast > above):
                numbers.append(fast)
                continue
        number, problem = _real_problem(value, f"{path}[{index}]", minimum=minimum, above=above)
        if problem is not None:
            problems.append(problem)
        elif number is not None:
            numbers.append(number)
    _raise(problems)
    return numbers


def _whole_problem(value: object, path: str, minimum: int) -> tuple[int | None, Problem | None]:
    number = as_int(value)
    if number is None:
        return None, Problem(
            path=path, expected="a whole number", found=type_name(value), wrong_type=True
        )
    if number < minimum:
        return None, Problem(
            path=path, expected=f"a whole number of at least {minimum}", found=show_number(value)
        )
    return number, None


def whole(value: object, path: str, *, minimum: int = 0) -> int:
    """A whole number (``int`` or numpy integer, not a bool) of at least ``minimum``."""
    number, problem = _whole_problem(value, path, minimum)
    if problem is not None:
        _raise([problem])
    assert number is not None  # the problem is raised above
    return number


def wholes(values: object, path: str, *, minimum: int = 0) -> list[int]:
    """Whole numbers, each checked as `whole` does; every problem is listed."""
    given = items(values, path, "a sequence of whole numbers")
    numbers: list[int] = []
    problems: list[Problem] = []
    for index, value in enumerate(given):
        number, problem = _whole_problem(value, f"{path}[{index}]", minimum)
        if problem is not None:
            problems.append(problem)
        elif number is not None:
            numbers.append(number)
    _raise(problems)
    return numbers


def bools(values: object, path: str, size: int, of: str) -> list[bool]:
    """One flag (Python's or numpy's bool) for each of ``size`` items, named ``of``."""
    given = items(values, path, "a sequence of bools")
    problems = [
        Problem(path=f"{path}[{index}]", expected="a bool", found=type_name(value), wrong_type=True)
        for index, value in enumerate(given)
        if not is_bool(value)
    ]
    _raise(problems)
    if len(given) != size:
        raise ValidationError.single(path, f"one flag per {of} ({size})", f"{len(given)} flags")
    return [bool(value) for value in given]


def check_confidence(value: object) -> float:
    """A confidence level strictly between 0 and 1 (0.95, 0.998)."""
    number = as_float(value)
    if number is None:
        raise WrongTypeError.single("confidence", "a number between 0 and 1", type_name(value))
    if not 0 < number < 1:
        raise ValidationError.single(
            "confidence", "a number between 0 and 1 (0.95 for 95%)", show_number(value)
        )
    return number


def z_value(confidence: float) -> float:
    """The two-sided standard normal quantile for ``confidence`` (1.959964 for 0.95)."""
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def choice(kind: type[E], value: object, path: str) -> E:
    """A member of ``kind``, given as itself or as its code."""
    if isinstance(value, kind):
        return value
    if not isinstance(value, str):
        raise WrongTypeError.single(path, f"a {kind.__name__} or its code", type_name(value))
    for member in kind:
        if member.value == value:
            return member
    raise UnknownCodeError(kind.__name__, value, [str(member.value) for member in kind], path=path)
