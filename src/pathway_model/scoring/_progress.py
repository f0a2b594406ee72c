"""Outcome progress and person-team agreement: one review, one record, or a cohort.

Progress reads a review against the exit criteria of the stage the person was in on the
review date. Agreement compares the person's own level with the team's, domain by
domain: per review, and across a cohort with a chance-corrected measure (Cohen's
weighted kappa). The batch forms score plain records or a data frame and return tidy
rows (see [`Batch`][pathway_model.scoring.Batch]).

Definitions used here (this library's, stated so results can be reproduced):

- A level's *normalised score* is ``(rank - lowest rank) / (highest rank - lowest rank)``
  on its scale: 0 for the worst level, 1 for the best.
- A review's *framework score* is the mean normalised score of the team's levels over the
  domains the review rated.
- A *difference* is the person's rank minus the team's rank: positive when the person
  rates themself higher than the team does.
- Weighted kappa weighs each pair of levels by their positions ``i`` and ``j`` on the
  scale (0 for the worst level, ``k - 1`` for the best of ``k``), as Cohen (1968) and
  common statistical software do: ``1 - |i - j| / (k - 1)`` (linear) or
  ``1 - (i - j)**2 / (k - 1)**2`` (quadratic). On a scale whose ranks are 0, 1, 2, ...
  (such as My Shared Pathway's) positions and ranks are the same.

Every ratio is worked out exactly (in whole numbers or fractions) and then given as a
``float``, so a result never depends on the order its inputs were given in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, Literal

import attrs

from pathway_model.errors import Problem, UnknownCodeError, ValidationError, WrongTypeError
from pathway_model.model import DomainRating, Pathway, PathwayDefinition, RatingScale, Review
from pathway_model.model._seam import is_code, show_code, type_name
from pathway_model.rules._stay import resolve_definition
from pathway_model.scoring._batch import (
    Batch,
    OnError,
    RowProblem,
    frame_records,
    problem_texts,
    score_records,
)

__all__ = [
    "Agreement",
    "CohortAgreement",
    "ReviewProgress",
    "TrajectoryPoint",
    "agreement_frame",
    "agreement_records",
    "agreement_summary",
    "cohort_agreement",
    "progress_trajectory",
    "review_agreement",
    "review_progress",
]

#: How weighted kappa credits a near miss: quadratic (the default), linear, or not at all.
KappaWeights = Literal["quadratic", "linear", "unweighted"]

_WEIGHTS = ("quadratic", "linear", "unweighted")


# --- outcome progress --------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ReviewProgress:
    """How far one review shows the person has come, against their stage and overall.

    Attributes:
        person_id: The person's pseudonymous id.
        review_id: The review's id.
        date: The review's date.
        placement_id: The id of the stay that covers the review date.
        stage: The code of that stay's stage.
        required_total: How many domains the stage's exit criteria name; 0 for a stage
            without exit criteria.
        required_met: How many of those the team rated at or above the minimum. A domain
            the review did not rate is not met. The person's own level is not used here,
            even where the criteria ask for it to agree.
        share_met: ``required_met / required_total``, from 0 to 1; ``None`` for a stage
            without exit criteria.
        unmet: The codes of the required domains not met, in the criteria's order.
        score: The framework score: the mean normalised score of the team's levels over
            the domains rated, from 0 to 1 (see the module notes); ``None`` when the
            review rated no domain. This is this library's definition, not a published
            scale.
        person_score: The same mean over the person's own levels, for the domains where
            they gave one; ``None`` when they gave none.
        rated: How many domains the team rated.
        domains: How many domains the framework has.
    """

    person_id: str
    review_id: str
    date: dt.date
    placement_id: str
    stage: str
    required_total: int
    required_met: int
    share_met: float | None
    unmet: tuple[str, ...]
    score: float | None
    person_score: float | None
    rated: int
    domains: int


@attrs.frozen(kw_only=True)
class TrajectoryPoint:
    """One domain's levels at one review: a tidy row of a person's progress over time.

    Attributes:
        person_id: The person's pseudonymous id.
        review_id: The review's id.
        date: The review's date.
        placement_id: The id of the stay that covers the review date; ``None`` for a
            review that falls between two stays.
        stage: The code of that stay's stage, or ``None`` as for ``placement_id``.
        domain: The domain's code.
        team: The team's level code.
        team_score: The team's level as a normalised score, from 0 to 1.
        person: The person's own level code, or ``None`` when they gave none.
        person_score: The person's level as a normalised score, or ``None``.
        required: The least level the stage's exit criteria ask of this domain; ``None``
            when they name no level for it (or there is no stage).
        met: Whether the team's level is at least ``required``; ``None`` when nothing is
            required.
    """

    person_id: str
    review_id: str
    date: dt.date
    placement_id: str | None
    stage: str | None
    domain: str
    team: str
    team_score: float
    person: str | None
    person_score: float | None
    required: str | None
    met: bool | None


def _normalised(scale: RatingScale, code: str) -> Fraction:
    """A level's place between the worst (0) and the best (1) level of its scale."""
    low, high = scale.lowest.rank, scale.highest.rank
    return Fraction(scale.rank(code) - low, high - low)


