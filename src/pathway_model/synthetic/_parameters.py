"""The shape of a synthetic cohort: its parameters, checked, and their defaults.

Every default names its source, a fact listed on the docs page "Domain facts and
sources", or is marked as an illustrative assumption.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.errors import Problem, UnknownCodeError, ValidationError, show_code
from pathway_model.model import Stage
from pathway_model.model._seam import (
    ATTRIBUTABLE_TO,
    DELAY_REASONS_V5,
    DELAY_REASONS_V6,
    MAX_NAME_LENGTH,
    RESTRICTIVE_INTERVENTION_TYPES,
    type_name,
)

#: The stages a person can be admitted to or stay in; "discharged" ends the record.
STAY_STAGES = ("high_secure", "medium_secure", "low_secure", "community")
#: The stages that are secure hospital care: the beds "Domain facts and sources" counts.
HOSPITAL_STAGES = frozenset({"high_secure", "medium_secure", "low_secure"})
#: Where a step down from the community goes: out of the pathway, and the record ends.
DISCHARGED = "discharged"


def _pairs(value: Mapping[str, float] | Iterable[tuple[str, float]]) -> tuple[Any, ...]:
    """Accept ``{stage: weight}`` or ``(stage, weight)`` pairs; keep the order given."""
    raw: object = value
    if isinstance(raw, Mapping):
        return tuple(raw.items())
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable):
        return raw  # type: ignore[return-value]  # reported by the checks
    return tuple(tuple(pair) if isinstance(pair, (list, tuple)) else pair for pair in raw)


def _as_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    raw: object = value
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable):
        return raw  # type: ignore[return-value]  # reported by the checks
    return tuple(raw)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _number(path: str, value: object, low: float, high: float, what: str) -> list[Problem]:
    if not _is_number(value):
        return [Problem(path=path, expected=what, found=type_name(value))]
    if not low <= value <= high:  # type: ignore[operator]  # a number, checked above
        return [Problem(path=path, expected=what, found=repr(value))]
    return []


def _share(path: str, value: object) -> list[Problem]:
    return _number(path, value, 0.0, 1.0, "a share from 0 to 1")


def _whole(path: str, value: object, low: int, high: int) -> list[Problem]:
    what = f"a whole number from {low:,} to {high:,}"
    if not isinstance(value, int) or isinstance(value, bool):
        return [Problem(path=path, expected=what, found=type_name(value))]
    if not low <= value <= high:
        return [Problem(path=path, expected=what, found=repr(value))]
    return []


def _span(path: str, value: object, low: int, high: int) -> list[Problem]:
    """Check a ``(least, most)`` pair of whole numbers inside ``[low, high]``."""
    what = f"a pair (least, most) of whole numbers from {low:,} to {high:,}, least <= most"
    if not isinstance(value, tuple) or len(value) != 2:
        found = f"a tuple of {len(value)} items" if isinstance(value, tuple) else type_name(value)
        return [Problem(path=path, expected=what, found=found)]
    problems = _whole(f"{path}[0]", value[0], low, high) + _whole(f"{path}[1]", value[1], low, high)
    if not problems and value[0] > value[1]:
        problems.append(Problem(path=path, expected=what, found=repr(value)))
    return problems


def _weights(path: str, value: object, codes: Sequence[str], list_name: str) -> list[Problem]:
    """Check ``(code, weight)`` pairs: codes of one national list, each once, weights > 0."""
    what = f"(code, weight) pairs naming codes of {list_name}"
    if not isinstance(value, tuple):
        return [Problem(path=path, expected=what, found=type_name(value))]
    if not value:
        return [Problem(path=path, expected=f"at least 1 pair: {what}", found="none")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, pair in enumerate(value):
        here = f"{path}[{index}]"
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):
            problems.append(Problem(path=here, expected=what, found=type_name(pair)))
            continue
        code, weight = pair
        if code not in codes:
            problems.append(
                Problem(
                    path=f"{here}[0]",
                    expected=f"a code of {list_name} ({', '.join(codes)})",
                    found=show_code(code),
                )
            )
        elif code in seen:
            problems.append(Problem(path=f"{here}[0]", expected="each code once", found="a repeat"))
        seen.add(code)
        problems += _number(f"{here}[1]", weight, 0.0, 1e9, "a weight > 0")
        if _is_number(weight) and weight <= 0:
            problems.append(Problem(path=f"{here}[1]", expected="a weight > 0", found=repr(weight)))
    return problems


def _raise(problems: Sequence[Problem]) -> None:
    if problems:
        raise ValidationError(problems)


def _moves(path: str, stage: Stage, value: object, *, down: bool) -> list[Problem]:
    """Check ``(stage, weight)`` pairs naming allowed moves in one direction."""
    direction = "less" if down else "more"
    what = f"(stage, weight) pairs naming {direction} secure stages the pathway allows"
    if not isinstance(value, tuple):
        return [Problem(path=path, expected=what, found=type_name(value))]
    problems: list[Problem] = []
    seen: list[str] = []
    for index, pair in enumerate(value):
        here = f"{path}[{index}]"
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):
            problems.append(Problem(path=here, expected=what, found=type_name(pair)))
            continue
        target, weight = pair
        allowed = [
            move.code
            for move in SECURE_PATHWAY.moves_from(stage.code)
            if (move.security_rank < stage.security_rank) == down
        ]
        if target not in allowed:
            shown = repr(target) if target in SECURE_PATHWAY else "a code that is not a stage"
            problems.append(
                Problem(
                    path=f"{here}[0]",
                    expected=f"a {direction} secure stage allowed from {stage.code!r} "
                    f"({', '.join(allowed) or 'none'})",
                    found=shown,
                )
            )
        if target in seen:
            problems.append(
                Problem(path=f"{here}[0]", expected="each stage once", found="a repeat")
            )
        seen.append(target)
        problems += _number(f"{here}[1]", weight, 0.0, 1e9, "a weight > 0")
        if _is_number(weight) and weight <= 0:
            problems.append(Problem(path=f"{here}[1]", expected="a weight > 0", found=repr(weight)))
    return problems


@attrs.frozen(kw_only=True)
class StageParameters:
    """How stays in one stage of the secure pathway are made.

    A stay's length is drawn from a log-normal distribution with the given median and
    spread (the standard deviation of the log of the length), capped at
    [`CohortParameters.longest_stay_years`][pathway_model.synthetic.CohortParameters].
    How it ends is drawn independently of its length: a move to a more secure stage
    (``step_up_share``), leaving the pathway (``leave_share``: a return to prison, a
    transfer out of secure services, a death), or otherwise a step down.

    Attributes:
        stage: The stage's code in the secure pathway: ``"high_secure"``,
            ``"medium_secure"``, ``"low_secure"`` or ``"community"``.
        admission_share: The share of new admissions that begin in this stage. The
            shares of all stages add up to 1.
        median_stay_years: The median length of a stay, in years.
        stay_spread: The standard deviation of the natural log of a stay's length
            (0 makes every stay the median).
        incidents_per_year: The mean number of incidents per person-year in the stage.
        step_down_to: Where a step down goes, as ``(stage, weight)`` pairs (a mapping
            is also accepted); ``"discharged"`` ends the record. Required unless every
            stay ends otherwise.
        step_up_share: The share of stays that end with a move to a more secure stage.
        step_up_to: Where a step up goes, as ``(stage, weight)`` pairs.
        leave_share: The share of stays after which the person leaves the pathway
            without a move the pathway records: the record ends.

    Raises:
        ValidationError: A value is out of range or names a move the secure pathway does
            not allow; every problem is listed.
    """

    stage: str
    admission_share: float
    median_stay_years: float
    stay_spread: float
    incidents_per_year: float
    step_down_to: tuple[tuple[str, float], ...] = attrs.field(default=(), converter=_pairs)
    step_up_share: float = 0.0
    step_up_to: tuple[tuple[str, float], ...] = attrs.field(default=(), converter=_pairs)
    leave_share: float = 0.0

    def __attrs_post_init__(self) -> None:
        _raise(self.problems())

    def problems(self, path: str = "StageParameters") -> list[Problem]:
        """Every problem with these parameters, with paths under ``path``."""
        code: object = self.stage
        if code not in STAY_STAGES:
            found = repr(code) if isinstance(code, str) else type_name(code)
            return [
                Problem(
                    path=f"{path}.stage",
                    expected=f"a stage of the secure pathway ({', '.join(STAY_STAGES)})",
                    found=found,
                )
            ]
        stage = SECURE_PATHWAY.stage(self.stage)
        problems = _share(f"{path}.admission_share", self.admission_share)
        problems += _number(
            f"{path}.median_stay_years", self.median_stay_years, 0.01, 40.0, "years from 0.01 to 40"
        )
        problems += _number(f"{path}.stay_spread", self.stay_spread, 0.0, 3.0, "a spread 0 to 3")
        problems += _number(
            f"{path}.incidents_per_year", self.incidents_per_year, 0.0, 50.0, "a rate from 0 to 50"
        )
        problems += _share(f"{path}.step_up_share", self.step_up_share)
        problems += _share(f"{path}.leave_share", self.leave_share)
        problems += _moves(f"{path}.step_down_to", stage, self.step_down_to, down=True)
        problems += _moves(f"{path}.step_up_to", stage, self.step_up_to, down=False)
        if problems:
            return problems
        if self.step_up_share + self.leave_share > 1:
            problems.append(
                Problem(
                    path=f"{path}.step_up_share",
                    expected="step_up_share + leave_share <= 1",
                    found=f"{self.step_up_share + self.leave_share:g}",
                )
            )
        if self.step_up_share > 0 and not self.step_up_to:
            problems.append(
                Problem(
                    path=f"{path}.step_up_to",
                    expected="at least 1 stage when step_up_share > 0",
                    found="none",
                )
            )
        if self.step_up_share + self.leave_share < 1 and not self.step_down_to:
            problems.append(
                Problem(
                    path=f"{path}.step_down_to",
                    expected="at least 1 stage when some stays end in a step down",
                    found="none",
                )
            )
        return problems


#: The default stages. Every figure is from "Domain facts and sources" or an assumption.
DEFAULT_STAGES: tuple[StageParameters, ...] = (
    StageParameters(
        stage="high_secure",
        # Assumption: few admissions go straight to high secure; the sources give just
        # under 800 high secure beds of about 7,000-8,000 in all.
        admission_share=0.05,
        # Assumption: the sources give no median for high secure (no agreed limit).
        median_stay_years=5.0,
        # Derived: with a median of 5 years, a spread of 0.866 makes 23.5% of the
        # people in high secure at any date long-stay (> 10 years), as the sources say.
        stay_spread=0.866,
        incidents_per_year=2.0,  # assumption
        step_down_to=(("medium_secure", 1.0),),
        leave_share=0.05,  # assumption: transfers out and deaths
    ),
    StageParameters(
        stage="medium_secure",
        admission_share=0.66,  # assumption: most admissions are to medium secure
        # Sources: one medium secure unit's median stay was 580 days in 2012.
        median_stay_years=1.59,
        # Derived: with that median, a spread of 0.964 makes 18.1% of the people in
        # medium secure at any date long-stay (> 5 years), as the sources say.
        stay_spread=0.964,
        incidents_per_year=1.5,  # assumption
        step_down_to=(("low_secure", 0.8), ("community", 0.2)),  # assumption
        step_up_share=0.05,  # assumption
        step_up_to=(("high_secure", 1.0),),
        leave_share=0.12,  # assumption: returns to prison and transfers out
    ),
    StageParameters(
        stage="low_secure",
        admission_share=0.29,  # assumption
        median_stay_years=2.0,  # assumption: a typical stay is about 2 years
        stay_spread=0.8,  # assumption
        incidents_per_year=1.0,  # assumption
        step_down_to=(("community", 1.0),),
        step_up_share=0.08,  # assumption
        step_up_to=(("medium_secure", 1.0),),
        leave_share=0.05,  # assumption
    ),
    StageParameters(
        stage="community",
        admission_share=0.0,  # people reach the community stage from hospital
        median_stay_years=2.0,  # assumption
        stay_spread=0.6,  # assumption
        incidents_per_year=0.3,  # assumption
        step_down_to=((DISCHARGED, 1.0),),
        step_up_share=0.1,  # assumption: recalls to hospital
        step_up_to=(("low_secure", 0.5), ("medium_secure", 0.5)),
    ),
)
"""The default per-stage parameters of ``CohortParameters``: see each figure's comment."""

