"""One person's record: stays, goals, reviews, incidents, recorded readiness, and the pathway."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from pathway_model.errors import Problem, UnknownCodeError, ValidationError, WrongTypeError
from pathway_model.model import _checks
from pathway_model.model._code_lists import ATTRIBUTABLE_TO, DELAY_REASON_LISTS, DELAY_REASONS_V6
from pathway_model.model._definition import PathwayDefinition
from pathway_model.model._enums import (
    GoalAchievementStatus,
    GoalLifecycleStatus,
    GoalSetter,
    IncidentKind,
    IncidentSeverity,
    ReviewKind,
)
from pathway_model.model._restrictive import RESTRICTIVE_INTERVENTION_TYPES

__all__ = [
    "DomainRating",
    "Goal",
    "GoalProgress",
    "Incident",
    "Pathway",
    "Placement",
    "RecordedReadiness",
    "Review",
]

T = TypeVar("T")


def _argument(name: str, value: object, kind: type[Any], expected: str) -> None:
    """Refuse an argument of the wrong type, naming the argument (never showing the value)."""
    if not isinstance(value, kind):
        raise WrongTypeError.single(name, expected, _checks.type_name(value))


def _date_argument(name: str, value: object) -> None:
    """Refuse anything but a calendar date for the argument ``name``."""
    if type(value) is dt.date:
        return
    if isinstance(value, dt.datetime):
        expected = "a date (datetime.date); convert datetimes with uk_date()"
        raise WrongTypeError.single(name, expected, "datetime")
    raise WrongTypeError.single(name, "a date (datetime.date)", _checks.type_name(value))


@attrs.frozen(kw_only=True)
class Placement:
    """One stay in one stage of a pathway, with one provider.

    A placement covers the days ``start <= day < end``: ``end`` is the first day the
    person is no longer there (the day they moved on). It is open while current.

    Attributes:
        id: The placement's id, unique within the person's record.
        stage: The code of the stage, e.g. ``"medium_secure"``.
        provider: The provider or service, e.g. an ODS code or a unit's name.
        start: The first day of the stay.
        end: The first day after the stay, or ``None`` while it goes on.
    """

    id: str = attrs.field(validator=_checks.code)
    stage: str = attrs.field(validator=_checks.code)
    provider: str = attrs.field(validator=_checks.name)
    start: dt.date = attrs.field(validator=_checks.date)
    end: dt.date | None = attrs.field(default=None, validator=_checks.optional_date)

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise ValidationError.single(
                "Placement.end",
                f"a date after start ({self.start.isoformat()}) or None while the stay goes on",
                self.end.isoformat(),
            )

    @property
    def is_open(self) -> bool:
        """Whether the stay goes on (it has no end date)."""
        return self.end is None

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside the stay (``start <= day < end``).

        Raises:
            WrongTypeError: ``day`` is not a date.
        """
        try:
            return self.start <= day and (self.end is None or day < self.end)
        except TypeError:
            _date_argument("day", day)
            raise  # pragma: no cover  # a date never fails the comparison

    def days_until(self, as_of: dt.date) -> int:
        """Days of the stay before ``as_of`` (up to its end if it has ended), never negative.

        Raises:
            WrongTypeError: ``as_of`` is not a date.
        """
        _date_argument("as_of", as_of)
        stop = as_of if self.end is None else min(self.end, as_of)
        return max(0, (stop - self.start).days)


def _setter(value: GoalSetter | str) -> GoalSetter:
    return _checks.to_enum(GoalSetter)(value)  # type: ignore[return-value]  # validated


def _lifecycle(value: GoalLifecycleStatus | str) -> GoalLifecycleStatus:
    return _checks.to_enum(GoalLifecycleStatus)(value)  # type: ignore[return-value]  # validated


def _achievement(value: GoalAchievementStatus | str | None) -> GoalAchievementStatus | None:
    if value is None:
        return None
    return _checks.to_enum(GoalAchievementStatus)(value)  # type: ignore[return-value]  # validated


_optional_achievement = _checks.enum_member(GoalAchievementStatus, optional=True)


