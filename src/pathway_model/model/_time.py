"""Calendar periods and the conversion of zoned datetimes to UK calendar dates."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import attrs

from pathway_model.errors import ValidationError, WrongTypeError
from pathway_model.model import _checks

__all__ = ["UK_ZONE", "Period", "shift_date", "uk_date"]

#: The zone in which a datetime becomes a calendar date for a service in England.
UK_ZONE = ZoneInfo("Europe/London")

_PERIOD_PATTERN = re.compile(r"P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)W)?(?:([0-9]+)D)?")
#: More digits than this in one part is more than 200 years whatever the unit.
_MAX_DIGITS = 6
#: Periods longer than this are refused as a sign of a mistake (a stay is not centuries).
_MAX_YEARS = 200


@attrs.frozen(kw_only=True)
class Period:
    """A calendar period: years, months, weeks and days.

    Periods are added to dates with calendar arithmetic: months are added first and clip
    to the end of the month (31 January + 1 month is the last day of February), then weeks
    and days. Two periods are equal only when their parts are equal: one month is not 30
    days, so periods are not ordered.

    Attributes:
        years: Whole years, ``>= 0``.
        months: Whole months, ``>= 0``.
        weeks: Whole weeks, ``>= 0``.
        days: Whole days, ``>= 0``.

    Examples:
        >>> import datetime as dt
        >>> Period(months=1).add_to(dt.date(2024, 1, 31))
        datetime.date(2024, 2, 29)
        >>> str(Period.parse("P12W"))
        'P12W'
    """

    years: int = attrs.field(default=0, validator=_checks.integer(minimum=0, maximum=None))
    months: int = attrs.field(default=0, validator=_checks.integer(minimum=0, maximum=None))
    weeks: int = attrs.field(default=0, validator=_checks.integer(minimum=0, maximum=None))
    days: int = attrs.field(default=0, validator=_checks.integer(minimum=0, maximum=None))

    def __attrs_post_init__(self) -> None:
        # Whole-number arithmetic: a float division would overflow on a huge part.
        longest_days = self.years * 366 + self.months * 31 + self.weeks * 7 + self.days
        if longest_days > _MAX_YEARS * 366:
            raise ValidationError.single(
                "Period",
                f"a period of at most {_MAX_YEARS} years",
                f"a period of more than {_MAX_YEARS} years",
            )

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read an ISO 8601 duration of whole years, months, weeks and days.

        Accepts ``PnYnMnWnD`` with any part left out (``P3M``, ``P12W``, ``P1Y6M``,
        ``P0D``). Times (``PT…``) and fractions are refused: pathway periods are in days.

        Args:
            text: The duration, e.g. ``"P3M"``.

        Raises:
            ValidationError: ``text`` is not such a duration.
        """
        if not isinstance(text, str):
            raise WrongTypeError.single(
                "Period", "an ISO 8601 duration (str)", _checks.type_name(text)
            )
        match = _PERIOD_PATTERN.fullmatch(text)
        if match is None or text == "P":
            raise ValidationError.single(
                "Period",
                "an ISO 8601 duration of years, months, weeks and days such as 'P3M' or 'P12W'",
                _checks.show_code(text),
            )
        if any(part and len(part.lstrip("0")) > _MAX_DIGITS for part in match.groups()):
            # Refuse before int(): a part of thousands of digits is slow to convert.
            raise ValidationError.single(
                "Period",
                f"a period of at most {_MAX_YEARS} years",
                f"a period of more than {_MAX_YEARS} years",
            )
        years, months, weeks, days = (int(part) if part else 0 for part in match.groups())
        return cls(years=years, months=months, weeks=weeks, days=days)

    def isoformat(self) -> str:
        """Return the ISO 8601 form, e.g. ``"P1Y6M"``; ``"P0D"`` for an empty period."""
        parts = [
            f"{value}{unit}"
            for value, unit in (
                (self.years, "Y"),
                (self.months, "M"),
                (self.weeks, "W"),
                (self.days, "D"),
            )
            if value
        ]
        return "P" + ("".join(parts) or "0D")

    def __str__(self) -> str:
        return self.isoformat()

    @property
    def is_zero(self) -> bool:
        """Whether adding this period leaves every date unchanged."""
        return not (self.years or self.months or self.weeks or self.days)

    def add_to(self, day: dt.date) -> dt.date:
        """Return ``day`` moved forward by this period, with calendar arithmetic.

        Args:
            day: The date to start from.

        Raises:
            ValidationError: The result would be after 31 December 9999.
        """
        return self._shift(day, 1)

    def subtract_from(self, day: dt.date) -> dt.date:
        """Return ``day`` moved back by this period, with calendar arithmetic.

        Args:
            day: The date to start from.

        Raises:
            ValidationError: The result would be before 1 January 0001.
        """
        return self._shift(day, -1)

    def _shift(self, day: dt.date, sign: int) -> dt.date:
        try:
            return shift_date(
                day,
                months=sign * (self.years * 12 + self.months),
                days=sign * (self.weeks * 7 + self.days),
            )
        except (OverflowError, ValueError):
            bound = "no later than 9999-12-31" if sign > 0 else "no earlier than 0001-01-01"
            found = f"{day.isoformat()} {'+' if sign > 0 else '-'} {self}"
            raise ValidationError.single("Period", f"a result {bound}", found) from None

    def approximate_days(self) -> float:
        """Return the period's mean length in days (365.2425 a year), for display and charts."""
        return self.years * 365.2425 + self.months * 30.436875 + self.weeks * 7 + self.days


