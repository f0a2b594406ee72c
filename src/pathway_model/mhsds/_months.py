"""MHSDS reporting months: ``UniqMonthID``, its calendar month and days, its MHSDS version.

``UniqMonthID`` is "an incremental month number, with month 0001 being April 1900", so
``id = 12 * (year - 1900) + month - 3``; the inverse is ``year = 1900 + (id + 2) // 12``,
``month = (id + 2) % 12 + 1`` (see "Domain facts and sources").
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import attrs

from pathway_model.errors import ValidationError, WrongTypeError
from pathway_model.mhsds._conventions import MHSDS_VERSIONS, UNIQ_MONTH_ID, Convention
from pathway_model.model import _seam as _checks

__all__ = [
    "V5_FIRST_MONTH",
    "V6_FIRST_MONTH",
    "MhsdsVersion",
    "ReportingMonth",
    "month_id",
    "month_id_of",
    "mhsds_version",
    "reporting_month",
]

MhsdsVersion = Literal["v4.1", "v5", "v6"]
"""An MHSDS version, as this library names it."""

V5_FIRST_MONTH = 1459
"""The first ``UniqMonthID`` of MHSDS v5: October 2021."""

V6_FIRST_MONTH = 1489
"""The first ``UniqMonthID`` of MHSDS v6: April 2024 (MHS504 gives way to MHS518)."""

#: The last month a ``date`` can hold: December 9999.
_LAST_MONTH = 12 * (9999 - 1900) + 12 - 3


def _require_month_id(value: object, path: str = "month_id") -> int:
    if type(value) is not int:
        raise WrongTypeError.single(path, "a UniqMonthID (int)", _checks.type_name(value))
    if not 1 <= value <= _LAST_MONTH:
        raise ValidationError.single(
            path, f"a UniqMonthID from 1 (April 1900) to {_LAST_MONTH}", _checks.show_number(value)
        )
    return value


def require_date(value: object, path: str) -> dt.date:
    """``value`` if it is a calendar date (not a datetime), else the library's error."""
    if type(value) is dt.date:
        return value
    expected = "a date (datetime.date)"
    if isinstance(value, dt.datetime):
        expected += "; convert datetimes with uk_date()"
    raise WrongTypeError.single(path, expected, _checks.type_name(value))


def month_id(year: int, month: int) -> int:
    """The ``UniqMonthID`` of a calendar month.

    Args:
        year: The year, 1900 or later.
        month: The month, 1 (January) to 12.

    Returns:
        ``12 * (year - 1900) + month - 3``, by the convention
        [`UNIQ_MONTH_ID`][pathway_model.mhsds.UNIQ_MONTH_ID].

    Raises:
        WrongTypeError: ``year`` or ``month`` is not an ``int``.
        ValidationError: The month is before April 1900 or after 9999, or ``month`` is
            not 1-12.

    Examples:
        >>> from pathway_model.mhsds import month_id
        >>> month_id(2024, 11)
        1496
    """
    for path, value in (("year", year), ("month", month)):
        if type(value) is not int:
            raise WrongTypeError.single(path, "an int", _checks.type_name(value))
    if not 1 <= month <= 12:
        raise ValidationError.single("month", "a month 1-12", _checks.show_number(month))
    return _require_month_id(12 * (year - 1900) + month - 3, "year")


def month_id_of(day: dt.date) -> int:
    """The ``UniqMonthID`` of the month a date falls in.

    Raises:
        WrongTypeError: ``day`` is not a ``datetime.date`` (a ``datetime`` is refused).
        ValidationError: ``day`` is before April 1900.
    """
    day = require_date(day, "day")
    return month_id(day.year, day.month)


def mhsds_version(month: int) -> MhsdsVersion:
    """The MHSDS version a month's submissions follow.

    ``"v6"`` from 1489 (April 2024), ``"v5"`` from 1459 (October 2021), ``"v4.1"``
    before; the convention [`MHSDS_VERSIONS`][pathway_model.mhsds.MHSDS_VERSIONS]. The
    first month of v4.1 is not known, so every earlier month is called v4.1.

    Raises:
        WrongTypeError: ``month`` is not an ``int``.
        ValidationError: ``month`` is not a UniqMonthID.

    Examples:
        >>> from pathway_model.mhsds import mhsds_version
        >>> mhsds_version(1488), mhsds_version(1489)
        ('v5', 'v6')
    """
    month = _require_month_id(month)
    if month >= V6_FIRST_MONTH:
        return "v6"
    return "v5" if month >= V5_FIRST_MONTH else "v4.1"


@attrs.frozen(kw_only=True)
class ReportingMonth:
    """One MHSDS reporting month: its ``UniqMonthID``, calendar month, days and version.

    Attributes:
        month_id: The ``UniqMonthID``.
        year: The calendar year.
        month: The calendar month, 1-12.
        start: The month's first day (``rp_start`` in the national code).
        end: The month's last day (``rp_end``).
        version: The MHSDS version of the month's submissions.
        conventions: The conventions the month and its version were computed by:
            [`UNIQ_MONTH_ID`][pathway_model.mhsds.UNIQ_MONTH_ID] and
            [`MHSDS_VERSIONS`][pathway_model.mhsds.MHSDS_VERSIONS].
    """

    month_id: int
    year: int
    month: int
    start: dt.date
    end: dt.date
    version: MhsdsVersion
    conventions: tuple[Convention, ...] = (UNIQ_MONTH_ID, MHSDS_VERSIONS)

    @property
    def days(self) -> int:
        """How many days the month has."""
        return (self.end - self.start).days + 1


def reporting_month(month: int) -> ReportingMonth:
    """The reporting month of a ``UniqMonthID``.

    Args:
        month: The ``UniqMonthID``.

    Raises:
        WrongTypeError: ``month`` is not an ``int``.
        ValidationError: ``month`` is not a UniqMonthID (below 1, or after 9999).

    Examples:
        >>> from pathway_model.mhsds import reporting_month
        >>> november = reporting_month(1496)
        >>> november.start, november.end, november.version
        (datetime.date(2024, 11, 1), datetime.date(2024, 11, 30), 'v6')
    """
    month = _require_month_id(month)
    year, index = 1900 + (month + 2) // 12, (month + 2) % 12 + 1
    if index == 12:
        end = dt.date(year, 12, 31)
    else:
        end = dt.date(year, index + 1, 1) - dt.timedelta(days=1)
    return ReportingMonth(
        month_id=month,
        year=year,
        month=index,
        start=dt.date(year, index, 1),
        end=end,
        version=mhsds_version(month),
    )
