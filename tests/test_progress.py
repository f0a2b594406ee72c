"""Outcome progress and person-team agreement: worked examples and properties."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from fractions import Fraction
from random import Random
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import scoring
from pathway_model.catalogue import MY_SHARED_PATHWAY, SECURE_PATHWAY
from pathway_model.scoring import (
    Agreement,
    ReviewProgress,
    agreement_records,
    agreement_summary,
    cohort_agreement,
    progress_trajectory,
    review_agreement,
    review_progress,
)
from pathway_model.scoring.frames import agreement_frame
from tests import strategies as s
from tests.scenarios import SIMPLE, record, review

D = dt.date
MSP = MY_SHARED_PATHWAY.scale
WEIGHTS = ("quadratic", "linear", "unweighted")


def medium_review() -> pm.Review:
    """A medium secure review: two of the stage's three domains met, five domains rated."""
    return review(
        "r1",
        D(2024, 4, 2),
        {
            "physical_health": "met",
            "mental_health_recovery": "partly_met",
            "harm_related_behaviours": "not_met",
            "substance_misuse": "met",
            "future_plans": "partly_met",
        },
        person={"mental_health_recovery": "met", "substance_misuse": "met"},
    )


def medium_then_low() -> pm.Pathway:
    """Medium secure until 1 July 2024, then low secure, with one review in each stay."""
    return record(
        SECURE_PATHWAY,
        [("medium_secure", D(2024, 1, 8), D(2024, 7, 1)), ("low_secure", D(2024, 7, 1), None)],
        reviews=(
            medium_review(),
            review(
                "r2",
                D(2024, 9, 2),
                {"mental_health_recovery": "met", "harm_related_behaviours": "met"},
                person={"mental_health_recovery": "not_met"},
            ),
        ),
    )


def pairs_of(table: Sequence[Sequence[int]], codes: Sequence[str]) -> list[tuple[str, str]]:
    """The (team, person) pairs a confusion table counts: rows team, columns person."""
    return [
        (codes[row], codes[column])
        for row, counts in enumerate(table)
        for column, count in enumerate(counts)
        for _ in range(count)
    ]


def textbook_kappa(pairs: Sequence[tuple[str, str]], codes: Sequence[str], weights: str) -> float:
    """Weighted kappa from raw pairs in its disagreement form (Cohen 1968), as a check.

    ``kappa = 1 - mean disagreement seen / mean disagreement over every (team, person)
    cross-pairing``, with disagreement weights ``|i - j|`` or ``(i - j)**2`` over
    ``(k - 1)`` or ``(k - 1)**2``, or 0/1 unweighted. Independent of the library's table.
    """
    position = {code: index for index, code in enumerate(codes)}
    span = len(codes) - 1

    def disagreement(team: str, person: str) -> float:
        distance = abs(position[team] - position[person])
        if weights == "unweighted":
            return float(distance != 0)
        if weights == "linear":
            return distance / span
        return distance**2 / span**2

    n = len(pairs)
    seen = sum(disagreement(team, person) for team, person in pairs) / n
    chance = sum(disagreement(team, person) for team, _ in pairs for _, person in pairs) / n**2
    return 1 - seen / chance


# The 3 x 3 table of the worked example (rows: team; columns: person; levels not met,
# partly met, met), 15 pairs:
#
#                 person: not  partly  met | team totals
#     team not_met        4     1      0   |  5
#     team partly_met     1     3      1   |  5
#     team met            0     2      3   |  5
#     person totals       5     6      4   | 15
#
# Exact agreement: (4 + 3 + 3) / 15 = 2/3.
# Quadratic weights 1 - (i - j)^2 / 4: 1 on the diagonal, 3/4 one step off, 0 two steps.
#   observed = (10 * 1 + 5 * 3/4) / 15 = 13.75 / 15 = 11/12.
#   expected = sum w_ij * 5 * c_j / 225, with column weight sums 1.75, 2.5, 1.75:
#            = 5 * (5 * 1.75 + 6 * 2.5 + 4 * 1.75) / 225 = 5 * 30.75 / 225 = 41/60.
#   kappa = (11/12 - 41/60) / (1 - 41/60) = (14/60) / (19/60) = 14/19.
# Linear weights 1 - |i - j| / 2: 1, 1/2, 0.
#   observed = (10 + 5 * 1/2) / 15 = 5/6; expected = 5 * (5 * 1.5 + 6 * 2 + 4 * 1.5) / 225
#            = 17/30; kappa = (25/30 - 17/30) / (13/30) = 8/13.
# Unweighted: observed = 2/3; expected = (5 * 5 + 5 * 6 + 5 * 4) / 225 = 1/3;
#   kappa = (1/3) / (2/3) = 1/2.
TABLE = ((4, 1, 0), (1, 3, 1), (0, 2, 3))
TABLE_PAIRS = pairs_of(TABLE, MSP.codes)