def _mean(values: Sequence[Fraction]) -> float | None:
    return float(sum(values, Fraction(0)) / len(values)) if values else None


def _review_in(pathway: Pathway, review: Review | str) -> Review:
    if isinstance(review, Review):
        return review
    if not isinstance(review, str):
        raise WrongTypeError.single("review", "a review id (str) or a Review", type_name(review))
    for candidate in pathway.reviews:
        if candidate.id == review:
            return candidate
    raise UnknownCodeError("review", review, (candidate.id for candidate in pathway.reviews))


def review_progress(
    pathway: Pathway, review: Review | str, *, definition: PathwayDefinition | None = None
) -> ReviewProgress:
    """Score one review against the exit criteria of the stage the person was in.

    The stage is that of the stay covering the review date. The share met counts the
    domains the stage's exit criteria name whose team level is at least the minimum; the
    framework score places every rated domain between the worst and best level (see
    [`ReviewProgress`][pathway_model.scoring.ReviewProgress]).

    Args:
        pathway: The person's record (checked with
            [`validate_pathway`][pathway_model.validate_pathway] beforehand).
        review: The review, or its id in ``pathway``. A `Review` need not be in the
            record yet (a draft, say), but its date must fall inside one of its stays.
        definition: The definition the record follows; the built-in one it names when
            ``None``.

    Raises:
        ValidationError: No stay covers the review date, or ``definition`` is not the one
            the record names.
        WrongTypeError: An argument has the wrong type.
        UnknownCodeError: No review has that id, or the record uses a stage, domain or
            level the definition lacks.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model import scoring
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> levels = {"mental_health_recovery": "met",
        ...           "harm_related_behaviours": "partly_met", "substance_misuse": "not_met"}
        >>> pathway = pm.Pathway.start(
        ...     SECURE_PATHWAY, person_id="P-1", stage="medium_secure",
        ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
        ... ).with_reviews(pm.Review.from_levels(id="r1", date=dt.date(2024, 4, 2), team=levels))
        >>> progress = scoring.review_progress(pathway, "r1")
        >>> progress.required_met, progress.required_total, progress.unmet, progress.score
        (2, 3, ('substance_misuse',), 0.5)
    """
    definition = resolve_definition(pathway, definition)
    chosen = _review_in(pathway, review)
    placement = pathway.placement_on(chosen.date)
    if placement is None:
        raise ValidationError.single(
            "review",
            "a review dated inside one of the record's stays",
            f"a review dated {chosen.date.isoformat()}, which no stay covers",
        )
    framework = definition.framework
    scale = framework.scale
    criteria = definition.stage(placement.stage).exit_criteria
    unmet: list[str] = []
    if criteria is not None:
        for requirement in criteria.requirements:
            rating = chosen.rating(requirement.domain)
            if rating is None or not scale.at_least(rating.team, requirement.minimum):
                unmet.append(requirement.domain)
    total = 0 if criteria is None else len(criteria.requirements)
    for rating in chosen.ratings:
        framework.domain(rating.domain)  # an unknown domain raises UnknownCodeError
    return ReviewProgress(
        person_id=pathway.person_id,
        review_id=chosen.id,
        date=chosen.date,
        placement_id=placement.id,
        stage=placement.stage,
        required_total=total,
        required_met=total - len(unmet),
        share_met=None if criteria is None else (total - len(unmet)) / total,
        unmet=tuple(unmet),
        score=_mean([_normalised(scale, rating.team) for rating in chosen.ratings]),
        person_score=_mean(
            [
                _normalised(scale, rating.person)
                for rating in chosen.ratings
                if rating.person is not None
            ]
        ),
        rated=len(chosen.ratings),
        domains=len(framework.domains),
    )