def shift_date(day: dt.date, *, months: int, days: int) -> dt.date:
    """Move ``day`` by whole ``months``, then by ``days``: the library's one calendar shift.

    Calendar arithmetic as dateutil's ``relativedelta`` does it (a property test holds the
    two to the same answers): the months first, the day clipped to the end of the month
    reached (31 January + 1 month is the last day of February), then the days. Negative
    counts move back. `Period.add_to` and `Period.subtract_from` shift with it, and so
    does every other part of the library that moves a date by months or years. Written
    out, not built on ``relativedelta``, because the rules shift dates in inner loops.

    Args:
        day: The date to start from.
        months: Whole months to move (years are 12 months).
        days: Whole days to move after the months (weeks are 7 days).

    Raises:
        OverflowError: The result would be outside years 1 to 9999 (moving by days).
        ValueError: The result would be outside years 1 to 9999 (moving by months).
    """
    if months:
        year, month = divmod(day.month - 1 + months, 12)
        year += day.year
        month += 1
        last = _days_in_month(year, month)
        day = day.replace(year=year, month=month, day=min(day.day, last))
    if days:
        day += dt.timedelta(days=days)
    return day


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in_month(year: int, month: int) -> int:
    """The number of days in ``month`` of ``year`` (proleptic Gregorian calendar)."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]


def uk_date(moment: dt.datetime) -> dt.date:
    """Return the calendar date in England of a zoned datetime.

    Rules work on calendar dates. A datetime arriving from outside (an EPR event, a
    FHIR ``dateTime``) must carry its zone; it is converted to Europe/London before its
    date is taken, so 23:30 UTC on a summer evening counts as the next day in England.

    Args:
        moment: A datetime with a zone (``tzinfo`` set).

    Text with an offset is read by the JSON and FHIR loaders, which take offsets as
    RFC 3339 writes them: hours 00-23 and minutes 00-59 (``+01:99`` is refused).

    Raises:
        WrongTypeError: ``moment`` is not a datetime.
        ValidationError: ``moment`` has no zone (a naive datetime), or a zone whose
            offset is not less than a day.

    Examples:
        >>> import datetime as dt
        >>> uk_date(dt.datetime(2024, 7, 1, 23, 30, tzinfo=dt.timezone.utc))
        datetime.date(2024, 7, 2)
    """
    if not isinstance(moment, dt.datetime):
        raise WrongTypeError.single("uk_date", "a datetime with a zone", _checks.type_name(moment))
    try:
        # Python checks the offset a zone gives: less than a day either way.
        offset = moment.utcoffset()
    except (TypeError, ValueError):
        raise ValidationError.single(
            "uk_date",
            "a datetime whose zone gives an offset of less than a day",
            "a zone that does not",
        ) from None
    if offset is None:
        raise ValidationError.single(
            "uk_date", "a datetime with a zone (tzinfo)", "a naive datetime"
        )
    try:
        return moment.astimezone(UK_ZONE).date()
    except OverflowError:
        raise ValidationError.single(
            "uk_date", "a moment whose date in England is from 0001 to 9999", "one outside it"
        ) from None
