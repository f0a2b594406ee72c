"""The national conventions this subpackage reproduces, each named as data.

Every measure's result carries the [`Convention`][pathway_model.mhsds.Convention] it was
computed by, so a figure never travels without the rule that made it. The sources are
listed on the docs page "Domain facts and sources" (section "Mental Health Services Data
Set").
"""

from __future__ import annotations

from typing import Literal

import attrs

__all__ = [
    "BED_DAYS",
    "CONVENTIONS",
    "HONOS_AMH04",
    "HONOS_DUPLICATES",
    "HONOS_FULL",
    "LENGTH_OF_STAY",
    "LENGTH_OF_STAY_CENSORED",
    "MHSDS_VERSIONS",
    "PERS_SCORE_VALIDITY",
    "READY_DAYS",
    "READY_DAYS_GUARD",
    "READY_DAYS_REASONS",
    "RESTRICTIVE_INTERVENTIONS",
    "UNIQ_MONTH_ID",
    "Convention",
    "Origin",
]

Origin = Literal["national", "library"]
"""Where a convention comes from: the national code, or this library's decision where the
national code is silent or inconsistent."""


@attrs.frozen(kw_only=True)
class Convention:
    """A named rule for computing an MHSDS figure, and where it comes from.

    Attributes:
        code: A short stable code, e.g. ``"mhsds-los"``.
        name: The rule's name, e.g. ``"MHSDS length of stay"``.
        rule: The rule itself, in the national code's own terms, e.g.
            ``"DATEDIFF(end, start), same day = 0"``.
        source: Where the rule comes from, as listed on "Domain facts and sources".
        origin: ``"national"`` when the national code does this; ``"library"`` when it is
            this library's decision where the national code is silent or inconsistent.

    Examples:
        >>> from pathway_model.mhsds import LENGTH_OF_STAY
        >>> str(LENGTH_OF_STAY)
        'MHSDS length of stay: DATEDIFF(end, start), same day = 0'
    """

    code: str
    name: str
    rule: str
    source: str
    origin: Origin = "national"

    def __str__(self) -> str:
        return f"{self.name}: {self.rule}"


_NHSD = "NHS Digital mental-health-monthly-statistics"

UNIQ_MONTH_ID = Convention(
    code="mhsds-uniq-month-id",
    name="MHSDS UniqMonthID",
    rule="id = 12 * (year - 1900) + month - 3; month 1 = April 1900",
    source=f"MHSDS training slides (session two); {_NHSD}",
)
"""``UniqMonthID`` counts months from April 1900 (month 1)."""

MHSDS_VERSIONS = Convention(
    code="mhsds-versions",
    name="MHSDS version of a month",
    rule="v4.1 before 1459; v5 from 1459 (October 2021); v6 from 1489 (April 2024)",
    source=_NHSD,
)
"""Which MHSDS version a month's submissions follow."""

LENGTH_OF_STAY = Convention(
    code="mhsds-los",
    name="MHSDS length of stay",
    rule="DATEDIFF(end, start), same day = 0",
    source=f"{_NHSD} (length-of-stay preparation)",
)
"""Length of a discharged spell or ward stay."""

LENGTH_OF_STAY_CENSORED = Convention(
    code="mhsds-los-censored",
    name="MHSDS length of stay, censored",
    rule="DATEDIFF(LEAST(COALESCE(end, rp_end), rp_end), start)",
    source=f"{_NHSD} (learning disability and autism preparation)",
)
"""Length of a stay still open (or ending after) the period end, censored there."""

BED_DAYS = Convention(
    code="mhsds-bed-days",
    name="MHSDS bed days in a month, from the kept version",
    rule=(
        "DATEDIFF(LEAST(COALESCE(end, rp_end + 1), rp_end + 1), GREATEST(start, rp_start)), "
        "positive values only; equal on consistent data to the national "
        "SUM(DATEDIFF(COALESCE(end, rp_end + 1), GREATEST(start, rp_start)))"
    ),
    source=f"{_NHSD} (generic preparation, bed days); this library's reporting window",
    origin="library",
)
"""Bed days of stays in one month, from each stay's latest version."""