def progress_trajectory(
    pathway: Pathway, *, definition: PathwayDefinition | None = None
) -> tuple[TrajectoryPoint, ...]:
    """Every domain's levels at every review of a record: progress over time, as tidy rows.

    One row per rating: reviews in date order (ties by id), and within a review the
    domains in the framework's order. A review that falls between two stays still gives
    its rows, with no stay, stage or requirement.

    Args:
        pathway: The person's record (checked with
            [`validate_pathway`][pathway_model.validate_pathway] beforehand).
        definition: The definition the record follows; the built-in one it names when
            ``None``.

    Raises:
        ValidationError: ``definition`` is not the one the record names.
        WrongTypeError: An argument has the wrong type.
        UnknownCodeError: The record uses a stage, domain or level the definition lacks.

    Examples:
        A data frame for plotting (with pandas installed):
        ``pandas.DataFrame([attrs.asdict(point) for point in progress_trajectory(pathway)])``.
    """
    definition = resolve_definition(pathway, definition)
    framework = definition.framework
    scale = framework.scale
    order = {code: index for index, code in enumerate(framework.domain_codes)}

    def in_order(rating: DomainRating) -> int:
        framework.domain(rating.domain)  # an unknown domain raises UnknownCodeError
        return order[rating.domain]

    points: list[TrajectoryPoint] = []
    for review in pathway.reviews:
        placement = pathway.placement_on(review.date)
        criteria = None if placement is None else definition.stage(placement.stage).exit_criteria
        required = {} if criteria is None else {r.domain: r.minimum for r in criteria.requirements}
        for rating in sorted(review.ratings, key=in_order):
            minimum = required.get(rating.domain)
            points.append(
                TrajectoryPoint(
                    person_id=pathway.person_id,
                    review_id=review.id,
                    date=review.date,
                    placement_id=None if placement is None else placement.id,
                    stage=None if placement is None else placement.stage,
                    domain=rating.domain,
                    team=rating.team,
                    team_score=float(_normalised(scale, rating.team)),
                    person=rating.person,
                    person_score=(
                        None if rating.person is None else float(_normalised(scale, rating.person))
                    ),
                    required=minimum,
                    met=None if minimum is None else scale.at_least(rating.team, minimum),
                )
            )
    return tuple(points)


# --- person-team agreement ---------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Agreement:
    """How closely the person's own levels match the team's at one review.

    Only domains where both gave a level are compared.

    Attributes:
        review_id: The review's id.
        date: The review's date.
        n: How many domains both rated.
        unpaired: How many domains the team rated without a level from the person.
        agreed: How many of the ``n`` had the same level from both.
        exact_agreement: ``agreed / n``, from 0 to 1; ``None`` when ``n`` is 0.
        mean_abs_difference: The mean of ``|person rank - team rank|`` over the ``n``
            domains; ``None`` when ``n`` is 0.
        person_higher: How many of the ``n`` the person rated higher than the team.
        team_higher: How many of the ``n`` the team rated higher than the person.
    """

    review_id: str
    date: dt.date
    n: int
    unpaired: int
    agreed: int
    exact_agreement: float | None
    mean_abs_difference: float | None
    person_higher: int
    team_higher: int