class TestReviewProgress:
    def test_medium_secure_review(self) -> None:
        """Medium secure asks for three domains partly met: two are, so the share is 2/3."""
        progress = review_progress(medium_then_low(), "r1")
        # Required: mental health partly met (yes), harm not met (no), substance met (yes).
        # Score over the 5 rated domains: (1 + 1/2 + 0 + 1 + 1/2) / 5 = 3/5.
        # Person score over 2 domains: (1 + 1) / 2 = 1.
        expected = ReviewProgress(
            person_id="P-0001",
            review_id="r1",
            date=D(2024, 4, 2),
            placement_id="stay-1",
            stage="medium_secure",
            required_total=3,
            required_met=2,
            share_met=2 / 3,
            unmet=("harm_related_behaviours",),
            score=0.6,
            person_score=1.0,
            rated=5,
            domains=6,
        )
        assert expected == progress

    def test_stage_is_that_of_the_stay_covering_the_review(self) -> None:
        """A review after a move is read against the new stage's criteria."""
        progress = review_progress(medium_then_low(), "r2")
        # Low secure names five domains; the review meets the two it rates at "met".
        assert ("stay-2", "low_secure", 2, 5) == (
            progress.placement_id,
            progress.stage,
            progress.required_met,
            progress.required_total,
        )

    def test_a_domain_not_rated_is_not_met(self) -> None:
        """Missing data is never read as a good rating."""
        progress = review_progress(medium_then_low(), "r2")
        assert ("substance_misuse", "future_plans", "life_skills") == progress.unmet

    def test_the_person_level_does_not_count_towards_the_share(self) -> None:
        """Low secure asks the person to agree, but the share counts the team's levels."""
        progress = review_progress(medium_then_low(), "r2")
        # The person rated mental health not met; the team's "met" still counts.
        assert "mental_health_recovery" not in progress.unmet
        assert 0.0 == progress.person_score

    def test_a_stage_without_criteria_has_no_share(self) -> None:
        """Home has no exit criteria: nothing is required, so there is no share."""
        pathway = record(
            SIMPLE,
            [("ward", D(2024, 1, 1), D(2024, 2, 1)), ("home", D(2024, 2, 1), None)],
            reviews=(review("r1", D(2024, 3, 1), {"a": "ok", "b": "good"}),),
        )
        progress = review_progress(pathway, "r1", definition=SIMPLE)
        assert (0, 0, None, 0.75) == (
            progress.required_met,
            progress.required_total,
            progress.share_met,
            progress.score,
        )

    def test_a_review_with_no_ratings_has_no_score(self) -> None:
        """No rated domain: share 0 of the criteria, and no score to average."""
        pathway = medium_then_low().with_reviews(review("r0", D(2024, 2, 1), {}))
        progress = review_progress(pathway, "r0")
        assert (0, 3, 0.0, None, None, 0) == (
            progress.required_met,
            progress.required_total,
            progress.share_met,
            progress.score,
            progress.person_score,
            progress.rated,
        )

    def test_a_review_object_gives_the_same_as_its_id(self) -> None:
        """The review may be given itself rather than by id."""
        pathway = medium_then_low()
        assert review_progress(pathway, "r1") == review_progress(pathway, pathway.reviews[0])

    def test_a_draft_review_need_not_be_in_the_record(self) -> None:
        """A review not yet added is scored against the stay its date falls in."""
        draft = review("draft", D(2024, 10, 1), {"life_skills": "met"})
        progress = review_progress(medium_then_low(), draft)
        assert ("draft", "low_secure", 1) == (progress.review_id, progress.stage, progress.rated)

    def test_an_unknown_review_id(self) -> None:
        """An id the record does not hold is an UnknownCodeError listing the known ids."""
        with pytest.raises(pm.UnknownCodeError, match="'r1', 'r2'"):
            review_progress(medium_then_low(), "r9")

    def test_a_review_between_stays_is_refused(self) -> None:
        """No stay covers a review dated in a gap, so there is no stage to read it against."""
        pathway = record(
            SECURE_PATHWAY,
            [("medium_secure", D(2024, 1, 8), D(2024, 6, 1)), ("low_secure", D(2024, 7, 1), None)],
            reviews=(review("r1", D(2024, 6, 15), {"life_skills": "met"}),),
        )
        with pytest.raises(pm.ValidationError, match="2024-06-15, which no stay covers"):
            review_progress(pathway, "r1")

    def test_a_review_of_the_wrong_type(self) -> None:
        """Anything but an id or a Review is a WrongTypeError."""
        with pytest.raises(pm.WrongTypeError, match="a review id"):
            review_progress(medium_then_low(), 1)  # type: ignore[arg-type]

    def test_another_definition_is_refused(self) -> None:
        """Scoring a record on a definition it does not name is refused, as in the rules."""
        with pytest.raises(pm.ValidationError, match=re.escape("secure-pathway@1.0.0")):
            review_progress(medium_then_low(), "r1", definition=SIMPLE)