@attrs.frozen(kw_only=True)
class Goal:
    """A goal, in the person's own words, linked to an outcome domain.

    Statuses use the codes of FHIR R4 ``Goal``. The wording is clinical free text:
    it is kept as given and never shown in error messages.

    Attributes:
        id: The goal's id, unique within the person's record.
        domain: The code of the outcome domain the goal serves.
        description: The goal in the person's own words.
        set_by: Who set the goal.
        set_on: The day the goal was set.
        target_date: When the person hopes to achieve it, if they said.
        lifecycle_status: Where the goal is in its life (FHIR ``lifecycleStatus``).
        achievement_status: How it is going (FHIR ``achievementStatus``), if judged.
    """

    id: str = attrs.field(validator=_checks.code)
    domain: str = attrs.field(validator=_checks.code)
    description: str = attrs.field(validator=_checks.text)
    set_by: GoalSetter = attrs.field(converter=_setter, validator=_checks.enum_member(GoalSetter))
    set_on: dt.date = attrs.field(validator=_checks.date)
    target_date: dt.date | None = attrs.field(default=None, validator=_checks.optional_date)
    lifecycle_status: GoalLifecycleStatus = attrs.field(
        default=GoalLifecycleStatus.ACTIVE,
        converter=_lifecycle,
        validator=_checks.enum_member(GoalLifecycleStatus),
    )
    achievement_status: GoalAchievementStatus | None = attrs.field(
        default=None, converter=_achievement, validator=_optional_achievement
    )

    def __attrs_post_init__(self) -> None:
        if self.target_date is not None and self.target_date < self.set_on:
            raise ValidationError.single(
                "Goal.target_date",
                f"a date on or after set_on ({self.set_on.isoformat()})",
                self.target_date.isoformat(),
            )


@attrs.frozen(kw_only=True)
class DomainRating:
    """The levels given to one outcome domain at a review.

    Attributes:
        domain: The code of the outcome domain.
        team: The team's level code.
        person: The person's own level code, or ``None`` when they did not give one
            (they may decline).
        team_note: The team's note, if any (free text, never shown in errors).
        person_note: The person's note in their own words, if any.
    """

    domain: str = attrs.field(validator=_checks.code)
    team: str = attrs.field(validator=_checks.code)
    person: str | None = attrs.field(default=None, validator=_checks.optional_code)
    team_note: str | None = attrs.field(default=None, validator=_checks.optional_text)
    person_note: str | None = attrs.field(default=None, validator=_checks.optional_text)


@attrs.frozen(kw_only=True)
class GoalProgress:
    """An update on one goal, recorded at a review.

    Attributes:
        goal: The goal's id.
        achievement_status: How the goal is going (FHIR ``achievementStatus``).
        note: A note on progress, if any (free text, never shown in errors).
    """

    goal: str = attrs.field(validator=_checks.code)
    achievement_status: GoalAchievementStatus = attrs.field(
        converter=_achievement, validator=_checks.enum_member(GoalAchievementStatus)
    )
    note: str | None = attrs.field(default=None, validator=_checks.optional_text)


def _ratings(value: Iterable[DomainRating]) -> tuple[DomainRating, ...]:
    return _checks.tuple_of(value)


def _progress(value: Iterable[GoalProgress]) -> tuple[GoalProgress, ...]:
    return _checks.tuple_of(value)


def _review_kind(value: ReviewKind | str) -> ReviewKind:
    return _checks.to_enum(ReviewKind)(value)  # type: ignore[return-value]  # validated