@attrs.frozen(kw_only=True)
class CohortAgreement:
    """Person-team agreement over many ratings, with Cohen's weighted kappa.

    Every (team, person) pair with both levels given counts once, whoever and whenever
    it is from. Kappa compares the agreement seen with the agreement expected if the
    team's and the person's levels were independent, each keeping its own spread:

    ``kappa = (observed - expected) / (1 - expected)``, where
    ``observed = sum(w[i][j] * table[i][j]) / n`` and
    ``expected = sum(w[i][j] * rows[i] * columns[j]) / n**2``, with agreement weights
    ``w`` as described in the module notes. It is 1 for perfect agreement, 0 for
    agreement no better than chance, and negative for worse than chance. Swapping the
    team and the person leaves it unchanged.

    Degenerate cases give ``None``, never a made-up number: with no pairs every ratio is
    ``None``; when the expected agreement is 1 (every pair is the same single level, so
    chance alone explains it) kappa is ``None`` while exact agreement is 1.

    Attributes:
        n: How many pairs were compared.
        unpaired: How many team levels had no level from the person (not compared).
        agreed: How many pairs had the same level from both.
        exact_agreement: ``agreed / n``; ``None`` when ``n`` is 0.
        mean_abs_difference: The mean of ``|person rank - team rank|``; ``None`` when
            ``n`` is 0.
        weights: The kappa weights used: ``"quadratic"``, ``"linear"`` or ``"unweighted"``.
        observed: The weighted agreement seen; ``None`` when ``n`` is 0.
        expected: The weighted agreement expected by chance; ``None`` when ``n`` is 0.
        kappa: Cohen's weighted kappa; ``None`` when ``n`` is 0 or ``expected`` is 1.
        levels: The scale's level codes, worst first: the order of ``table``.
        table: The counts of pairs: ``table[i][j]`` pairs had the team at level ``i``
            and the person at level ``j``.
        problems: The invalid records left out, for
            [`agreement_summary`][pathway_model.scoring.agreement_summary] with
            ``on_error="collect"``; otherwise empty.
    """

    n: int
    unpaired: int
    agreed: int
    exact_agreement: float | None
    mean_abs_difference: float | None
    weights: KappaWeights
    observed: float | None
    expected: float | None
    kappa: float | None
    levels: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]
    problems: tuple[RowProblem, ...] = ()


def _levels_expected(scale: RatingScale, *, optional: bool = False) -> str:
    codes = ", ".join(scale.codes)
    return f"a level of scale {scale.code!r} ({codes})" + (" or None" if optional else "")


def _found(value: object) -> str:
    """Describe a value that is not a level, without showing text that is not a code."""
    if isinstance(value, str):
        if is_code(value):
            return show_code(value)
        return f"a string of {len(value)} characters that is not a code (not shown)"
    return "None" if value is None else type_name(value)


def _not_a_level(value: object, scale: RatingScale, *, optional: bool) -> str | None:
    """What was found instead of a level of ``scale``, or ``None`` when ``value`` is one.

    With ``optional``, ``None`` (no level given) is allowed.
    """
    if value is None:
        return None if optional else "None"
    return None if value in scale else _found(value)


class _Tally:
    """Counts of (team, person) level pairs, by position on the scale."""

    def __init__(self, scale: RatingScale) -> None:
        self.scale = scale
        self.position = {code: index for index, code in enumerate(scale.codes)}
        size = len(scale.codes)
        self.table = [[0] * size for _ in range(size)]
        self.unpaired = 0
        self.problems: list[Problem] = []

    def add(self, team: object, person: object, path: str, team_at: str, person_at: str) -> None:
        """Count one pair, or note a problem at ``path + team_at`` / ``path + person_at``."""
        wrong = [
            Problem(
                path=path + at,
                expected=_levels_expected(self.scale, optional=optional),
                found=found,
            )
            for value, at, optional in ((team, team_at, False), (person, person_at, True))
            if (found := _not_a_level(value, self.scale, optional=optional)) is not None
        ]
        if wrong:
            self.problems += wrong
        else:  # the team's level is a level code, the person's one or None
            position = self.position
            self.count(position[str(team)], None if person is None else position[str(person)])

    def count(self, row: int, column: int | None) -> None:
        """Count one pair of valid positions; ``column`` is ``None`` for no person level."""
        if column is None:
            self.unpaired += 1
        else:
            self.table[row][column] += 1

    def add_review(self, review: Review, path: str) -> None:
        for number, rating in enumerate(review.ratings):
            where = f"{path}.ratings[{number}]"
            self.add(rating.team, rating.person, where, ".team", ".person")

    def raise_problems(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)

    def counts(self) -> tuple[int, int, int, int, int]:
        """``n``, agreed, person higher, team higher, and the sum of absolute differences."""
        ranks = [level.rank for level in self.scale.levels]
        n = agreed = person_higher = team_higher = total = 0
        for row, counts in enumerate(self.table):
            for column, count in enumerate(counts):
                n += count
                total += count * abs(ranks[column] - ranks[row])
                if row == column:
                    agreed += count
                elif column > row:
                    person_higher += count
                else:
                    team_higher += count
        return n, agreed, person_higher, team_higher, total


def _check_scale(scale: object) -> RatingScale:
    if not isinstance(scale, RatingScale):
        raise WrongTypeError.single("scale", "a RatingScale", type_name(scale))
    return scale