def uneven() -> pm.PathwayDefinition:
    """SIMPLE with uneven ranks: no -10, ok 0, good 30."""
    scale = pm.RatingScale(
        code="uneven",
        name="Uneven",
        levels=[
            pm.RatingLevel(code="no", label="No", rank=-10),
            pm.RatingLevel(code="ok", label="OK", rank=0),
            pm.RatingLevel(code="good", label="Good", rank=30),
        ],
    )
    return attrs.evolve(SIMPLE, framework=attrs.evolve(SIMPLE.framework, scale=scale))


class TestNormalisedScores:
    def test_scores_on_an_even_scale(self) -> None:
        """On no < ok < good the scores are 0, 1/2 and 1."""
        pathway = record(
            SIMPLE,
            [("ward", D(2024, 1, 1), None)],
            reviews=(
                review("r1", D(2024, 2, 1), {"a": "no"}),
                review("r2", D(2024, 3, 1), {"a": "ok"}),
                review("r3", D(2024, 4, 1), {"a": "good"}),
            ),
        )
        points = progress_trajectory(pathway, definition=SIMPLE)
        assert [0.0, 0.5, 1.0] == [point.team_score for point in points]

    def test_scores_follow_the_ranks(self) -> None:
        """Ranks -10, 0 and 30 give (rank + 10) / 40: 0, 1/4 and 1."""
        definition = uneven()
        pathway = record(
            definition,
            [("ward", D(2024, 1, 1), None)],
            reviews=(review("r1", D(2024, 2, 1), {"a": "ok", "b": "good"}, person={"a": "no"}),),
        )
        progress = review_progress(pathway, "r1", definition=definition)
        points = progress_trajectory(pathway, definition=definition)
        # Framework score: (1/4 + 1) / 2 = 5/8.
        assert ([0.25, 1.0], [0.0, None], 0.625) == (
            [point.team_score for point in points],
            [point.person_score for point in points],
            progress.score,
        )


class TestTrajectory:
    def test_rows_per_review_and_domain(self) -> None:
        """One row per rating: reviews by date, domains in the framework's order."""
        points = progress_trajectory(medium_then_low())
        assert [
            ("r1", "mental_health_recovery", "partly_met", "met", "partly_met", True),
            ("r1", "harm_related_behaviours", "not_met", None, "partly_met", False),
            ("r1", "substance_misuse", "met", "met", "partly_met", True),
            ("r1", "future_plans", "partly_met", None, None, None),
            ("r1", "physical_health", "met", None, None, None),
            ("r2", "mental_health_recovery", "met", "not_met", "met", True),
            ("r2", "harm_related_behaviours", "met", None, "met", True),
        ] == [
            (point.review_id, point.domain, point.team, point.person, point.required, point.met)
            for point in points
        ]

    def test_rows_carry_the_stay_and_stage(self) -> None:
        """Each row names the stay and stage of its review's date."""
        points = progress_trajectory(medium_then_low())
        assert [("stay-1", "medium_secure")] * 5 + [("stay-2", "low_secure")] * 2 == [
            (point.placement_id, point.stage) for point in points
        ]

    def test_a_review_between_stays_has_no_stage(self) -> None:
        """A review in a gap still gives its rows, with no stay, stage or requirement."""
        pathway = record(
            SECURE_PATHWAY,
            [("medium_secure", D(2024, 1, 8), D(2024, 6, 1)), ("low_secure", D(2024, 7, 1), None)],
            reviews=(review("r1", D(2024, 6, 15), {"life_skills": "met"}),),
        )
        point = progress_trajectory(pathway)[0]
        assert (None, None, None, None, 1.0) == (
            point.placement_id,
            point.stage,
            point.required,
            point.met,
            point.team_score,
        )

    def test_a_record_without_reviews_has_no_rows(self) -> None:
        """No review, no trajectory."""
        pathway = record(SECURE_PATHWAY, [("medium_secure", D(2024, 1, 8), None)])
        assert () == progress_trajectory(pathway)