@attrs.frozen(kw_only=True)
class Review:
    """A dated review of the person's outcomes, such as a CPA review.

    Each rating gives the team's level for one domain and, where the person gave one,
    their own level. A review need not rate every domain.

    Attributes:
        id: The review's id, unique within the person's record.
        date: The day of the review.
        kind: What kind of review it was.
        ratings: One rating per domain rated (each domain at most once).
        goal_progress: Updates on goals (each goal at most once).
        next_review_date: The date agreed for the next review, if one was agreed.
    """

    id: str = attrs.field(validator=_checks.code)
    date: dt.date = attrs.field(validator=_checks.date)
    kind: ReviewKind = attrs.field(
        default=ReviewKind.CPA, converter=_review_kind, validator=_checks.enum_member(ReviewKind)
    )
    ratings: tuple[DomainRating, ...] = attrs.field(
        default=(), converter=_ratings, validator=_checks.items_of(DomainRating, "a DomainRating")
    )
    goal_progress: tuple[GoalProgress, ...] = attrs.field(
        default=(), converter=_progress, validator=_checks.items_of(GoalProgress, "a GoalProgress")
    )
    next_review_date: dt.date | None = attrs.field(default=None, validator=_checks.optional_date)

    def __attrs_post_init__(self) -> None:
        ratings, updates, following = self.ratings, self.goal_progress, self.next_review_date
        if (
            len({rating.domain for rating in ratings}) == len(ratings)
            and len({update.goal for update in updates}) == len(updates)
            and (following is None or following > self.date)
        ):
            return  # the usual case, decided without building a list of problems
        problems = _checks.unique_codes(
            "Review.ratings", (rating.domain for rating in self.ratings), "domain"
        )
        problems += _checks.unique_codes(
            "Review.goal_progress", (update.goal for update in self.goal_progress), "goal"
        )
        if self.next_review_date is not None and self.next_review_date <= self.date:
            problems.append(
                Problem(
                    path="Review.next_review_date",
                    expected=f"a date after the review ({self.date.isoformat()})",
                    found=self.next_review_date.isoformat(),
                )
            )
        _checks.raise_problems(problems)

    @classmethod
    def from_levels(
        cls,
        *,
        id: str,
        date: dt.date,
        team: Mapping[str, str],
        person: Mapping[str, str] | None = None,
        kind: ReviewKind | str = ReviewKind.CPA,
        next_review_date: dt.date | None = None,
    ) -> Review:
        """Build a review from the team's levels and, optionally, the person's.

        Args:
            id: The review's id.
            date: The day of the review.
            team: The team's level code for each domain rated.
            person: The person's own level codes; a domain missing here has no person
                level. Every domain here must also be rated by the team.
            kind: What kind of review it was.
            next_review_date: The date agreed for the next review, if any.

        Raises:
            WrongTypeError: ``team`` or ``person`` is not a mapping of domain codes to
                level codes (the path names the argument), or another field has the
                wrong type.
            ValidationError: ``person`` rates a domain the team did not rate, or any field
                is invalid.

        Examples:
            >>> import datetime as dt
            >>> review = Review.from_levels(
            ...     id="r1",
            ...     date=dt.date(2024, 4, 2),
            ...     team={"life_skills": "partly_met"},
            ...     person={"life_skills": "met"},
            ... )
            >>> review.ratings[0].person
            'met'
        """
        _levels_argument("team", team)
        person = {} if person is None else person
        _levels_argument("person", person)
        extra = [domain for domain in person if domain not in team]
        if extra:
            raise ValidationError(
                Problem(
                    path=f"Review.person[{_checks.show_code(domain)}]",
                    expected="a domain the team also rated",
                    found="a person level alone",
                )
                for domain in extra
            )
        return cls(
            id=id,
            date=date,
            kind=_review_kind(kind),
            ratings=tuple(
                DomainRating(domain=domain, team=level, person=person.get(domain))
                for domain, level in team.items()
            ),
            next_review_date=next_review_date,
        )

    def rating(self, domain: str) -> DomainRating | None:
        """Return the rating given to ``domain``, or ``None`` if it was not rated.

        Raises:
            WrongTypeError: ``domain`` is not a code (str).
        """
        _argument("domain", domain, str, "a domain code (str)")
        for rating in self.ratings:
            if rating.domain == domain:
                return rating
        return None


def _levels_argument(name: str, levels: object) -> None:
    """Refuse levels that are not a mapping of domain codes to level codes, naming where."""
    _argument(name, levels, Mapping, "a mapping of domain codes to level codes, e.g. a dict")
    for domain, level in levels.items():  # type: ignore[attr-defined]  # a Mapping
        if not isinstance(domain, str):
            raise WrongTypeError.single(
                f"{name} (a key)", "a domain code (str)", _checks.type_name(domain)
            )
        if not isinstance(level, str):
            raise WrongTypeError.single(
                f"{name}[{_checks.show_code(domain)}]",
                "a level code (str)",
                _checks.type_name(level),
            )


def _kind(value: IncidentKind | str) -> IncidentKind:
    return _checks.to_enum(IncidentKind)(value)  # type: ignore[return-value]  # validated


def _severity(value: IncidentSeverity | str) -> IncidentSeverity:
    return _checks.to_enum(IncidentSeverity)(value)  # type: ignore[return-value]  # validated


@attrs.frozen(kw_only=True)
class Incident:
    """A dated event that matters to readiness, such as violence or absconding.

    An incident of kind ``restrictive_intervention`` (restraint, seclusion, segregation or
    rapid tranquillisation) is done *to* the person by staff, not by them: the rules never
    count it against readiness, and its severity is the harm to the person from the
    intervention ("How readiness is decided").

    Attributes:
        id: The incident's id, unique within the person's record.
        date: The day it happened.
        kind: What kind of event it was.
        severity: How serious it was; for a restrictive intervention, the harm to the
            person from it.
        note: A note, if any (free text, never shown in errors).
        intervention_type: For a restrictive intervention only, its national code
            (MHSDS ``RestrictiveIntType``, e.g. ``"05"`` for seclusion), if known;
            ``None`` otherwise. Written to JSON only when set.
    """

    id: str = attrs.field(validator=_checks.code)
    date: dt.date = attrs.field(validator=_checks.date)
    kind: IncidentKind = attrs.field(converter=_kind, validator=_checks.enum_member(IncidentKind))
    severity: IncidentSeverity = attrs.field(
        converter=_severity, validator=_checks.enum_member(IncidentSeverity)
    )
    note: str | None = attrs.field(default=None, validator=_checks.optional_text)
    intervention_type: str | None = attrs.field(default=None, validator=_checks.optional_code)

    def __attrs_post_init__(self) -> None:
        if self.intervention_type is not None:
            _checks.raise_problems(_intervention_type_problems(self))