def _check_weights(weights: object) -> KappaWeights:
    if weights not in _WEIGHTS:
        expected = " or ".join(repr(choice) for choice in _WEIGHTS)
        raise WrongTypeError.single("weights", expected, repr(weights)[:40])
    return weights  # type: ignore[return-value]  # one of the choices


def review_agreement(review: Review, scale: RatingScale) -> Agreement:
    """Compare the person's own levels with the team's at one review.

    Args:
        review: The review.
        scale: The scale its levels are on (``definition.framework.scale``).

    Raises:
        ValidationError: A level is not on ``scale``; paths are ``Review.ratings[i].team``
            and ``Review.ratings[i].person``.
        WrongTypeError: An argument has the wrong type.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model import scoring
        >>> from pathway_model.catalogue import MY_SHARED_PATHWAY
        >>> review = pm.Review.from_levels(
        ...     id="r1", date=dt.date(2024, 4, 2),
        ...     team={"life_skills": "partly_met", "future_plans": "met", "physical_health": "met"},
        ...     person={"life_skills": "met", "future_plans": "met"},
        ... )
        >>> agreement = scoring.review_agreement(review, MY_SHARED_PATHWAY.scale)
        >>> agreement.n, agreement.exact_agreement, agreement.person_higher, agreement.unpaired
        (2, 0.5, 1, 1)
    """
    if not isinstance(review, Review):
        raise WrongTypeError.single("review", "a Review", type_name(review))
    tally = _Tally(_check_scale(scale))
    tally.add_review(review, "Review")
    tally.raise_problems()
    n, agreed, person_higher, team_higher, total = tally.counts()
    return Agreement(
        review_id=review.id,
        date=review.date,
        n=n,
        unpaired=tally.unpaired,
        agreed=agreed,
        exact_agreement=agreed / n if n else None,
        mean_abs_difference=total / n if n else None,
        person_higher=person_higher,
        team_higher=team_higher,
    )


def _weight(distance: int, size: int, weights: KappaWeights) -> Fraction:
    """The agreement weight of two levels ``distance`` positions apart on ``size`` levels."""
    if weights == "unweighted":
        return Fraction(int(distance == 0))
    power = 2 if weights == "quadratic" else 1
    return 1 - Fraction(distance**power, (size - 1) ** power)


def _summary(
    tally: _Tally, weights: KappaWeights, problems: tuple[RowProblem, ...] = ()
) -> CohortAgreement:
    n, agreed, _, _, total = tally.counts()
    table = tally.table
    size = len(table)
    observed = expected = kappa = None
    if n:
        rows = [sum(counts) for counts in table]
        columns = [sum(counts[j] for counts in table) for j in range(size)]
        weight = [[_weight(abs(i - j), size, weights) for j in range(size)] for i in range(size)]
        seen = sum(
            (weight[i][j] * table[i][j] for i in range(size) for j in range(size)), Fraction(0)
        )
        chance = sum(
            (weight[i][j] * rows[i] * columns[j] for i in range(size) for j in range(size)),
            Fraction(0),
        )
        observed, expected = seen / n, chance / (n * n)
        if expected != 1:
            kappa = float((observed - expected) / (1 - expected))
    return CohortAgreement(
        n=n,
        unpaired=tally.unpaired,
        agreed=agreed,
        exact_agreement=agreed / n if n else None,
        mean_abs_difference=total / n if n else None,
        weights=weights,
        observed=None if observed is None else float(observed),
        expected=None if expected is None else float(expected),
        kappa=kappa,
        levels=tally.scale.codes,
        table=tuple(tuple(counts) for counts in table),
        problems=problems,
    )