class TestReviewAgreement:
    def test_worked_example(self) -> None:
        """Two of five pairs agree; differences 0, 0, 2, 1 and 1 average 4/5."""
        levels = review(
            "r1",
            D(2024, 4, 2),
            {
                "mental_health_recovery": "met",
                "harm_related_behaviours": "partly_met",
                "substance_misuse": "met",
                "future_plans": "partly_met",
                "life_skills": "not_met",
                "physical_health": "not_met",
            },
            person={
                "mental_health_recovery": "met",  # agree
                "harm_related_behaviours": "partly_met",  # agree
                "substance_misuse": "not_met",  # team 2 steps higher
                "future_plans": "met",  # person 1 step higher
                "physical_health": "partly_met",  # person 1 step higher
            },
        )
        expected = Agreement(
            review_id="r1",
            date=D(2024, 4, 2),
            n=5,
            unpaired=1,
            agreed=2,
            exact_agreement=0.4,
            mean_abs_difference=0.8,
            person_higher=2,
            team_higher=1,
        )
        assert expected == review_agreement(levels, MSP)

    def test_differences_are_in_ranks(self) -> None:
        """On ranks -10, 0, 30, no against good is 40 apart."""
        scale = uneven().framework.scale
        result = review_agreement(review("r1", D(2024, 1, 1), {"a": "no"}, {"a": "good"}), scale)
        assert 40.0 == result.mean_abs_difference

    def test_no_person_levels(self) -> None:
        """With no pair to compare, the ratios are None."""
        result = review_agreement(review("r1", D(2024, 1, 1), {"life_skills": "met"}), MSP)
        assert (0, 1, None, None) == (
            result.n,
            result.unpaired,
            result.exact_agreement,
            result.mean_abs_difference,
        )

    def test_a_level_off_the_scale(self) -> None:
        """A level the scale lacks is a ValidationError naming the rating."""
        bad = review("r1", D(2024, 1, 1), {"life_skills": "met", "future_plans": "met"})
        bad = attrs.evolve(
            bad, ratings=(bad.ratings[0], attrs.evolve(bad.ratings[1], person="great"))
        )
        with pytest.raises(pm.ValidationError) as caught:
            review_agreement(bad, MSP)
        assert ["Review.ratings[1].person"] == [p.path for p in caught.value.problems]

    def test_arguments_of_the_wrong_type(self) -> None:
        """A review or scale of the wrong type is a WrongTypeError."""
        with pytest.raises(pm.WrongTypeError, match="a Review"):
            review_agreement("r1", MSP)  # type: ignore[arg-type]
        with pytest.raises(pm.WrongTypeError, match="a RatingScale"):
            review_agreement(medium_review(), MY_SHARED_PATHWAY)  # type: ignore[arg-type]