def _intervention_type_problems(incident: Incident) -> list[Problem]:
    """An intervention type on another kind of incident, or a code not on the national list."""
    if incident.kind is not IncidentKind.RESTRICTIVE_INTERVENTION:
        return [
            Problem(
                path="Incident.intervention_type",
                expected=(
                    "None, unless kind is 'restrictive_intervention' "
                    "(an intervention type says what staff did)"
                ),
                found=_checks.show_code(str(incident.intervention_type)),
            )
        ]
    if incident.intervention_type in RESTRICTIVE_INTERVENTION_TYPES:
        return []
    return [
        Problem(
            path="Incident.intervention_type",
            expected="an MHSDS restrictive intervention type: "
            + ", ".join(repr(code) for code in RESTRICTIVE_INTERVENTION_TYPES),
            found=_checks.show_code(str(incident.intervention_type)),
        )
    ]


_reason_list = _checks.one_of(DELAY_REASON_LISTS, "the delay reason lists")
_attributable_to = _checks.one_of(
    ATTRIBUTABLE_TO.code_values, repr(ATTRIBUTABLE_TO.id), optional=True
)


@attrs.frozen(kw_only=True)
class RecordedReadiness:
    """A period in which the team recorded the person clinically ready to move on.

    This is the team's own record that the person was ready for discharge or transfer
    and stayed, with the reason for the delay: what MHSDS v6 holds in table MHS518
    (and v5 in MHS504). It sits beside the readiness the rules find from outcome
    ratings, and never changes it: see "How readiness is decided". The codes are those
    of the national lists in `pathway_model.catalogue` (see "Domain facts and
    sources").

    A period runs from ``start`` to ``end``: a period that ends on the day another
    starts does not overlap it, as MHSDS records consecutive periods.

    Attributes:
        id: The period's id, unique within the person's record.
        start: The day the person was recorded clinically ready.
        end: The day the period ended (on or after ``start``), or ``None`` while the
            person is still ready and waiting.
        delay_reason: The code of the reason for the delay, from the list
            ``reason_list`` names; ``None`` if none was recorded.
        reason_list: Which national list ``delay_reason`` is from:
            ``"ClinReadyforDischDelayReason"`` (MHSDS v6, from April 2024) or
            ``"DelayDischReason"`` (MHSDS v5, to March 2024). The two share codes
            (``"98"``), so the list is always named.
        attributable_to: Who the delay is attributable to (MHSDS ``AttribToIndic``):
            ``"04"`` NHS, ``"05"`` social care, ``"06"`` both, ``"07"`` housing (v5
            only); ``None`` if not recorded.
    """

    id: str = attrs.field(validator=_checks.code)
    start: dt.date = attrs.field(validator=_checks.date)
    end: dt.date | None = attrs.field(default=None, validator=_checks.optional_date)
    delay_reason: str | None = attrs.field(default=None, validator=_checks.optional_code)
    reason_list: str = attrs.field(default=DELAY_REASONS_V6.id, validator=_reason_list)
    attributable_to: str | None = attrs.field(default=None, validator=_attributable_to)

    def __attrs_post_init__(self) -> None:
        end, reason = self.end, self.delay_reason
        codes = DELAY_REASON_LISTS[self.reason_list]
        if (end is None or end >= self.start) and (reason is None or reason in codes):
            return  # the usual case, decided without building a list of problems
        problems = []
        if end is not None and end < self.start:
            problems.append(
                Problem(
                    path="RecordedReadiness.end",
                    expected=(
                        f"a date on or after start ({self.start.isoformat()}), or None while "
                        "the person is still waiting"
                    ),
                    found=end.isoformat(),
                )
            )
        if reason is not None and reason not in codes:
            problems.append(
                Problem(
                    path="RecordedReadiness.delay_reason",
                    expected=f"a code of {codes.id!r} ({', '.join(codes.code_values)})",
                    found=_checks.show_code(reason),
                )
            )
        _checks.raise_problems(problems)

    @property
    def is_open(self) -> bool:
        """Whether the person is still recorded ready and waiting (no end date)."""
        return self.end is None


def _sorted(key: Callable[[Any], Any]) -> Callable[[Iterable[T]], tuple[T, ...]]:
    """Return a converter to a tuple in canonical order (left as given if items are invalid)."""

    def convert(value: Iterable[T]) -> tuple[T, ...]:
        items: object = _checks.tuple_of(value)
        if not isinstance(items, tuple):
            return items  # type: ignore[return-value]  # reported by the item validator
        try:
            return tuple(sorted(items, key=key))
        except (AttributeError, TypeError):
            return items  # the item validator reports the wrong item

    return convert


def _placements(value: Iterable[Placement]) -> tuple[Placement, ...]:
    return _sorted(lambda p: (p.start, p.id))(value)