READY_DAYS = Convention(
    code="mhsds-mhs26",
    name="MHSDS MHS26 ready-for-discharge days",
    rule=(
        "drop rows with start = end; rank a spell's rows by start, then row id; "
        "end' = COALESCE(end, rp_end + 1); start' = rp_start if start < rp_start, else "
        "start + 1 if first-ranked or starting more than 1 day after the previous row's end, "
        "else start; days = SUM(DATEDIFF(end', start'))"
    ),
    source=f"{_NHSD} (measure MHS26, inpatient measures)",
)
"""Measure MHS26: days in a month a person was recorded clinically ready for discharge."""

READY_DAYS_GUARD = Convention(
    code="mhsds-mhs26-guard",
    name="MHS26 guard for re-sent and overlapping rows",
    rule=(
        "keep only rows overlapping the month (start <= rp_end and end >= rp_start or no end), "
        "end' no later than rp_end + 1, and merge overlapping rows of a spell (a later row "
        "starts where the earlier ends; a row inside another is dropped)"
    ),
    source="this library's decision: the national code has no guard",
    origin="library",
)
"""The guard this library adds to MHS26, where the national code has none."""

READY_DAYS_REASONS = Convention(
    code="mhsds-mhs26-reasons",
    name="MHS26 by delay reason and by attributable-to",
    rule=(
        "a row's days go to its reason and its attributable-to code; a code missing or "
        "outside its month window is reported as UNKNOWN, never dropped"
    ),
    source="this library's decision",
    origin="library",
)
"""How MHS26 days are broken down by delay reason and by who the delay is attributable to."""

RESTRICTIVE_INTERVENTIONS = Convention(
    code="mhsds-restrictive-interventions",
    name="MHSDS restrictive interventions",
    rule=(
        "COUNT(DISTINCT incident id, type id); an intervention counts in a month when its "
        "start or end falls in it, or it started by the month's end and has no end; "
        "rate = count / spell bed days x 1000"
    ),
    source=f"{_NHSD} (restrictive interventions per 1,000 bed days); this library's month rule",
)
"""Restrictive interventions in a period and per 1,000 bed days."""

PERS_SCORE_VALIDITY = Convention(
    code="mhsds-pers-score",
    name="MHSDS PersScore validity",
    rule=(
        "valid when written '0'-'4' or '00'-'04'; '9', '9.0', 'Missi', empty text, "
        "non-integers and anything else are not known"
    ),
    source=f"{_NHSD} (assessment preparation); this library's reading of CAST(PersScore AS float)",
    origin="library",
)
"""Which ``PersScore`` texts are valid HoNOS ratings."""

HONOS_DUPLICATES = Convention(
    code="mhsds-honos-duplicates",
    name="MHSDS HoNOS resubmitted duplicates",
    rule=(
        "one row per person, date, assessment, scale and score; two different scores for one "
        "scale of one assessment leave the scale not known"
    ),
    source="NHS England MHSDS assessments pre-processing; this library's rule for conflicts",
)
"""How resubmitted HoNOS rows are de-duplicated."""

HONOS_AMH04 = Convention(
    code="mhsds-amh04",
    name="MHSDS AMH04 HoNOS completeness",
    rule=(
        "an assessment counts when at least 9 distinct working-age scales score validly; "
        "security scales never count; the 12 months end at the period end"
    ),
    source=f"{_NHSD} (measure AMH04, main monthly preparation)",
)
"""Measure AMH04: HoNOS assessments complete enough to count."""

HONOS_FULL = Convention(
    code="mhsds-honos-full",
    name="HoNOS full",
    rule="all 12 working-age scales score validly on one date",
    source="The Strategy Unit, CQC secure care analysis",
)
"""A "full" HoNOS: all 12 scales rated validly."""

CONVENTIONS: tuple[Convention, ...] = (
    UNIQ_MONTH_ID,
    MHSDS_VERSIONS,
    LENGTH_OF_STAY,
    LENGTH_OF_STAY_CENSORED,
    BED_DAYS,
    READY_DAYS,
    READY_DAYS_GUARD,
    READY_DAYS_REASONS,
    RESTRICTIVE_INTERVENTIONS,
    PERS_SCORE_VALIDITY,
    HONOS_DUPLICATES,
    HONOS_AMH04,
    HONOS_FULL,
)
"""Every convention this subpackage uses, in the order the reference page lists them."""