class TestCohortAgreement:
    @pytest.mark.parametrize(
        ("weights", "kappa"),
        [("quadratic", Fraction(14, 19)), ("linear", Fraction(8, 13)), ("unweighted", 0.5)],
    )
    def test_hand_computed_table(self, weights: str, kappa: float) -> None:
        """The worked 3 x 3 table gives 14/19, 8/13 and 1/2 (see the comment above)."""
        result = cohort_agreement(TABLE_PAIRS, scale=MSP, weights=weights)  # type: ignore[arg-type]
        assert float(kappa) == pytest.approx(result.kappa, abs=1e-12)

    def test_hand_computed_table_in_full(self) -> None:
        """The quadratic result carries the table, the counts and both agreements."""
        result = cohort_agreement(TABLE_PAIRS, scale=MSP)
        # Mean |difference|: 5 pairs one step apart out of 15 = 1/3.
        assert (15, 0, 10, 2 / 3, 1 / 3, 11 / 12, 41 / 60, TABLE, MSP.codes) == (
            result.n,
            result.unpaired,
            result.agreed,
            result.exact_agreement,
            result.mean_abs_difference,
            result.observed,
            result.expected,
            result.table,
            result.levels,
        )

    def test_hand_computed_table_agrees_with_the_textbook_formula(self) -> None:
        """The library's kappa and the independent disagreement form agree."""
        for weights in WEIGHTS:
            expected = textbook_kappa(TABLE_PAIRS, MSP.codes, weights)
            actual = cohort_agreement(TABLE_PAIRS, scale=MSP, weights=weights).kappa  # type: ignore[arg-type]
            assert expected == pytest.approx(actual, abs=1e-12)

    def test_records_reviews_and_pairs_count_alike(self) -> None:
        """A record counts each rating of each review, as its pairs would."""
        pathway = medium_then_low()
        pairs = [(r.team, r.person) for rv in pathway.reviews for r in rv.ratings]
        by_pairs = cohort_agreement(pairs, scale=MSP)
        assert by_pairs == cohort_agreement([pathway], scale=MSP)
        assert by_pairs == cohort_agreement(pathway.reviews, scale=MSP)
        # r1: 2 pairs (substance misuse agrees), 3 unpaired; r2: 1 pair, 1 unpaired.
        assert (3, 4, 1) == (by_pairs.n, by_pairs.unpaired, by_pairs.agreed)

    def test_no_pairs(self) -> None:
        """With nothing to compare, every ratio is None and the table is empty."""
        result = cohort_agreement([("met", None)], scale=MSP)
        assert (0, 1, None, None, None, None, None) == (
            result.n,
            result.unpaired,
            result.exact_agreement,
            result.mean_abs_difference,
            result.observed,
            result.expected,
            result.kappa,
        )

    def test_one_level_only_has_no_kappa(self) -> None:
        """Everyone at one level: chance explains it all, so kappa is None, agreement 1."""
        result = cohort_agreement([("met", "met")] * 5, scale=MSP)
        assert (1.0, 1.0, None) == (result.exact_agreement, result.expected, result.kappa)

    def test_opposite_constant_levels_give_zero(self) -> None:
        """Team always met, person always not met: no better than chance, kappa 0."""
        result = cohort_agreement([("met", "not_met")] * 4, scale=MSP)
        assert (0.0, 0.0) == (result.exact_agreement, result.kappa)

    def test_levels_off_the_scale_are_all_listed(self) -> None:
        """Each bad level and each bad item is a problem with its path."""
        bad = attrs.evolve(medium_review(), ratings=(pm.DomainRating(domain="x", team="great"),))
        pathway = medium_then_low().with_reviews(attrs.evolve(bad, id="r3"))
        with pytest.raises(pm.ValidationError) as caught:
            cohort_agreement(
                [("met", "met"), ("met", 2), bad, pathway, "met"],  # type: ignore[list-item]
                scale=MSP,
            )
        assert [
            "$[1][1]",
            "$[2].ratings[0].team",
            "$[3].reviews[1].ratings[0].team",  # dated as r1, so second in date order
            "$[4]",
        ] == [problem.path for problem in caught.value.problems]

    def test_arguments_of_the_wrong_type(self) -> None:
        """A lone pathway, a bad scale or unknown weights are WrongTypeErrors."""
        with pytest.raises(pm.WrongTypeError, match="an iterable"):
            cohort_agreement(medium_then_low(), scale=MSP)  # type: ignore[arg-type]
        with pytest.raises(pm.WrongTypeError, match="a RatingScale"):
            cohort_agreement([], scale="msp")  # type: ignore[arg-type]
        with pytest.raises(pm.WrongTypeError, match="'quadratic' or 'linear'"):
            cohort_agreement([], scale=MSP, weights="cubic")  # type: ignore[arg-type]


RECORDS = [
    {"id": "a", "team": "partly_met", "person": "met"},
    {"id": "b", "team": "met", "person": "met"},
    {"id": "c", "team": "met", "person": None},
    {"id": "d", "team": "met", "person": "not_met"},
]