DEFAULT_PROVIDERS: tuple[str, ...] = tuple(f"Provider {letter}" for letter in "ABCDEFGH")
"""Eight invented provider names: the default of ``CohortParameters.providers``."""

# Recorded readiness and restrictive interventions. The sources give no national
# distribution of delay reasons, of who delays are attributable to, or of restrictive
# intervention types, and no national rate of restrictive interventions: every weight
# below is an illustrative assumption. The delay reasons favour those that hold people
# in secure care (Ministry of Justice agreement, highly bespoke housing or care,
# supported accommodation, funding, further NHS care); physical restraint is the most
# common intervention. Each table adds up to 100, so a weight reads as a percentage.

#: Delay reasons, MHSDS v6 ``ClinReadyforDischDelayReason`` (assumption).
_DELAY_REASONS_V6: tuple[tuple[str, float], ...] = (
    ("01", 4),  # care coordinator allocation
    ("03", 3),  # social worker allocation
    ("04", 12),  # public funding or a funding panel
    ("05", 10),  # further community or mental health NHS care
    ("08", 3),  # care home with nursing
    ("11", 2),  # patient or family choice
    ("12", 3),  # dispute over the responsible commissioner
    ("13", 3),  # dispute over the post-discharge pathway
    ("15", 1),  # social rented housing
    ("18", 15),  # supported accommodation
    ("24", 15),  # Ministry of Justice agreement to the placement
    ("25", 4),  # mental health legislation proceedings
    ("31", 4),  # public-safety concern unrelated to clinical need
    ("32", 15),  # highly bespoke housing or care
    ("33", 2),  # no lawful community support
    ("34", 2),  # no social care support
    ("36", 1),  # hospital staff shortages
    ("98", 1),  # not known
)
#: Delay reasons, MHSDS v5 ``DelayDischReason``, by analogy with v6 (assumption).
_DELAY_REASONS_V5: tuple[tuple[str, float], ...] = (
    ("A2", 5),  # care coordinator allocation
    ("B1", 14),  # public funding
    ("C1", 12),  # further non-acute NHS care
    ("D2", 3),  # care home with nursing
    ("G2", 2),  # patient or family choice
    ("H1", 6),  # disputes
    ("I2", 3),  # general-needs housing
    ("J2", 15),  # supported accommodation
    ("M1", 15),  # Ministry of Justice agreement
    ("N1", 5),  # legal requirements
    ("R1", 3),  # public-safety concern (care team); from October 2021
    ("R2", 2),  # public-safety concern (Ministry of Justice); from October 2021
    ("S1", 5),  # no lawful community care package; from October 2021
    ("T1", 5),  # lack of health care provision; from October 2021
    ("T2", 3),  # lack of social care support; from October 2021
    ("98", 2),  # no reason given; from October 2021
)
#: Who a delay is attributable to, MHSDS ``AttribToIndic`` (assumption).
_ATTRIBUTABLE_TO: tuple[tuple[str, float], ...] = (
    ("04", 50),  # NHS
    ("05", 25),  # social care
    ("06", 20),  # both
    ("07", 5),  # housing; to March 2024 only
)
#: Restrictive intervention types, MHSDS ``RestrictiveIntType`` (assumption).
_INTERVENTION_TYPES: tuple[tuple[str, float], ...] = (
    ("01", 5),  # physical restraint: prone
    ("04", 1),  # mechanical restraint
    ("05", 12),  # seclusion
    ("06", 4),  # segregation
    ("07", 20),  # physical restraint: standing
    ("08", 15),  # physical restraint: restrictive escort
    ("09", 8),  # physical restraint: supine
    ("10", 3),  # physical restraint: side
    ("11", 6),  # physical restraint: seated
    ("12", 2),  # physical restraint: kneeling
    ("13", 6),  # physical restraint: other
    ("14", 10),  # chemical restraint: rapid tranquillisation by injection
    ("15", 2),  # chemical restraint: other injection
    ("16", 5),  # chemical restraint: oral
    ("17", 1),  # chemical restraint: other
)