def _goals(value: Iterable[Goal]) -> tuple[Goal, ...]:
    return _sorted(lambda g: (g.set_on, g.id))(value)


def _reviews(value: Iterable[Review]) -> tuple[Review, ...]:
    return _sorted(lambda r: (r.date, r.id))(value)


def _incidents(value: Iterable[Incident]) -> tuple[Incident, ...]:
    return _sorted(lambda i: (i.date, i.id))(value)


def _recorded_readiness(value: Iterable[RecordedReadiness]) -> tuple[RecordedReadiness, ...]:
    return _sorted(lambda r: (r.start, r.id))(value)


#: Pseudonymous ids: what a code may hold. The check below refuses NHS numbers.
_TEN_DIGITS = re.compile(r"[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}")


def looks_like_nhs_number(value: str) -> bool:
    """Whether ``value`` is ten digits with a valid NHS number check digit (modulus 11)."""
    if not _TEN_DIGITS.fullmatch(value):
        return False
    digits = [int(char) for char in value if char.isdigit()]
    total = sum(digit * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == digits[9]


@attrs.frozen(repr=False)
class PersonIdValidator(_checks.CodeValidator):
    """Check a pseudonymous person id: a code that is not an NHS number, never shown.

    A person id may identify someone, so no message shows it.
    """

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str):
            raise WrongTypeError.single(
                "Pathway.person_id", "a code (str)", _checks.type_name(value)
            )
        if looks_like_nhs_number(value):
            raise ValidationError.single(
                "Pathway.person_id",
                "a pseudonymous id, not an NHS number",
                "a value that passes the NHS number check",
            )
        if not _checks.CODE_PATTERN.fullmatch(value):
            found = f"a value of {len(value)} characters that is not a code (not shown)"
            raise ValidationError([_checks.code_problem("Pathway.person_id", found)])

    def __repr__(self) -> str:
        return "<person id validator>"


_person_id = PersonIdValidator()