class TestAgreementRecords:
    def test_rows(self) -> None:
        """Each record gives agree and the person's rank minus the team's."""
        batch = agreement_records(RECORDS, scale=MSP, keep=["id"])
        assert [
            {"row": 0, "id": "a", "agree": False, "difference": 1},
            {"row": 1, "id": "b", "agree": True, "difference": 0},
            {"row": 2, "id": "c", "agree": None, "difference": None},
            {"row": 3, "id": "d", "agree": False, "difference": -2},
        ] == list(batch.rows)

    def test_problems_per_row(self) -> None:
        """Missing fields, bad levels and a team level of None are each reported."""
        records: list[object] = [
            {"team": "met"},
            {"team": None, "person": "met"},
            {"team": "Partly met", "person": 3},
            {"team": "great", "person": "met"},
            "not a record",
            {"team": "met", "person": "met"},
        ]
        batch = agreement_records(records, scale=MSP, on_error="collect")  # type: ignore[arg-type]
        levels = "a level of scale 'msp-attainment' (not_met, partly_met, met)"
        assert [
            scoring.RowProblem(
                row=0, field="person", expected=f"{levels} or None", found="no field"
            ),
            scoring.RowProblem(row=1, field="team", expected=levels, found="None"),
            scoring.RowProblem(
                row=2,
                field="team",
                expected=levels,
                found="a string of 10 characters that is not a code (not shown)",
            ),
            scoring.RowProblem(row=2, field="person", expected=f"{levels} or None", found="int"),
            scoring.RowProblem(row=3, field="team", expected=levels, found="'great'"),
            scoring.RowProblem(row=4, field="", expected="a record (a mapping)", found="str"),
        ] == list(batch.problems)
        assert [5] == [row["row"] for row in batch.rows]

    def test_raises_by_default(self) -> None:
        """An invalid record raises one ValidationError with its path."""
        with pytest.raises(pm.ValidationError, match=r"\$\[1\]\.team"):
            agreement_records([RECORDS[0], {"team": "great", "person": None}], scale=MSP)


class TestAgreementSummary:
    def test_summary_of_records(self) -> None:
        """The summary is cohort agreement over the records' pairs."""
        pairs = [(record["team"], record["person"]) for record in RECORDS]
        expected = cohort_agreement(pairs, scale=MSP, weights="linear")  # type: ignore[arg-type]
        assert expected == agreement_summary(RECORDS, scale=MSP, weights="linear")

    def test_collected_problems_are_listed_not_dropped_silently(self) -> None:
        """With collect, invalid records are left out and named in problems, once each."""
        records = [*RECORDS, {"team": "great", "person": "met"}, {"team": "met"}]
        result = agreement_summary(records, scale=MSP, on_error="collect")
        assert (3, [(4, "team"), (5, "person")]) == (
            result.n,
            [(problem.row, problem.field) for problem in result.problems],
        )


class TestAgreementFrame:
    @pytest.fixture
    def pd(self) -> Any:
        return pytest.importorskip("pandas")

    def test_scores_on_the_same_index(self, pd: Any) -> None:
        """The result has the frame's index; empty person cells give no scores."""
        frame = pd.DataFrame(
            {"id": ["a", "b", "c"], "team": ["met", "met", "partly_met"]},
            index=[10, 20, 30],
        )
        frame["person"] = ["met", float("nan"), "met"]
        result = agreement_frame(frame, scale=MSP)
        assert (
            [10, 20, 30],
            ["agree", "difference"],
            ["boolean", "Int64"],
            [True, None, False],
            [0, None, 1],
        ) == (
            list(result.index),
            list(result.columns),
            [str(dtype) for dtype in result.dtypes],
            [None if value is pd.NA else value for value in result["agree"]],
            [None if value is pd.NA else value for value in result["difference"]],
        )

    def test_collect_adds_a_problems_column(self, pd: Any) -> None:
        """Invalid rows keep their place, without scores, and say what is wrong."""
        frame = pd.DataFrame({"team": ["met", "great", None], "person": ["met", None, "met"]})
        result = agreement_frame(frame, scale=MSP, on_error="collect")
        level = "team: expected a level of scale 'msp-attainment' (not_met, partly_met, met)"
        assert (
            ["", f"{level}; found 'great'", f"{level}; found None"],
            [False, True, True],
        ) == (
            result["problems"].tolist(),
            result["agree"].isna().tolist(),
        )

    def test_raises_by_default(self, pd: Any) -> None:
        """An invalid row raises, with its position in the path."""
        frame = pd.DataFrame({"team": ["met", "great"], "person": ["met", None]})
        with pytest.raises(pm.ValidationError, match=r"\$\[1\]\.team"):
            agreement_frame(frame, scale=MSP)

    def test_a_missing_column_is_a_problem_in_every_row(self, pd: Any) -> None:
        """Without a person column, each row lacks the field, as a record would."""
        frame = pd.DataFrame({"team": ["met", "met"]})
        result = agreement_frame(frame, scale=MSP, on_error="collect")
        assert [p.endswith("; found no field") for p in result["problems"]] == [True, True]
        assert [p.startswith("person: ") for p in result["problems"]] == [True, True]

    def test_refuses_other_types(self) -> None:
        """Records are not a frame."""
        pytest.importorskip("pandas")
        with pytest.raises(pm.WrongTypeError, match="a pandas DataFrame"):
            agreement_frame(RECORDS, scale=MSP)