def cohort_agreement(
    pathways_or_pairs: Iterable[Pathway | Review | tuple[str, str | None]],
    *,
    scale: RatingScale,
    weights: KappaWeights = "quadratic",
) -> CohortAgreement:
    """Person-team agreement across a cohort: exact agreement and weighted kappa.

    Each item gives pairs of levels: a `Pathway` every rating of every review, a
    `Review` every rating, and a ``(team, person)`` tuple of level codes one pair. A
    person level of ``None`` is not compared (it counts in ``unpaired``).

    Args:
        pathways_or_pairs: The records, reviews or pairs, in any mix and order.
        scale: The scale the levels are on (``definition.framework.scale``).
        weights: ``"quadratic"`` (the default, the usual choice for ordered levels),
            ``"linear"``, or ``"unweighted"`` for Cohen's unweighted kappa.

    Raises:
        ValidationError: A level is not on ``scale``, or an item is none of the three;
            every problem is listed, with paths such as
            ``$[2].reviews[0].ratings[1].person`` or ``$[5][0]``.
        WrongTypeError: An argument has the wrong type.

    Examples:
        >>> import pathway_model as pm
        >>> from pathway_model import scoring
        >>> from pathway_model.catalogue import MY_SHARED_PATHWAY
        >>> pairs = [("met", "met"), ("partly_met", "met"), ("not_met", "not_met"),
        ...          ("partly_met", "partly_met"), ("met", None)]
        >>> result = scoring.cohort_agreement(pairs, scale=MY_SHARED_PATHWAY.scale)
        >>> result.n, result.exact_agreement, round(result.kappa, 3)
        (4, 0.75, 0.8)
    """
    tally = _Tally(_check_scale(scale))
    weights = _check_weights(weights)
    if isinstance(pathways_or_pairs, (str, bytes, Mapping, Pathway, Review)) or not isinstance(
        pathways_or_pairs, Iterable
    ):
        raise WrongTypeError.single(
            "pathways_or_pairs",
            "an iterable of Pathway, Review or (team, person) pairs",
            type_name(pathways_or_pairs),
        )
    given: Iterable[object] = pathways_or_pairs  # checked item by item
    for index, item in enumerate(given):
        path = f"$[{index}]"
        if isinstance(item, Pathway):
            for number, review in enumerate(item.reviews):
                tally.add_review(review, f"{path}.reviews[{number}]")
        elif isinstance(item, Review):
            tally.add_review(item, path)
        elif isinstance(item, tuple) and len(item) == 2:
            tally.add(item[0], item[1], path, "[0]", "[1]")
        else:
            tally.problems.append(
                Problem(
                    path=path,
                    expected="a Pathway, a Review or a (team, person) tuple",
                    found=type_name(item),
                )
            )
    tally.raise_problems()
    return _summary(tally, weights)


# --- batch forms -------------------------------------------------------------------------


def _pair_problems(record: Mapping[str, Any], scale: RatingScale) -> list[tuple[str, str, str]]:
    """The ``(field, expected, found)`` problems of a record's ``team`` and ``person``."""
    problems = []
    for field, optional in (("team", False), ("person", True)):
        found = (
            "no field"
            if field not in record
            else _not_a_level(record[field], scale, optional=optional)
        )
        if found is not None:
            problems.append((field, _levels_expected(scale, optional=optional), found))
    return problems


def agreement_records(
    records: Iterable[Mapping[str, Any]],
    *,
    scale: RatingScale,
    keep: Sequence[str] = (),
    on_error: OnError = "raise",
) -> Batch:
    """Score person-team agreement for many plain records, one pair of levels each.

    Each record has a ``team`` level code and a ``person`` level code, which may be
    ``None`` (the person gave none). Each valid record gives one row with ``agree``
    (whether the two levels are the same) and ``difference`` (the person's rank minus
    the team's: positive when the person rates themself higher); both are ``None`` when
    the person gave no level.

    Args:
        records: The records, e.g. rows of a CSV file: one domain of one review each.
        scale: The scale the levels are on (``definition.framework.scale``).
        keep: Fields copied from each record to its row, e.g. ``("review_id", "domain")``.
        on_error: ``"raise"`` or ``"collect"``: see [`Batch`][pathway_model.scoring.Batch].

    Raises:
        ValidationError: ``on_error="raise"`` and a record has no ``team`` or ``person``
            field, or a value that is not a level of ``scale``.
        WrongTypeError: An argument has the wrong type.

    Examples:
        >>> import pathway_model as pm
        >>> from pathway_model import scoring
        >>> from pathway_model.catalogue import MY_SHARED_PATHWAY
        >>> records = [{"domain": "life_skills", "team": "partly_met", "person": "met"},
        ...            {"domain": "future_plans", "team": "met", "person": None}]
        >>> batch = scoring.agreement_records(
        ...     records, scale=MY_SHARED_PATHWAY.scale, keep=["domain"]
        ... )
        >>> batch.rows[0]
        {'row': 0, 'domain': 'life_skills', 'agree': False, 'difference': 1}
    """
    scale = _check_scale(scale)

    def score(record: Mapping[str, Any]) -> dict[str, Any] | list[tuple[str, str, str]]:
        problems = _pair_problems(record, scale)
        if problems:
            return problems
        team, person = record["team"], record["person"]
        if person is None:
            return {"agree": None, "difference": None}
        return {"agree": team == person, "difference": scale.rank(person) - scale.rank(team)}

    return score_records(records, score, keep=keep, on_error=on_error)