@attrs.frozen(kw_only=True)
class Pathway:
    """One person's record on a pathway.

    The record names the definition (id and version) it follows and holds the person's
    placements, goals, reviews, incidents and recorded readiness. Each collection is
    kept in a canonical order (placements and recorded readiness by start, goals by date
    set, reviews and incidents by date, ties by id), so two records with the same
    content are equal and serialise to the same bytes whatever order they were given in.

    On construction the record is checked on its own terms, and every problem found is
    reported in one [`ValidationError`][pathway_model.ValidationError]: ids are unique
    within each collection; at least one placement; placements do not overlap and only
    the last may be open; reviews and incidents fall inside the record (from the first
    placement's start to the last one's end); goal updates name known goals set on or
    before the review; recorded readiness periods each lie inside one stay and never
    overlap. Checks against the definition (stage, domain and level codes,
    allowed moves) are made by
    [`validate_pathway`][pathway_model.validate_pathway].

    Attributes:
        person_id: A pseudonymous id for the person (never an NHS number).
        definition_id: The id of the pathway definition the record follows.
        definition_version: The version of that definition.
        placements: The stays, in order.
        goals: The person's goals.
        reviews: The reviews.
        incidents: The incidents.
        recorded_readiness: The periods the team recorded the person clinically ready
            for discharge or transfer (by start, ties by id).
    """

    person_id: str = attrs.field(validator=_person_id)
    definition_id: str = attrs.field(validator=_checks.code)
    definition_version: str = attrs.field(validator=_checks.code)
    placements: tuple[Placement, ...] = attrs.field(
        converter=_placements, validator=_checks.items_of(Placement, "a Placement")
    )
    goals: tuple[Goal, ...] = attrs.field(
        default=(), converter=_goals, validator=_checks.items_of(Goal, "a Goal")
    )
    reviews: tuple[Review, ...] = attrs.field(
        default=(), converter=_reviews, validator=_checks.items_of(Review, "a Review")
    )
    incidents: tuple[Incident, ...] = attrs.field(
        default=(), converter=_incidents, validator=_checks.items_of(Incident, "an Incident")
    )
    recorded_readiness: tuple[RecordedReadiness, ...] = attrs.field(
        default=(),
        converter=_recorded_readiness,
        validator=_checks.items_of(RecordedReadiness, "a RecordedReadiness"),
    )

    def __attrs_post_init__(self) -> None:
        _checks.raise_problems(record_problems(self))

    @classmethod
    def start(
        cls,
        definition: PathwayDefinition,
        *,
        person_id: str,
        stage: str,
        provider: str,
        on: dt.date,
        placement_id: str = "placement-1",
    ) -> Pathway:
        """Begin a record on ``definition`` with one open stay.

        Args:
            definition: The pathway definition the record follows.
            person_id: A pseudonymous id for the person.
            stage: The code of the stage of the first stay.
            provider: The provider of the first stay.
            on: The first day of the stay.
            placement_id: The id of the first stay.

        Raises:
            WrongTypeError: An argument has the wrong type (the path names it).
            UnknownCodeError: ``definition`` has no stage ``stage`` (path ``stage``).
            ValidationError: Any field is invalid.

        Examples:
            >>> import datetime as dt
            >>> from pathway_model.catalogue import SECURE_PATHWAY
            >>> pathway = Pathway.start(
            ...     SECURE_PATHWAY, person_id="P-0001", stage="medium_secure",
            ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
            ... )
            >>> pathway.current_placement.stage
            'medium_secure'
        """
        _argument("definition", definition, PathwayDefinition, "a PathwayDefinition")
        _argument("person_id", person_id, str, "a code (str)")
        _stay_arguments(
            definition, stage=stage, on=on, provider=provider, placement_id=placement_id
        )
        return cls(
            person_id=person_id,
            definition_id=definition.id,
            definition_version=definition.version,
            placements=(Placement(id=placement_id, stage=stage, provider=provider, start=on),),
        )

    @property
    def first_day(self) -> dt.date:
        """The first day of the record (the first placement's start)."""
        return self.placements[0].start

    @property
    def end(self) -> dt.date | None:
        """The first day after the record, or ``None`` while the last placement is open."""
        return self.placements[-1].end

    @property
    def current_placement(self) -> Placement | None:
        """The open placement, if the last stay goes on."""
        last = self.placements[-1]
        return last if last.is_open else None

    def placement_on(self, day: dt.date) -> Placement | None:
        """Return the placement that covers ``day``, or ``None`` (before, after, or in a gap).

        Raises:
            WrongTypeError: ``day`` is not a date.
        """
        _date_argument("day", day)
        for placement in self.placements:
            if placement.covers(day):
                return placement
        return None

    def goal(self, goal_id: str) -> Goal | None:
        """Return the goal with ``goal_id``, or ``None``.

        Raises:
            WrongTypeError: ``goal_id`` is not a code (str).
        """
        _argument("goal_id", goal_id, str, "a goal id (str)")
        for goal in self.goals:
            if goal.id == goal_id:
                return goal
        return None

    def with_reviews(self, *reviews: Review) -> Pathway:
        """Return a copy of the record with ``reviews`` added."""
        return attrs.evolve(self, reviews=self.reviews + reviews)

    def with_incidents(self, *incidents: Incident) -> Pathway:
        """Return a copy of the record with ``incidents`` added."""
        return attrs.evolve(self, incidents=self.incidents + incidents)

    def with_goals(self, *goals: Goal) -> Pathway:
        """Return a copy of the record with ``goals`` added."""
        return attrs.evolve(self, goals=self.goals + goals)

    def with_recorded_readiness(self, *periods: RecordedReadiness) -> Pathway:
        """Return a copy of the record with the recorded readiness ``periods`` added."""
        return attrs.evolve(self, recorded_readiness=self.recorded_readiness + periods)

    def moved_to(
        self,
        definition: PathwayDefinition,
        *,
        stage: str,
        on: dt.date,
        provider: str,
        placement_id: str,
    ) -> Pathway:
        """Return a copy of the record with the open stay ended on ``on`` and a new one begun.

        The move is checked against the definition here, where it is first known: a stage
        the definition lacks, or a move it does not allow, is refused at once rather than
        left for a later check to find.

        Args:
            definition: The pathway definition the record follows (its own id and version).
            stage: The code of the stage moved to.
            on: The day of the move: the old stay's end and the new stay's start.
            provider: The provider of the new stay.
            placement_id: The id of the new stay.

        Raises:
            WrongTypeError: An argument has the wrong type (the path names it).
            UnknownCodeError: ``definition`` has no stage ``stage`` (path ``stage``).
            ValidationError: ``definition`` is not the record's own; no stay is open; the
                definition does not allow the move; or the move is not after the open
                stay's start.

        Examples:
            >>> import datetime as dt
            >>> from pathway_model.catalogue import SECURE_PATHWAY
            >>> pathway = Pathway.start(
            ...     SECURE_PATHWAY, person_id="P-0001", stage="medium_secure",
            ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
            ... ).moved_to(
            ...     SECURE_PATHWAY, stage="low_secure", on=dt.date(2025, 3, 3),
            ...     provider="Ashby Low Secure", placement_id="placement-2",
            ... )
            >>> [placement.stage for placement in pathway.placements]
            ['medium_secure', 'low_secure']
        """
        _argument("definition", definition, PathwayDefinition, "a PathwayDefinition")
        if (definition.id, definition.version) != (self.definition_id, self.definition_version):
            raise ValidationError.single(
                "definition",
                f"the record's own definition ({self.definition_id}@{self.definition_version})",
                f"{definition.id}@{definition.version}",
            )
        _stay_arguments(
            definition, stage=stage, on=on, provider=provider, placement_id=placement_id
        )
        current = self.current_placement
        if current is None:
            raise ValidationError.single(
                "Pathway.placements", "an open placement to move on from", "no open placement"
            )
        if current.stage not in definition:
            last = len(self.placements) - 1
            raise UnknownCodeError(
                "stage", current.stage, definition.stage_codes, path=f"$.placements[{last}].stage"
            )
        if not definition.allows(current.stage, stage):
            allowed = ", ".join(s.code for s in definition.moves_from(current.stage)) or "none"
            raise ValidationError.single(
                "stage",
                f"a move the definition allows from {current.stage!r} ({allowed})",
                _checks.show_code(stage),
            )
        closed = attrs.evolve(current, end=on)
        opened = Placement(id=placement_id, stage=stage, provider=provider, start=on)
        return attrs.evolve(self, placements=(*self.placements[:-1], closed, opened))