# --- properties ---------------------------------------------------------------------------


@st.composite
def scales_and_pairs(
    draw: st.DrawFn, *, max_pairs: int = 30
) -> tuple[pm.RatingScale, list[tuple[str, str | None]]]:
    """A rating scale and (team, person) pairs on it; some person levels missing."""
    scale = draw(s.rating_scales(rich_text=False))
    codes = st.sampled_from(scale.codes)
    pairs = draw(st.lists(st.tuples(codes, st.none() | codes), max_size=max_pairs))
    return scale, pairs


def complete(pairs: Sequence[tuple[str, str | None]]) -> list[tuple[str, str]]:
    return [(team, person) for team, person in pairs if person is not None]


class TestProgressProperties:
    @given(s.definitions_and_pathways())
    def test_share_and_scores_are_between_0_and_1(
        self, drawn: tuple[pm.PathwayDefinition, pm.Pathway]
    ) -> None:
        """Share met, score and person score all lie in [0, 1]."""
        definition, pathway = drawn
        for item in pathway.reviews:
            progress = review_progress(pathway, item, definition=definition)
            for value in (progress.share_met, progress.score, progress.person_score):
                assert value is None or 0 <= value <= 1
            assert 0 <= progress.required_met <= progress.required_total

    @given(s.definitions_and_pathways())
    def test_trajectory_has_one_row_per_rating(
        self, drawn: tuple[pm.PathwayDefinition, pm.Pathway]
    ) -> None:
        """The trajectory has exactly as many rows as the record has ratings."""
        definition, pathway = drawn
        points = progress_trajectory(pathway, definition=definition)
        assert sum(len(item.ratings) for item in pathway.reviews) == len(points)
        assert sorted(points, key=lambda point: point.date) == list(points)

    @given(s.definitions_and_pathways())
    def test_trajectory_and_review_progress_agree(
        self, drawn: tuple[pm.PathwayDefinition, pm.Pathway]
    ) -> None:
        """Per review, the rows' met count and mean score are the review's figures."""
        definition, pathway = drawn
        points = progress_trajectory(pathway, definition=definition)
        for item in pathway.reviews:
            progress = review_progress(pathway, item, definition=definition)
            rows = [point for point in points if point.review_id == item.id]
            assert progress.required_met == sum(point.met is True for point in rows)
            if rows:
                mean = sum(point.team_score for point in rows) / len(rows)
                assert mean == pytest.approx(progress.score)
            else:
                assert progress.score is None

    @given(s.definitions_and_pathways(), st.randoms(use_true_random=False))
    def test_rating_order_does_not_matter(
        self, drawn: tuple[pm.PathwayDefinition, pm.Pathway], random: Random
    ) -> None:
        """Shuffling each review's ratings changes neither progress nor trajectory."""
        definition, pathway = drawn
        shuffled = attrs.evolve(
            pathway,
            reviews=[
                attrs.evolve(item, ratings=random.sample(item.ratings, len(item.ratings)))
                for item in pathway.reviews
            ],
        )
        assert progress_trajectory(pathway, definition=definition) == progress_trajectory(
            shuffled, definition=definition
        )
        for item in pathway.reviews:
            assert review_progress(pathway, item.id, definition=definition) == review_progress(
                shuffled, item.id, definition=definition
            )