@attrs.frozen(kw_only=True)
class CohortParameters:
    """The shape of a synthetic cohort on the secure pathway.

    Defaults give a population like the one "Domain facts and sources" describes (about 7,000
    to 8,000 people in secure care, a typical stay of about two years, the long-stay
    shares of high and medium secure, reviews every 3 to 6 months). Figures with no
    published source are illustrative assumptions: change them to match a service.

    Attributes:
        providers: The providers' names, invented and neutral (default "Provider A" to
            "Provider H"). At least one; each used at most once.
        high_secure_providers: How many of the first providers run high secure care
            (default 3: there are three high secure hospitals). Every
            provider runs medium and low secure care and a community team (assumption).
        people_in_care: How many people are in secure hospital care (high, medium or
            low secure) at ``as_of`` (default 7,500: about 7,000-8,000 secure beds
            in England). The cohort has exactly this many. People in the
            community stage at ``as_of``, and people who left within the history
            window, are on top.
        history_years: How many years before ``as_of`` the cohort looks back (default
            5, assumption): people whose record ended in that window are included.
            Everyone's record is complete from their first admission.
        stages: The parameters of each stage (see
            [`StageParameters`][pathway_model.synthetic.StageParameters]): each of
            high secure, medium secure, low secure and community exactly once.
        longest_stay_years: No stay is longer than this (default 40, assumption).
        first_review_weeks: The first review of a stay falls this many weeks after it
            begins (default 6 to 12: providers commonly hold a first CPA review around
            12 weeks after admission).
        review_jitter_days: Later reviews fall this many days either side of the date
            the stage's review interval sets (default 14, assumption). The secure
            pathway's intervals are 3 or 6 months (providers commonly review every 3 to 6 months).
        late_review_share: The share of reviews held late (default 0.05, assumption).
        late_review_days: How late a late review is, in days (default 30 to 90).
        person_declines_share: The share of reviews at which the person gives no view
            of their own (default 0.15, assumption). In stages whose exit criteria need
            the person's agreement, a person who is ready always gives it.
        person_rates_higher_share: The share of domains the person rates one level
            above the team (default 0.3, assumption).
        person_rates_lower_share: The share of domains the person rates one level
            below the team (default 0.1, assumption).
        goals_per_stay: How many goals a person sets in each stay (default 1 to 3,
            assumption).
        ready_before_step_down_share: The share of step downs made after the person
            met the stage's exit criteria (default 0.85, assumption); the rest are
            moves on the team's judgement before the criteria were met.
        move_delay_days: Days from readiness to the move, for most people (default 14
            to 120, assumption).
        delayed_share: The share of people whose move is delayed for long after they
            became ready (default 0.2, assumption): the "not a day more" cases.
        long_delay_days: Days from readiness to the move for those people (default
            180 to 730, assumption).
        serious_incident_share: The share of incidents that are serious (default 0.1,
            assumption).
        moderate_incident_share: The share of incidents that are moderate (default
            0.3, assumption); the rest are minor.
        same_provider_share: The share of moves that stay with the same provider when
            it runs the next stage (default 0.6, assumption).
        recorded_readiness_share: The share of hospital stays with readiness under the
            stage's exit criteria before the move in which the team records the person
            clinically ready (default 0.75, assumption): a
            [`RecordedReadiness`][pathway_model.RecordedReadiness] period, as MHSDS
            tables MHS518 and MHS504 hold it, from a little after the rule's readiness
            until the move, and open while the move is after ``as_of``.
        recording_lag_days: Days from the rule's readiness to the start of the recorded
            period (default 0 to 28, assumption).
        recorded_not_ready_share: The share of hospital stays ending in a step down on
            the team's judgement, before the exit criteria were met, in which the team
            records the person clinically ready for the ``move_delay_days`` before the
            move (default 0.3, assumption): recorded ready while the rule does not find
            them ready.
        delay_reasons_v6: The delay reasons of recorded periods that start from April
            2024, as ``(code, weight)`` pairs of the MHSDS v6 list
            ``ClinReadyforDischDelayReason`` (a mapping is also accepted; default: see
            "Synthetic cohorts", assumption).
        delay_reasons_v5: The delay reasons of recorded periods that start before April
            2024, as ``(code, weight)`` pairs of the MHSDS v5 list ``DelayDischReason``
            (default: see "Synthetic cohorts", assumption). Only the codes valid in the
            month a period starts are drawn; with none, the period has no reason.
        attributable_to: Who each recorded delay is attributable to, as ``(code,
            weight)`` pairs of MHSDS ``AttribToIndic`` (default NHS 50, social care 25,
            both 20, housing 5; assumption). Only the codes valid in the month a period
            starts are drawn (housing, ``"07"``, until March 2024).
        restrictive_interventions_per_1000_bed_days: How many restrictive
            interventions (incidents of kind ``restrictive_intervention``, done to the
            person by staff and never counted against readiness) happen per 1,000
            occupied bed days in secure hospital care (default 2, assumption: the
            sources give no national rate).
        intervention_types: The types of restrictive intervention, as ``(code,
            weight)`` pairs of MHSDS ``RestrictiveIntType`` (default: see "Synthetic
            cohorts", assumption).

    Raises:
        ValidationError: A value is out of range; every problem is listed with its path.

    Examples:
        >>> CohortParameters().people_in_care
        7500
        >>> try:
        ...     CohortParameters(people_in_care=0)
        ... except ValidationError as error:
        ...     print(error)
        CohortParameters.people_in_care: expected a whole number from 1 to 1,000,000; found 0
    """

    providers: tuple[str, ...] = attrs.field(default=DEFAULT_PROVIDERS, converter=_as_tuple)
    high_secure_providers: int = 3
    people_in_care: int = 7_500
    history_years: int = 5
    stages: tuple[StageParameters, ...] = attrs.field(default=DEFAULT_STAGES, converter=_as_tuple)
    longest_stay_years: int = 40
    first_review_weeks: tuple[int, int] = attrs.field(default=(6, 12), converter=_as_tuple)
    review_jitter_days: int = 14
    late_review_share: float = 0.05
    late_review_days: tuple[int, int] = attrs.field(default=(30, 90), converter=_as_tuple)
    person_declines_share: float = 0.15
    person_rates_higher_share: float = 0.3
    person_rates_lower_share: float = 0.1
    goals_per_stay: tuple[int, int] = attrs.field(default=(1, 3), converter=_as_tuple)
    ready_before_step_down_share: float = 0.85
    move_delay_days: tuple[int, int] = attrs.field(default=(14, 120), converter=_as_tuple)
    delayed_share: float = 0.2
    long_delay_days: tuple[int, int] = attrs.field(default=(180, 730), converter=_as_tuple)
    serious_incident_share: float = 0.1
    moderate_incident_share: float = 0.3
    same_provider_share: float = 0.6
    recorded_readiness_share: float = 0.75
    recording_lag_days: tuple[int, int] = attrs.field(default=(0, 28), converter=_as_tuple)
    recorded_not_ready_share: float = 0.3
    delay_reasons_v6: tuple[tuple[str, float], ...] = attrs.field(
        default=_DELAY_REASONS_V6, converter=_pairs
    )
    delay_reasons_v5: tuple[tuple[str, float], ...] = attrs.field(
        default=_DELAY_REASONS_V5, converter=_pairs
    )
    attributable_to: tuple[tuple[str, float], ...] = attrs.field(
        default=_ATTRIBUTABLE_TO, converter=_pairs
    )
    restrictive_interventions_per_1000_bed_days: float = 2.0
    intervention_types: tuple[tuple[str, float], ...] = attrs.field(
        default=_INTERVENTION_TYPES, converter=_pairs
    )

    def __attrs_post_init__(self) -> None:
        _raise(self._problems())

    def _problems(self) -> list[Problem]:
        path = "CohortParameters"
        problems = self._provider_problems()
        problems += _whole(f"{path}.people_in_care", self.people_in_care, 1, 1_000_000)
        problems += _whole(f"{path}.history_years", self.history_years, 0, 50)
        problems += _whole(f"{path}.longest_stay_years", self.longest_stay_years, 1, 80)
        problems += _span(f"{path}.first_review_weeks", self.first_review_weeks, 1, 52)
        problems += _whole(f"{path}.review_jitter_days", self.review_jitter_days, 0, 60)
        problems += _span(f"{path}.late_review_days", self.late_review_days, 1, 365)
        problems += _span(f"{path}.goals_per_stay", self.goals_per_stay, 0, 20)
        problems += _span(f"{path}.move_delay_days", self.move_delay_days, 0, 3_650)
        problems += _span(f"{path}.long_delay_days", self.long_delay_days, 0, 3_650)
        problems += _span(f"{path}.recording_lag_days", self.recording_lag_days, 0, 365)
        problems += _number(
            f"{path}.restrictive_interventions_per_1000_bed_days",
            self.restrictive_interventions_per_1000_bed_days,
            0.0,
            1_000.0,
            "a rate from 0 to 1,000",
        )
        for name, codes, list_name in (
            ("delay_reasons_v6", DELAY_REASONS_V6.code_values, repr(DELAY_REASONS_V6.id)),
            ("delay_reasons_v5", DELAY_REASONS_V5.code_values, repr(DELAY_REASONS_V5.id)),
            ("attributable_to", ATTRIBUTABLE_TO.code_values, repr(ATTRIBUTABLE_TO.id)),
            ("intervention_types", tuple(RESTRICTIVE_INTERVENTION_TYPES), "'RestrictiveIntType'"),
        ):
            problems += _weights(f"{path}.{name}", getattr(self, name), codes, list_name)
        for name in (
            "late_review_share",
            "person_declines_share",
            "person_rates_higher_share",
            "person_rates_lower_share",
            "ready_before_step_down_share",
            "delayed_share",
            "serious_incident_share",
            "moderate_incident_share",
            "same_provider_share",
            "recorded_readiness_share",
            "recorded_not_ready_share",
        ):
            problems += _share(f"{path}.{name}", getattr(self, name))
        for first, second in (
            ("person_rates_higher_share", "person_rates_lower_share"),
            ("serious_incident_share", "moderate_incident_share"),
        ):
            values = (getattr(self, first), getattr(self, second))
            total = sum(values) if all(_is_number(value) for value in values) else 0
            if total > 1:
                problems.append(
                    Problem(
                        path=f"{path}.{first}",
                        expected=f"{first} + {second} <= 1",
                        found=f"{total:g}",
                    )
                )
        return problems + self._stage_problems()

    def _provider_problems(self) -> list[Problem]:
        path = "CohortParameters.providers"
        what = f"a tuple of provider names (1-{MAX_NAME_LENGTH} characters, not blank)"
        providers: object = self.providers
        if not isinstance(providers, tuple):
            return [Problem(path=path, expected=what, found=type_name(providers))]
        if not providers:
            return [Problem(path=path, expected=what, found="none")]
        problems = [
            Problem(
                path=f"{path}[{index}]",
                expected=what,
                found=f"{len(name)} characters" if isinstance(name, str) else type_name(name),
            )
            for index, name in enumerate(providers)
            if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME_LENGTH or name.isspace()
        ]
        if not problems and len(set(providers)) != len(providers):
            problems.append(Problem(path=path, expected="each name once", found="a repeat"))
        problems += _whole(
            "CohortParameters.high_secure_providers",
            self.high_secure_providers,
            1,
            max(1, len(providers)),
        )
        return problems

    def _stage_problems(self) -> list[Problem]:
        path = "CohortParameters.stages"
        stages: object = self.stages
        if not isinstance(stages, tuple):
            found = type_name(stages)
            return [Problem(path=path, expected="a tuple of StageParameters", found=found)]
        problems: list[Problem] = []
        for index, stage in enumerate(stages):
            if not isinstance(stage, StageParameters):
                problems.append(
                    Problem(
                        path=f"{path}[{index}]",
                        expected="a StageParameters",
                        found=type_name(stage),
                    )
                )
        if problems:
            return problems
        codes = [stage.stage for stage in self.stages]
        if sorted(codes) != sorted(STAY_STAGES):
            problems.append(
                Problem(
                    path=path,
                    expected=f"each of {', '.join(STAY_STAGES)} exactly once",
                    found=", ".join(codes) or "none",
                )
            )
        total = sum(stage.admission_share for stage in self.stages)
        if abs(total - 1) > 1e-9:
            problems.append(
                Problem(
                    path=f"{path}[*].admission_share",
                    expected="shares that add up to 1",
                    found=f"a total of {total:g}",
                )
            )
        hospital = sum(s.admission_share for s in self.stages if s.stage in HOSPITAL_STAGES)
        if hospital <= 0:
            problems.append(
                Problem(
                    path=f"{path}[*].admission_share",
                    expected="some admissions to high, medium or low secure care",
                    found="none",
                )
            )
        return problems

    def stage(self, code: str) -> StageParameters:
        """Return the parameters of stage ``code``.

        Raises:
            UnknownCodeError: No stage has that code.
        """
        for stage in self.stages:
            if stage.stage == code:
                return stage
        raise UnknownCodeError("stage", code, (stage.stage for stage in self.stages))