def _stay_arguments(
    definition: PathwayDefinition,
    *,
    stage: object,
    on: object,
    provider: object,
    placement_id: object,
) -> None:
    """Refuse a new stay's arguments of the wrong type, and a stage the definition lacks."""
    _argument("stage", stage, str, "a stage code (str)")
    _date_argument("on", on)
    _argument("provider", provider, str, "a provider's name (str)")
    _argument("placement_id", placement_id, str, "a code (str)")
    if stage not in definition:
        raise UnknownCodeError("stage", str(stage), definition.stage_codes, path="stage")


#: A path into one of a record's collections, e.g. ``$.reviews[3]``.
COLLECTION_POSITION = re.compile(
    r"\$\.(placements|goals|reviews|incidents|recorded_readiness)\[([0-9]+)\]"
)
#: The rest of a path, from a review into one of its own collections, e.g. ``.ratings[1]``.
REVIEW_POSITION = re.compile(r"\.(ratings|goal_progress)\[([0-9]+)\]")


def _at(
    pattern: re.Pattern[str], path: str, collections: Mapping[str, Sequence[object]]
) -> tuple[str, object, str] | None:
    """The item ``path`` points at by ``pattern``: its field, the item and the rest."""
    match = pattern.match(path)
    if match is None:
        return None
    field, index = match[1], int(match[2])
    items = collections.get(field, ())
    if index >= len(items):
        return None
    return field, items[index], path[match.end() :]


def item_at(
    path: str, collections: Mapping[str, Sequence[object]]
) -> tuple[str, object, str] | None:
    """The item a record's problem path points at, counted in canonical order.

    A record reports a problem by position in its canonical (sorted) collections, as
    ``$.reviews[3].date``; a reader that was given the items in another order finds
    here which item that is, to name it in the input's own terms.

    Args:
        path: A problem's path, e.g. ``$.reviews[3].ratings[1].team``.
        collections: Each collection by field name, in the record's canonical order.

    Returns:
        The field (``"reviews"``), the item, and the rest of the path
        (``".ratings[1].team"``); ``None`` if the path points into no collection given.
    """
    return _at(COLLECTION_POSITION, path, collections)


def review_item_at(review: Review, rest: str) -> tuple[str, object, str] | None:
    """The rating or goal update that the rest of a review's problem path points at.

    A review keeps its ratings and goal updates in the order it was given them, so
    the position in the path is the position in the review.

    Args:
        review: The review that `item_at` found.
        rest: The rest of the path after the review, e.g. ``".ratings[1].team"``.

    Returns:
        The field (``"ratings"``), the `DomainRating` or `GoalProgress`, and the rest of
        the path (``".team"``); ``None`` if the path points at neither.
    """
    return _at(
        REVIEW_POSITION, rest, {"ratings": review.ratings, "goal_progress": review.goal_progress}
    )


def to_input_position(
    problem: Problem,
    collections: Mapping[str, Sequence[object]],
    positions: Mapping[str, Mapping[int, int]],
) -> Problem:
    """Place a record's problem at the item's position in the input, not in canonical order.

    Args:
        problem: A problem whose path counts in the record's canonical order.
        collections: Each collection by field name, in canonical order.
        positions: For each collection, each item's position in the input, by the
            item's ``id()``; an item not found keeps its canonical position.
    """
    found = item_at(problem.path, collections)
    if found is None:
        return problem
    field, item, rest = found
    position = positions.get(field, {}).get(id(item))
    if position is None:
        return problem
    return attrs.evolve(problem, path=f"$.{field}[{position}]{rest}")


def input_positions(given: Iterable[object]) -> dict[int, int]:
    """Each item's position in ``given``, by its ``id()``: for `to_input_position`."""
    return {id(item): position for position, item in enumerate(given)}