def agreement_summary(
    records: Iterable[Mapping[str, Any]],
    *,
    scale: RatingScale,
    weights: KappaWeights = "quadratic",
    on_error: OnError = "raise",
) -> CohortAgreement:
    """Person-team agreement over many plain records: the cohort summary.

    The records are those of [`agreement_records`][pathway_model.scoring.agreement_records];
    the result is that of [`cohort_agreement`][pathway_model.scoring.cohort_agreement] over
    their ``(team, person)`` pairs. With ``on_error="collect"`` invalid records are left
    out and listed in the result's ``problems``, never dropped silently.

    Args:
        records: The records, each with ``team`` and ``person`` level codes.
        scale: The scale the levels are on.
        weights: The kappa weights: ``"quadratic"`` (the default), ``"linear"`` or
            ``"unweighted"``.
        on_error: ``"raise"`` or ``"collect"``: see [`Batch`][pathway_model.scoring.Batch].

    Raises:
        ValidationError: ``on_error="raise"`` and a record is invalid; the paths are
            ``$[row].field``.
        WrongTypeError: An argument has the wrong type.
    """
    tally = _Tally(_check_scale(scale))
    weights = _check_weights(weights)

    def pair(record: Mapping[str, Any]) -> dict[str, Any] | list[tuple[str, str, str]]:
        return _pair_problems(record, tally.scale) or {k: record[k] for k in ("team", "person")}

    batch = score_records(records, pair, on_error=on_error)
    position = tally.position
    for row in batch.rows:  # each checked by _pair_problems
        tally.count(position[row["team"]], position.get(row["person"]))
    return _summary(tally, weights, batch.problems)


def agreement_frame(frame: Any, *, scale: RatingScale, on_error: OnError = "raise") -> Any:
    """Score person-team agreement for a data frame of level pairs (needs the ``pandas`` extra).

    The frame form of [`agreement_records`][pathway_model.scoring.agreement_records], row for
    row: each cell is read as the record form reads the same value, by the convention
    every data-frame function shares (see "Data frames and records: one convention" in
    the scoring reference). So an empty cell (``None``, ``NaN``, ``pd.NA``) is no level
    (``None``): a missing person level gives no scores, a missing team level is a
    problem. A missing ``team`` or ``person`` column is a problem in every row, as a
    missing field is in a record.

    Args:
        frame: A ``pandas.DataFrame`` with ``team`` and ``person`` columns of level
            codes. Other columns are ignored: join the result back on the index.
        scale: The scale the levels are on.
        on_error: ``"raise"`` (the default) to raise one error listing the first 100
            problems and counting the rest, or ``"collect"`` to give invalid rows
            missing (NA) scores and add a ``problems`` column: the row's problems for
            an invalid row, ``""`` for a valid one.

    Returns:
        A new ``pandas.DataFrame`` with the same index as ``frame`` and the columns
        ``agree`` (nullable ``boolean``) and ``difference`` (nullable ``Int64``), both
        missing where the person gave no level.

    Raises:
        ValidationError: ``on_error="raise"`` and a row is invalid (paths are
            ``$[row].field``, ``row`` counting from 0 as in ``frame.iloc``).
        WrongTypeError: ``frame`` is not a ``DataFrame``, or another argument has the
            wrong type.
        ImportError: pandas is not installed.
    """
    import pandas as pd  # noqa: PLC0415 - an optional dependency, loaded when asked for

    if not isinstance(frame, pd.DataFrame):
        raise WrongTypeError.single("frame", "a pandas DataFrame", type_name(frame))
    records = frame_records(frame, ("team", "person"))
    batch = agreement_records(records, scale=scale, on_error=on_error)
    agree: list[bool | None] = [None] * len(records)
    difference: list[int | None] = [None] * len(records)
    for row in batch.rows:
        agree[row["row"]], difference[row["row"]] = row["agree"], row["difference"]
    data = {
        "agree": pd.array(agree, dtype="boolean"),
        "difference": pd.array(difference, dtype="Int64"),
    }
    if on_error == "collect":
        data["problems"] = pd.array(problem_texts(batch.problems, len(records)), dtype="string")
    return pd.DataFrame(data, index=frame.index)