class TestAgreementProperties:
    @given(s.definitions_and_pathways())
    def test_review_agreement_is_a_proportion(
        self, drawn: tuple[pm.PathwayDefinition, pm.Pathway]
    ) -> None:
        """Exact agreement lies in [0, 1]; the counts add up."""
        definition, pathway = drawn
        for item in pathway.reviews:
            result = review_agreement(item, definition.framework.scale)
            assert result.exact_agreement is None or 0 <= result.exact_agreement <= 1
            assert result.n == result.agreed + result.person_higher + result.team_higher
            assert len(item.ratings) == result.n + result.unpaired

    @given(scales_and_pairs(), st.sampled_from(WEIGHTS))
    def test_kappa_is_at_most_1_and_symmetric(
        self, drawn: tuple[pm.RatingScale, list[tuple[str, str | None]]], weights: str
    ) -> None:
        """Kappa never exceeds 1, and swapping team and person leaves it unchanged."""
        scale, pairs = drawn
        result = cohort_agreement(pairs, scale=scale, weights=weights)  # type: ignore[arg-type]
        swapped = cohort_agreement(
            [(person, team) for team, person in complete(pairs)],
            scale=scale,
            weights=weights,  # type: ignore[arg-type]
        )
        assert result.kappa is None or result.kappa <= 1
        assert result.exact_agreement is None or 0 <= result.exact_agreement <= 1
        assert (result.kappa, result.exact_agreement) == (swapped.kappa, swapped.exact_agreement)

    @given(scales_and_pairs(), st.sampled_from(WEIGHTS))
    def test_perfect_agreement_gives_kappa_1(
        self, drawn: tuple[pm.RatingScale, list[tuple[str, str | None]]], weights: str
    ) -> None:
        """When every person level equals the team's, kappa is 1 (where it is defined)."""
        scale, pairs = drawn
        result = cohort_agreement(
            [(team, team) for team, _ in pairs],
            scale=scale,
            weights=weights,  # type: ignore[arg-type]
        )
        assert result.kappa in (None, 1.0)
        assert result.kappa is not None or len({team for team, _ in pairs}) <= 1

    @given(scales_and_pairs(), st.sampled_from(WEIGHTS))
    def test_kappa_agrees_with_the_textbook_formula(
        self, drawn: tuple[pm.RatingScale, list[tuple[str, str | None]]], weights: str
    ) -> None:
        """The library's kappa equals the independent disagreement-form computation."""
        scale, pairs = drawn
        result = cohort_agreement(pairs, scale=scale, weights=weights)  # type: ignore[arg-type]
        assume(result.kappa is not None)
        expected = textbook_kappa(complete(pairs), scale.codes, weights)
        assert expected == pytest.approx(result.kappa, abs=1e-9)

    @given(scales_and_pairs(), st.randoms(use_true_random=False))
    def test_pair_order_does_not_matter(
        self, drawn: tuple[pm.RatingScale, list[tuple[str, str | None]]], random: Random
    ) -> None:
        """The cohort result is the same, to the last bit, whatever the order of pairs."""
        scale, pairs = drawn
        shuffled = random.sample(pairs, len(pairs))
        assert cohort_agreement(pairs, scale=scale) == cohort_agreement(shuffled, scale=scale)

    @given(s.definitions_and_pathways())
    def test_batch_and_single_forms_agree(
        self, drawn: tuple[pm.PathwayDefinition, pm.Pathway]
    ) -> None:
        """Records of a review's ratings give the review's agreement, and the cohort's."""
        definition, pathway = drawn
        scale = definition.framework.scale
        records = [
            {"review": item.id, "team": rating.team, "person": rating.person}
            for item in pathway.reviews
            for rating in item.ratings
        ]
        batch = agreement_records(records, scale=scale, keep=["review"])
        assert () == batch.problems
        for item in pathway.reviews:
            single = review_agreement(item, scale)
            rows = [row for row in batch.rows if row["review"] == item.id]
            paired = [row for row in rows if row["agree"] is not None]
            assert single.n == len(paired)
            assert single.agreed == sum(row["agree"] for row in paired)
            if paired:
                assert single.exact_agreement == pytest.approx(single.agreed / len(paired))
                mean = sum(abs(row["difference"]) for row in paired) / len(paired)
                assert mean == pytest.approx(single.mean_abs_difference)
                assert single.person_higher == sum(row["difference"] > 0 for row in paired)
        assert cohort_agreement([pathway], scale=scale) == agreement_summary(records, scale=scale)

    @given(scales_and_pairs(max_pairs=15))
    def test_frame_agrees_with_records(
        self, drawn: tuple[pm.RatingScale, list[tuple[str, str | None]]]
    ) -> None:
        """The frame form gives the rows of the records form, cell by cell."""
        pd = pytest.importorskip("pandas")
        scale, pairs = drawn
        records = [{"team": team, "person": person} for team, person in pairs]
        batch = agreement_records(records, scale=scale)
        frame = agreement_frame(pd.DataFrame(records, columns=["team", "person"]), scale=scale)
        cells = [
            {
                name: None if value is pd.NA else value
                for name, value in (("agree", agree), ("difference", difference))
            }
            for agree, difference in zip(frame["agree"], frame["difference"], strict=True)
        ]
        assert [{"agree": row["agree"], "difference": row["difference"]} for row in batch.rows] == (
            cells
        )