def record_problems(pathway: Pathway) -> list[Problem]:
    """Return every problem with a pathway record on its own terms (see `Pathway`)."""
    problems: list[Problem] = []
    for field in ("placements", "goals", "reviews", "incidents", "recorded_readiness"):
        items: tuple[Any, ...] = getattr(pathway, field)
        problems += _checks.unique_codes(f"$.{field}", (item.id for item in items), "id")
    placements = pathway.placements
    if not placements:
        problems.append(Problem(path="$.placements", expected="at least 1 placement", found="none"))
        return problems
    for index in range(1, len(placements)):
        before, after = placements[index - 1], placements[index]
        if before.end is None:
            problems.append(
                Problem(
                    path=f"$.placements[{index - 1}].end",
                    expected="an end date: only the last placement may be open",
                    found=f"an open placement followed by one starting {after.start.isoformat()}",
                )
            )
        elif after.start < before.end:
            problems.append(
                Problem(
                    path=f"$.placements[{index}].start",
                    expected=(
                        f"a date on or after the previous placement's end "
                        f"({before.end.isoformat()})"
                    ),
                    found=after.start.isoformat(),
                )
            )
    first, end = placements[0].start, placements[-1].end
    inside = f"a date from {first.isoformat()}" + (f" to before {end.isoformat()}" if end else "")
    for field in ("reviews", "incidents"):
        dated: tuple[Review | Incident, ...] = getattr(pathway, field)
        problems += [
            Problem(path=f"$.{field}[{index}].date", expected=inside, found=item.date.isoformat())
            for index, item in enumerate(dated)
            if item.date < first or (end is not None and item.date >= end)
        ]
    problems += readiness_period_problems(pathway)
    goals = {goal.id: goal for goal in pathway.goals}
    for index, review in enumerate(pathway.reviews):
        for number, update in enumerate(review.goal_progress):
            goal = goals.get(update.goal)
            if goal is not None and goal.set_on <= review.date:
                continue  # the usual case, decided without building a path
            path = f"$.reviews[{index}].goal_progress[{number}].goal"
            if goal is None:
                problems.append(
                    Problem(
                        path=path,
                        expected="the id of one of the person's goals",
                        found=_checks.show_code(update.goal),
                    )
                )
            elif goal.set_on > review.date:
                problems.append(
                    Problem(
                        path=path,
                        expected=f"a goal set on or before the review ({review.date.isoformat()})",
                        found=f"a goal set on {goal.set_on.isoformat()}",
                    )
                )
    return problems


def readiness_period_problems(pathway: Pathway) -> list[Problem]:
    """Problems with a record's recorded readiness: each inside one stay, none overlapping.

    A period starts inside a stay (a placement covers its start) and ends on or before
    that stay's end; a period that is still open needs an open stay. Periods overlap
    when each starts before the other ends (an open period never ends).
    """
    periods = pathway.recorded_readiness
    if not periods:
        return []
    problems: list[Problem] = []
    placements = pathway.placements
    for index, period in enumerate(periods):
        stay = next((p for p in placements if p.covers(period.start)), None)
        if stay is None:
            problems.append(
                Problem(
                    path=f"$.recorded_readiness[{index}].start",
                    expected="a date inside a stay (from a placement's start to before its end)",
                    found=period.start.isoformat(),
                )
            )
        elif stay.end is not None and (period.end is None or period.end > stay.end):
            problems.append(
                Problem(
                    path=f"$.recorded_readiness[{index}].end",
                    expected=(
                        f"a date on or before the end of stay {_checks.show_code(stay.id)} "
                        f"({stay.end.isoformat()})"
                    ),
                    found="no end (still waiting)"
                    if period.end is None
                    else period.end.isoformat(),
                )
            )
    latest = periods[0]
    for index in range(1, len(periods)):
        period = periods[index]
        if _overlap(latest, period):
            ends = "is still open" if latest.end is None else f"ends {latest.end.isoformat()}"
            problems.append(
                Problem(
                    path=f"$.recorded_readiness[{index}].start",
                    expected=(
                        f"a date on or after the end of the period "
                        f"{_checks.show_code(latest.id)}, which {ends}"
                    ),
                    found=period.start.isoformat(),
                )
            )
        if latest.end is not None and (period.end is None or period.end > latest.end):
            latest = period
    return problems


def _overlap(first: RecordedReadiness, second: RecordedReadiness) -> bool:
    """Whether each period starts before the other ends (an open one never ends)."""
    return (first.end is None or second.start < first.end) and (
        second.end is None or first.start < second.end
    )


#: The converters above give back a value already of the field's type unchanged.
_checks.keeps_type(_setter, _lifecycle, _achievement, _ratings, _progress, _review_kind)
_checks.keeps_type(_kind, _severity)
