"""DUNDRUM toolkit scoring: totals, mean item scores, placement and heuristic bands."""

from __future__ import annotations

import math
import pickle
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model.scoring import (
    DEFAULT_D3_BANDS,
    DEFAULT_D4_BANDS,
    DUNDRUM_1,
    DUNDRUM_2,
    DUNDRUM_3,
    DUNDRUM_4,
    BandResult,
    Dundrum1Score,
    DundrumInstrument,
    DundrumScore,
    HeuristicBands,
    PlacementBand,
    score_dundrum_1,
    score_dundrum_2,
    score_dundrum_3,
    score_dundrum_4,
    score_dundrum_records,
)
from pathway_model.scoring.frames import score_dundrum_frame

INSTRUMENTS = (DUNDRUM_1, DUNDRUM_2, DUNDRUM_3, DUNDRUM_4)
SINGLE: dict[int, Callable[..., Any]] = {
    1: score_dundrum_1,
    2: score_dundrum_2,
    3: score_dundrum_3,
    4: score_dundrum_4,
}
SCORE_COLUMNS = [
    "total",
    "rated",
    "mean",
    "prorated_total",
    "band",
    "band_heuristic",
    "band_scheme",
]


def record(instrument: DundrumInstrument, ratings: list[Any]) -> dict[str, Any]:
    """The ratings as a record keyed by item code."""
    return dict(zip(instrument.item_codes, ratings, strict=True))


def score(instrument: DundrumInstrument, ratings: Any, **options: Any) -> Any:
    """Score one record with the single-record function for ``instrument``."""
    return SINGLE[instrument.number](ratings, **options)


def paths(error: pytest.ExceptionInfo[pm.ValidationError]) -> list[str]:
    """The paths of the problems a ValidationError lists."""
    return [problem.path for problem in error.value.problems]


# --- strategies ---------------------------------------------------------------------------

instruments = st.sampled_from(INSTRUMENTS)
ratings_0_4 = st.integers(min_value=0, max_value=4)


@st.composite
def complete_ratings(draw: st.DrawFn, instrument: DundrumInstrument) -> list[int | None]:
    """Every item rated 0-4."""
    n = instrument.item_count
    return draw(st.lists(ratings_0_4, min_size=n, max_size=n))


@st.composite
def partial_ratings(draw: st.DrawFn, instrument: DundrumInstrument) -> list[int | None]:
    """Each item rated 0-4 or not rated (None), with at least one rated."""
    n = instrument.item_count
    ratings = draw(st.lists(st.none() | ratings_0_4, min_size=n, max_size=n))
    assume(any(rating is not None for rating in ratings))
    return ratings


@st.composite
def instruments_and_ratings(draw: st.DrawFn) -> tuple[DundrumInstrument, list[int | None]]:
    """An instrument and ratings for it, possibly with items not rated."""
    instrument = draw(instruments)
    return instrument, draw(partial_ratings(instrument))


@st.composite
def heuristic_bands(draw: st.DrawFn) -> HeuristicBands:
    """A valid heuristic scheme: 1-5 strictly decreasing thresholds in (0, 4], unique labels."""
    thresholds = draw(
        st.lists(
            st.floats(min_value=0.01, max_value=4.0, allow_nan=False),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    labels = [f"band {index}" for index in range(len(thresholds) + 1)]
    return HeuristicBands(
        name="test bands",
        source="generated for a test",
        thresholds=tuple(sorted(thresholds, reverse=True)),
        labels=tuple(labels),
    )


# --- instruments --------------------------------------------------------------------------


class TestInstruments:
    @pytest.mark.parametrize(
        ("instrument", "count"), [(DUNDRUM_1, 11), (DUNDRUM_2, 6), (DUNDRUM_3, 7), (DUNDRUM_4, 6)]
    )
    def test_item_counts(self, instrument: DundrumInstrument, count: int) -> None:
        """DUNDRUM-1 has 11 items, -2 six, -3 seven and -4 six."""
        assert count == instrument.item_count

    def test_items_are_numbered_codes(self) -> None:
        """Items are codes d3_1 to d3_7, no wording."""
        assert ("d3_1", "d3_2", "d3_3", "d3_4", "d3_5", "d3_6", "d3_7") == DUNDRUM_3.item_codes

    @pytest.mark.parametrize("instrument", INSTRUMENTS)
    def test_every_instrument_carries_its_licence_status(
        self, instrument: DundrumInstrument
    ) -> None:
        """Each instrument says it is a published toolkit whose wording is not reproduced."""
        assert "published toolkit; item wording not reproduced" == instrument.licence
        assert "Kennedy" in instrument.attribution
        assert "Dublin" in instrument.attribution

    def test_total_range(self) -> None:
        """Totals run from 0 to 4 x the item count."""
        assert (0, 44) == (DUNDRUM_1.lowest_total, DUNDRUM_1.highest_total)

    def test_codes_and_names(self) -> None:
        """Each instrument has a code and a short name."""
        assert ["dundrum_1", "dundrum_2", "dundrum_3", "dundrum_4"] == [i.code for i in INSTRUMENTS]
        assert ["DUNDRUM-1", "DUNDRUM-2", "DUNDRUM-3", "DUNDRUM-4"] == [i.name for i in INSTRUMENTS]


# --- worked examples ----------------------------------------------------------------------


class TestDundrum1:
    def test_mostly_fours_points_to_high_secure(self) -> None:
        """Six 4s, two 3s, one each of 2, 1, 0: total 33, mean 3.0, mostly 4, high secure."""
        result = score_dundrum_1([4, 4, 4, 4, 4, 4, 3, 3, 2, 1, 0])
        assert 33 == result.total
        assert 11 == result.rated
        assert 3.0 == result.mean
        assert (1, 1, 1, 2, 6) == result.level_counts
        assert 4 == result.mostly
        assert PlacementBand.HIGH_SECURE == result.placement_band
        assert not result.tie_broken

    def test_a_tie_goes_to_the_more_secure_level(self) -> None:
        """Four 3s and four 2s tie: the heuristic tie rule picks 3, medium secure."""
        result = score_dundrum_1([3, 3, 3, 3, 2, 2, 2, 2, 4, 4, 1])
        assert 29 == result.total
        assert (0, 1, 4, 4, 2) == result.level_counts
        assert 3 == result.mostly
        assert PlacementBand.MEDIUM_SECURE == result.placement_band
        assert result.tie_broken

    def test_mostly_is_the_mode_not_the_mean(self) -> None:
        """Six 1s and five 4s (mean 2.36) mostly score 1: an open setting."""
        result = score_dundrum_1([1, 1, 1, 1, 1, 1, 4, 4, 4, 4, 4])
        assert 26 == result.total
        assert PlacementBand.OPEN_SETTING == result.placement_band

    @pytest.mark.parametrize(
        ("level", "band"),
        [
            (4, PlacementBand.HIGH_SECURE),
            (3, PlacementBand.MEDIUM_SECURE),
            (2, PlacementBand.LOW_SECURE_OR_PICU),
            (1, PlacementBand.OPEN_SETTING),
            (0, PlacementBand.COMMUNITY),
        ],
    )
    def test_each_level_points_to_its_placement(self, level: int, band: PlacementBand) -> None:
        """Mostly 4 high secure, 3 medium, 2 PICU/acute low secure, 1 open, 0 community."""
        result = score_dundrum_1([level] * 11)
        assert band == result.placement_band
        assert level * 11 == result.total
        assert level == band.level

    def test_a_mapping_scores_like_the_sequence(self) -> None:
        """Keys d1_1 to d1_11 give the same score as the ratings in item order."""
        ratings: list[int | None] = [2, 2, 2, 3, 3, 1, 0, 2, 4, 2, 1]
        assert score_dundrum_1(ratings) == score_dundrum_1(record(DUNDRUM_1, ratings))

    def test_other_keys_are_ignored(self) -> None:
        """A record may hold other fields, and other instruments' items."""
        items: dict[str, object] = {**record(DUNDRUM_1, [2] * 11), "id": "P-1", "d3_1": 4}
        assert 22 == score_dundrum_1(items).total  # type: ignore[arg-type]

    def test_partial_ratings_when_allowed(self) -> None:
        """Two items not rated, min_rated=9: total 23 of 9 rated, prorated 23 x 11 / 9."""
        result = score_dundrum_1([None, None, 2, 2, 2, 2, 2, 3, 3, 3, 4], min_rated=9)
        assert (23, 9) == (result.total, result.rated)
        assert 23 / 9 == result.mean
        assert 23 * 11 / 9 == result.prorated_total
        assert PlacementBand.LOW_SECURE_OR_PICU == result.placement_band
        assert not result.complete

    def test_complete_prorated_total_is_the_total(self) -> None:
        """With every item rated the prorated total equals the total."""
        result = score_dundrum_1([3] * 11)
        assert 33.0 == result.prorated_total
        assert result.complete


class TestDundrum2:
    def test_total_and_mean(self) -> None:
        """Ratings 4, 3, 3, 2, 1, 0: total 13, mean 13/6."""
        result = score_dundrum_2([4, 3, 3, 2, 1, 0])
        assert (13, 6, 13 / 6) == (result.total, result.rated, result.mean)

    def test_no_band_by_default(self) -> None:
        """No bands are published or shipped for DUNDRUM-2."""
        assert score_dundrum_2([4, 3, 3, 2, 1, 0]).band is None

    def test_custom_bands(self) -> None:
        """A service's own bands band the mean item score, labelled as heuristic."""
        bands = HeuristicBands(
            name="local urgency",
            source="local service policy (illustrative)",
            thresholds=(2.0,),
            labels=("urgent", "routine"),
        )
        result = score_dundrum_2([4, 3, 3, 2, 1, 0], bands=bands)
        expected = BandResult(
            label="urgent",
            position=0,
            scheme="local urgency",
            source="local service policy (illustrative)",
        )
        assert expected == result.band


class TestDundrum3:
    @pytest.mark.parametrize(
        ("ratings", "total", "label"),
        [
            # About 3.0-3.3 on acute/high secure units (O'Dwyer 2011).
            ([3, 3, 3, 3, 3, 4, 3], 22, "acute/high secure"),
            # About 2.5-2.9 on medium secure units.
            ([3, 3, 3, 2, 3, 3, 3], 20, "medium secure"),
            # About 1.9 on low secure rehabilitation units.
            ([2, 2, 2, 2, 2, 2, 1], 13, "low secure rehabilitation"),
            # About 0.8 pre-discharge.
            ([1, 1, 1, 1, 0, 1, 1], 6, "pre-discharge/community"),
        ],
    )
    def test_unit_typical_scores(self, ratings: list[int | None], total: int, label: str) -> None:
        """Ratings typical of each unit type fall in that unit's default heuristic band."""
        result = score_dundrum_3(ratings)
        assert total == result.total
        assert total / 7 == result.mean
        assert result.band is not None
        assert label == result.band.label

    def test_a_threshold_is_inclusive(self) -> None:
        """A mean of exactly 3.0 is in the acute/high secure band."""
        result = score_dundrum_3([3] * 7)
        assert (21, 3.0) == (result.total, result.mean)
        assert result.band is not None
        assert ("acute/high secure", 0) == (result.band.label, result.band.position)

    def test_exactly_two_and_a_half_is_medium_secure(self) -> None:
        """Six rated items totalling 15 (mean 2.5) fall in the medium secure band."""
        result = score_dundrum_3([3, 2, 3, 2, 3, 2, None], min_rated=6)
        assert (15, 6, 2.5) == (result.total, result.rated, result.mean)
        assert 17.5 == result.prorated_total
        assert result.band is not None
        assert "medium secure" == result.band.label

    def test_exactly_one_and_a_half_is_low_secure(self) -> None:
        """Six rated items totalling 9 (mean 1.5) fall in the low secure band."""
        result = score_dundrum_3([2, 1, 2, 1, 2, 1, None], min_rated=6)
        assert result.band is not None
        assert "low secure rehabilitation" == result.band.label

    def test_the_band_is_labelled_a_heuristic(self) -> None:
        """Every band carries heuristic=True and its scheme's name and source."""
        result = score_dundrum_3([2] * 7)
        assert result.band is not None
        assert result.band.heuristic
        assert DEFAULT_D3_BANDS.name == result.band.scheme
        assert "O'Dwyer" in result.band.source
        assert "not a published cut-off" in result.band.source


class TestDundrum4:
    @pytest.mark.parametrize(
        ("ratings", "total", "label"),
        [
            ([4, 3, 3, 3, 3, 2], 18, "high need"),
            ([3, 2, 2, 2, 2, 2], 13, "moderate need"),
            ([2, 2, 1, 2, 2, 1], 10, "low need"),
            ([0, 0, 1, 0, 1, 0], 2, "minimal need"),
        ],
    )
    def test_default_bands(self, ratings: list[int | None], total: int, label: str) -> None:
        """The illustrative default bands: >= 3 high, >= 2 moderate, >= 1 low, else minimal."""
        result = score_dundrum_4(ratings)
        assert total == result.total
        assert result.band is not None
        assert label == result.band.label

    def test_default_bands_say_they_are_illustrative(self) -> None:
        """The DUNDRUM-4 default scheme is named and sourced as illustrative."""
        assert "illustrative" in DEFAULT_D4_BANDS.name
        assert "not a published cut-off" in DEFAULT_D4_BANDS.source

    def test_custom_bands_replace_the_default(self) -> None:
        """A caller's scheme is used instead of the default."""
        bands = HeuristicBands(
            name="two bands", source="local", thresholds=(1.0,), labels=("more", "less")
        )
        result = score_dundrum_4([2, 2, 1, 2, 2, 1], bands=bands)
        assert result.band is not None
        assert ("more", "two bands") == (result.band.label, result.band.scheme)


# --- invalid input ------------------------------------------------------------------------


class TestInvalidRatings:
    @pytest.mark.parametrize(
        ("value", "found"),
        [(True, "bool"), (2.0, "2.0 (float)"), ("3", "str"), (5, "5"), (-1, "-1"), ([1], "list")],
    )
    def test_each_bad_rating_is_named_with_its_path(self, value: object, found: str) -> None:
        """A bool, float, text or out-of-range rating is reported at $.d3_4."""
        items: dict[str, object] = {**record(DUNDRUM_3, [2] * 7), "d3_4": value}
        with pytest.raises(pm.ValidationError) as caught:
            score_dundrum_3(items)  # type: ignore[arg-type]
        expected = pm.Problem(
            path="$.d3_4", expected="a rating 0-4 (int), or None for not rated", found=found
        )
        assert [expected] == list(caught.value.problems)

    def test_a_wrong_type_is_a_wrong_type_error(self) -> None:
        """A bool where a rating belongs raises WrongTypeError."""
        with pytest.raises(pm.WrongTypeError):
            score_dundrum_4([True, 1, 1, 1, 1, 1])

    def test_free_text_is_never_shown(self) -> None:
        """A note typed into a rating field is described by its type, never repeated."""
        items: dict[str, object] = {**record(DUNDRUM_2, [1] * 6), "d2_3": "said he felt unsafe"}
        with pytest.raises(pm.ValidationError) as caught:
            score_dundrum_2(items)  # type: ignore[arg-type]
        assert "unsafe" not in str(caught.value)

    def test_every_problem_is_listed(self) -> None:
        """All bad items are reported at once, in item order."""
        items: dict[str, object] = {**record(DUNDRUM_3, [2] * 7), "d3_2": 9, "d3_6": None}
        del items["d3_5"]
        with pytest.raises(pm.ValidationError) as caught:
            score_dundrum_3(items)  # type: ignore[arg-type]
        assert ["$.d3_2", "$.d3_5"] == paths(caught)

    def test_an_absent_item_is_a_problem_not_unrated(self) -> None:
        """A key missing from the record is reported, even when partial ratings are allowed."""
        items = record(DUNDRUM_4, [1] * 6)
        del items["d4_6"]
        with pytest.raises(pm.ValidationError) as caught:
            score_dundrum_4(items, min_rated=1)
        assert "no field" == caught.value.problems[0].found

    def test_an_unknown_item_of_the_instrument_is_a_problem(self) -> None:
        """d3_8 is not a DUNDRUM-3 item: reported rather than ignored."""
        items = {**record(DUNDRUM_3, [1] * 7), "d3_8": 2}
        with pytest.raises(pm.ValidationError) as caught:
            score_dundrum_3(items)
        assert ["$.d3_8"] == paths(caught)

    def test_unrated_items_refused_by_default(self) -> None:
        """By default every item must be rated; the record-level problem names the gaps."""
        with pytest.raises(pm.ValidationError) as caught:
            score_dundrum_3([2, None, 2, 2, None, 2, 2])
        expected = pm.Problem(
            path="$", expected="all 7 items rated", found="5 rated; not rated: d3_2, d3_5"
        )
        assert [expected] == list(caught.value.problems)

    def test_too_few_rated_for_min_rated(self) -> None:
        """Fewer rated items than min_rated is refused."""
        with pytest.raises(pm.ValidationError, match="at least 6 of 7 items rated"):
            score_dundrum_3([2, None, 2, 2, None, 2, 2], min_rated=6)

    def test_a_sequence_of_the_wrong_length(self) -> None:
        """A sequence must hold exactly one rating per item."""
        with pytest.raises(pm.ValidationError) as caught:
            score_dundrum_2([1, 2, 3])
        assert [("$", "3 values")] == [(p.path, p.found) for p in caught.value.problems]

    @pytest.mark.parametrize("items", [5, "1234567", None])
    def test_items_that_are_not_ratings(self, items: object) -> None:
        """A number, a string or None is not a set of ratings."""
        with pytest.raises(pm.WrongTypeError):
            score_dundrum_3(items)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("min_rated", "error"),
        [
            (0, pm.ValidationError),
            (8, pm.ValidationError),
            (True, pm.WrongTypeError),
            (2.0, pm.WrongTypeError),
        ],
    )
    def test_min_rated_is_checked(self, min_rated: object, error: type[Exception]) -> None:
        """min_rated is an int from 1 to the item count."""
        with pytest.raises(error, match="min_rated"):
            score_dundrum_3([1] * 7, min_rated=min_rated)  # type: ignore[arg-type]

    def test_bands_must_be_heuristic_bands(self) -> None:
        """Anything but HeuristicBands (or None) is refused as bands."""
        with pytest.raises(pm.WrongTypeError, match="bands"):
            score_dundrum_3([1] * 7, bands=(3.0, 2.5))  # type: ignore[arg-type]


# --- heuristic bands ----------------------------------------------------------------------


class TestHeuristicBands:
    def test_a_custom_scheme_is_accepted(self) -> None:
        """Strictly decreasing thresholds in (0, 4] and one more label are accepted."""
        bands = HeuristicBands(
            name="three bands", source="local", thresholds=[3, 1.25], labels=["a", "b", "c"]
        )
        assert ((3, 1.25), ("a", "b", "c")) == (bands.thresholds, bands.labels)
        assert ["a", "b", "b", "c"] == [bands.band_for(m).label for m in (4.0, 3.0 - 1e-9, 1.25, 0)]

    @pytest.mark.parametrize(
        "thresholds", [(2.5, 3.0), (2.5, 2.5), (3.0, 1.0, 2.0)], ids=["rising", "equal", "mixed"]
    )
    def test_thresholds_must_strictly_decrease(self, thresholds: tuple[float, ...]) -> None:
        """Thresholds that rise or repeat are refused."""
        labels = tuple(f"b{i}" for i in range(len(thresholds) + 1))
        with pytest.raises(pm.ValidationError, match="below the one before"):
            HeuristicBands(name="x", source="y", thresholds=thresholds, labels=labels)

    @pytest.mark.parametrize("threshold", [0, -1.0, 4.5, math.nan, math.inf])
    def test_thresholds_lie_above_0_and_at_most_4(self, threshold: float) -> None:
        """A threshold no mean can fall below, or none can reach, is refused."""
        with pytest.raises(pm.ValidationError) as caught:
            HeuristicBands(name="x", source="y", thresholds=(threshold,), labels=("a", "b"))
        assert ["HeuristicBands.thresholds[0]"] == paths(caught)

    @pytest.mark.parametrize("threshold", [True, "2.5", None])
    def test_thresholds_are_numbers(self, threshold: object) -> None:
        """A bool or text threshold is a wrong type."""
        with pytest.raises(pm.WrongTypeError):
            HeuristicBands(name="x", source="y", thresholds=(threshold,), labels=("a", "b"))  # type: ignore[arg-type]

    def test_at_least_one_threshold(self) -> None:
        """A scheme with no thresholds is refused."""
        with pytest.raises(pm.ValidationError, match="at least one threshold"):
            HeuristicBands(name="x", source="y", thresholds=(), labels=("a",))

    def test_one_more_label_than_thresholds(self) -> None:
        """Two thresholds need three labels."""
        with pytest.raises(pm.ValidationError, match="3 labels"):
            HeuristicBands(name="x", source="y", thresholds=(3.0, 2.0), labels=("a", "b"))

    def test_labels_are_unique_and_not_blank(self) -> None:
        """A repeated or blank label is refused."""
        with pytest.raises(pm.ValidationError) as caught:
            HeuristicBands(name="x", source="y", thresholds=(3.0, 2.0), labels=("a", " ", "a"))
        assert ["HeuristicBands.labels[1]", "HeuristicBands.labels[2]"] == paths(caught)

    @pytest.mark.parametrize("mean", [-0.1, 4.1, math.nan])
    def test_band_for_refuses_impossible_means(self, mean: float) -> None:
        """A mean item score outside 0-4 has no band."""
        with pytest.raises(pm.ValidationError):
            DEFAULT_D3_BANDS.band_for(mean)

    def test_defaults_are_valid_and_distinct(self) -> None:
        """The shipped D-3 thresholds are 3.0, 2.5 and 1.5; the schemes are named apart."""
        assert (3.0, 2.5, 1.5) == DEFAULT_D3_BANDS.thresholds
        assert (3.0, 2.0, 1.0) == DEFAULT_D4_BANDS.thresholds
        assert DEFAULT_D3_BANDS.name != DEFAULT_D4_BANDS.name

    def test_band_results_cannot_claim_not_to_be_heuristic(self) -> None:
        """heuristic is not an argument: every band result is a heuristic."""
        with pytest.raises(TypeError):
            BandResult(label="a", position=0, scheme="s", source="t", heuristic=False)  # type: ignore[call-arg]

    @given(heuristic_bands(), st.floats(0, 4), st.floats(0, 4))
    def test_band_is_monotone_in_the_mean(self, bands: HeuristicBands, a: float, b: float) -> None:
        """A higher mean never falls in a lower-need band than a lower mean."""
        low, high = sorted((a, b))
        assert bands.band_for(high).position <= bands.band_for(low).position


class TestPlacementBand:
    def test_for_level_inverts_level(self) -> None:
        """Each placement is found again from its level."""
        assert list(PlacementBand) == [PlacementBand.for_level(b.level) for b in PlacementBand]

    @pytest.mark.parametrize(
        ("level", "error"),
        [(5, pm.ValidationError), (True, pm.WrongTypeError), (2.0, pm.WrongTypeError)],
    )
    def test_for_level_refuses_other_values(self, level: object, error: type[Exception]) -> None:
        """Only the ints 0 to 4 are levels."""
        with pytest.raises(error):
            PlacementBand.for_level(level)  # type: ignore[arg-type]

    def test_codes(self) -> None:
        """Each member's value is its code."""
        assert [
            "high_secure",
            "medium_secure",
            "low_secure_or_picu",
            "open_setting",
            "community",
        ] == [band.value for band in PlacementBand]


# --- properties of single records ---------------------------------------------------------


class TestScoreProperties:
    @given(instruments_and_ratings())
    def test_totals_within_range_and_mean_is_total_over_rated(
        self, case: tuple[DundrumInstrument, list[int | None]]
    ) -> None:
        """0 <= total <= 4 x rated; mean = total / rated; prorated = mean x items."""
        instrument, ratings = case
        rated = sum(r is not None for r in ratings)
        result = score(instrument, ratings, min_rated=rated)
        assert rated == result.rated
        assert 0 <= result.total <= 4 * rated <= instrument.highest_total
        assert sum(r for r in ratings if r is not None) == result.total
        assert result.total / rated == result.mean
        assert 0 <= result.mean <= 4
        assert math.isclose(result.mean * instrument.item_count, result.prorated_total)
        assert tuple(ratings) == result.ratings

    @given(st.data())
    def test_complete_totals_equal_prorated(self, data: st.DataObject) -> None:
        """With every item rated, the prorated total is the total exactly."""
        instrument = data.draw(instruments)
        result = score(instrument, data.draw(complete_ratings(instrument)))
        assert float(result.total) == result.prorated_total
        assert result.complete

    @given(partial_ratings(DUNDRUM_1))
    def test_mostly_is_the_most_secure_mode(self, ratings: list[int | None]) -> None:
        """The placement level is a most common rating, and the highest such."""
        result = score_dundrum_1(ratings, min_rated=1)
        counts = [ratings.count(level) for level in range(5)]
        modes = [level for level, count in enumerate(counts) if count == max(counts)]
        assert max(modes) == result.mostly
        assert (len(modes) > 1) == result.tie_broken
        assert PlacementBand.for_level(max(modes)) == result.placement_band

    @given(st.data())
    def test_band_monotone_in_scores(self, data: st.DataObject) -> None:
        """Raising any ratings never moves the D-3/D-4 band toward less need."""
        instrument = data.draw(st.sampled_from([DUNDRUM_3, DUNDRUM_4]))
        bands = data.draw(st.sampled_from([DEFAULT_D3_BANDS, DEFAULT_D4_BANDS]) | heuristic_bands())
        lower = data.draw(complete_ratings(instrument))
        raises = data.draw(st.lists(st.integers(0, 4), min_size=len(lower), max_size=len(lower)))
        higher = [min(4, r + up) for r, up in zip(lower, raises, strict=True)]  # type: ignore[operator]
        low_band = score(instrument, lower, bands=bands).band
        high_band = score(instrument, higher, bands=bands).band
        assert high_band.position <= low_band.position

    @given(st.data())
    def test_every_band_result_is_labelled_heuristic(self, data: st.DataObject) -> None:
        """Every D-3/D-4 band result carries heuristic=True and its scheme's name."""
        instrument = data.draw(st.sampled_from([DUNDRUM_3, DUNDRUM_4]))
        result = score(instrument, data.draw(complete_ratings(instrument)))
        default = DEFAULT_D3_BANDS if instrument is DUNDRUM_3 else DEFAULT_D4_BANDS
        assert result.band.heuristic
        assert (default.name, default.source) == (result.band.scheme, result.band.source)


class TestValueObjects:
    @pytest.mark.parametrize(
        "cls",
        [DundrumInstrument, HeuristicBands, BandResult, Dundrum1Score, DundrumScore],
    )
    def test_frozen_slotted_keyword_only(self, cls: type) -> None:
        """Results and schemes are immutable, slotted, and take keyword arguments only."""
        assert "__slots__" in vars(cls)
        assert all(field.kw_only for field in attrs.fields(cls) if field.init)

    def test_scores_pickle(self) -> None:
        """A score survives pickling, e.g. to a worker process."""
        result = score_dundrum_3([3, 2, 2, 3, 2, 2, 1])
        assert result == pickle.loads(pickle.dumps(result))

    def test_score_repr_names_the_instrument_briefly(self) -> None:
        """The repr shows the instrument's name, not all its metadata."""
        assert repr(score_dundrum_2([1] * 6)).startswith("DundrumScore(instrument=DUNDRUM-2,")


# --- batches of records -------------------------------------------------------------------


class TestRecords:
    def test_tidy_rows_with_kept_fields(self) -> None:
        """Each record gives a row: position, kept fields, then the score columns."""
        records = [
            {"id": "A", **record(DUNDRUM_3, [3, 3, 3, 3, 3, 4, 3])},
            {"id": "B", **record(DUNDRUM_3, [1, 1, 1, 1, 0, 1, 1])},
        ]
        batch = score_dundrum_records(records, instrument=3, keep=("id",))
        assert ["row", "id", *SCORE_COLUMNS] == list(batch.rows[0])
        assert {
            "row": 1,
            "id": "B",
            "total": 6,
            "rated": 7,
            "mean": 6 / 7,
            "prorated_total": 6.0,
            "band": "pre-discharge/community",
            "band_heuristic": True,
            "band_scheme": DEFAULT_D3_BANDS.name,
        } == batch.rows[1]

    def test_dundrum_1_rows_carry_the_placement_code(self) -> None:
        """The D-1 band column holds the placement code; band_heuristic flags a tie."""
        batch = score_dundrum_records(
            [
                record(DUNDRUM_1, [4, 4, 4, 4, 4, 4, 3, 3, 2, 1, 0]),
                record(DUNDRUM_1, [3, 3, 3, 3, 2, 2, 2, 2, 4, 4, 1]),
            ],
            instrument=1,
        )
        assert [("high_secure", False), ("medium_secure", True)] == [
            (row["band"], row["band_heuristic"]) for row in batch.rows
        ]
        assert {"DUNDRUM-1 mostly-scores placement"} == {row["band_scheme"] for row in batch.rows}

    def test_dundrum_2_rows_have_no_band_by_default(self) -> None:
        """Without bands, the band columns are None."""
        batch = score_dundrum_records([record(DUNDRUM_2, [1] * 6)], instrument=2)
        row = batch.rows[0]
        assert (None, None, None) == (row["band"], row["band_heuristic"], row["band_scheme"])

    @pytest.mark.parametrize("key", [3, "dundrum_3", "DUNDRUM-3", DUNDRUM_3])
    def test_instrument_by_number_code_name_or_itself(self, key: object) -> None:
        """The instrument is named by its number, code, name, or the object."""
        batch = score_dundrum_records([record(DUNDRUM_3, [2] * 7)], instrument=key)  # type: ignore[arg-type]
        assert 14 == batch.rows[0]["total"]

    @pytest.mark.parametrize("key", [5, 0, "dundrum_5", "honos"])
    def test_unknown_instrument(self, key: object) -> None:
        """An instrument that does not exist is an UnknownCodeError."""
        with pytest.raises(pm.UnknownCodeError):
            score_dundrum_records([], instrument=key)  # type: ignore[arg-type]

    @pytest.mark.parametrize("key", [True, 3.0, None])
    def test_instrument_of_the_wrong_type(self, key: object) -> None:
        """A bool, float or None is not an instrument."""
        with pytest.raises(pm.WrongTypeError):
            score_dundrum_records([], instrument=key)  # type: ignore[arg-type]

    def test_dundrum_1_takes_no_bands(self) -> None:
        """Its placement follows the mostly-scores rule, so bands are refused."""
        with pytest.raises(pm.ValidationError, match="mostly-scores"):
            score_dundrum_records([], instrument=1, bands=DEFAULT_D3_BANDS)

    def test_custom_bands(self) -> None:
        """A caller's scheme bands every row."""
        bands = HeuristicBands(name="split", source="local", thresholds=(2.0,), labels=("x", "y"))
        batch = score_dundrum_records(
            [record(DUNDRUM_4, [2] * 6), record(DUNDRUM_4, [1] * 6)], instrument=4, bands=bands
        )
        assert [("x", "split"), ("y", "split")] == [
            (row["band"], row["band_scheme"]) for row in batch.rows
        ]

    def test_invalid_rows_raise_with_row_paths(self) -> None:
        """By default one error lists each problem as $[row].field."""
        good = record(DUNDRUM_3, [2] * 7)
        with pytest.raises(pm.ValidationError) as caught:
            score_dundrum_records(
                [good, {**good, "d3_4": 7}, good, {**good, "d3_1": None}], instrument=3
            )
        assert ["$[1].d3_4", "$[3]"] == paths(caught)

    def test_collect_returns_problems_beside_rows(self) -> None:
        """With on_error='collect', valid rows are scored and problems returned per row."""
        good = record(DUNDRUM_4, [2] * 6)
        batch = score_dundrum_records(
            [good, {**good, "d4_2": "x"}, "not a record", good],  # type: ignore[list-item]
            instrument=4,
            on_error="collect",
        )
        assert [0, 3] == [row["row"] for row in batch.rows]
        assert [(1, "d4_2", "str"), (2, "", "str")] == [
            (p.row, p.field, p.found) for p in batch.problems
        ]

    def test_min_rated_in_batches(self) -> None:
        """min_rated lets partially rated records through, with their rated count."""
        batch = score_dundrum_records(
            [record(DUNDRUM_2, [2, 2, None, 2, 2, 2])], instrument=2, min_rated=5
        )
        assert (10, 5, 2.0, 12.0) == tuple(
            batch.rows[0][c] for c in ("total", "rated", "mean", "prorated_total")
        )

    @given(st.data())
    def test_batch_and_single_agree(self, data: st.DataObject) -> None:
        """Each row holds exactly the single-record function's scores."""
        instrument = data.draw(instruments)
        many = data.draw(st.lists(partial_ratings(instrument), max_size=8))
        batch = score_dundrum_records(
            [record(instrument, r) for r in many],
            instrument=instrument,
            min_rated=1,
        )
        for row, ratings in zip(batch.rows, many, strict=True):
            single = score(instrument, ratings, min_rated=1)
            assert (single.total, single.rated, single.mean, single.prorated_total) == (
                row["total"],
                row["rated"],
                row["mean"],
                row["prorated_total"],
            )
            if isinstance(single, Dundrum1Score):
                assert (single.placement_band.value, single.tie_broken) == (
                    row["band"],
                    row["band_heuristic"],
                )
            elif single.band is None:
                assert row["band"] is None
            else:
                assert (single.band.label, single.band.scheme) == (row["band"], row["band_scheme"])

    @given(st.data())
    def test_every_record_is_a_row_or_a_problem(self, data: st.DataObject) -> None:
        """Nothing is scored silently: invalid records give problems, not rows."""
        instrument = data.draw(instruments)
        values = st.none() | st.integers(-2, 6) | st.booleans() | st.floats(0, 4)
        n = instrument.item_count
        many = data.draw(st.lists(st.lists(values, min_size=n, max_size=n), max_size=8))
        batch = score_dundrum_records(
            [record(instrument, r) for r in many], instrument=instrument, on_error="collect"
        )
        scored = {row["row"] for row in batch.rows}
        refused = {problem.row for problem in batch.problems}
        assert set(range(len(many))) == scored | refused
        assert not scored & refused
        for index in scored:
            assert all(type(v) is int and 0 <= v <= 4 for v in many[index])


# --- data frames --------------------------------------------------------------------------


class TestFrames:
    def test_scores_have_the_same_index(self) -> None:
        """The result is indexed like the input, with the score columns."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame(
            [record(DUNDRUM_3, [3] * 7), record(DUNDRUM_3, [1] * 7)], index=["p1", "p2"]
        )
        scores = score_dundrum_frame(frame, instrument=3)
        assert ["p1", "p2"] == list(scores.index)
        assert SCORE_COLUMNS == list(scores.columns)
        assert [21, 7] == scores["total"].tolist()
        assert ["acute/high secure", "pre-discharge/community"] == scores["band"].tolist()

    def test_nan_is_not_rated_and_whole_floats_are_ratings(self) -> None:
        """pandas stores gaps as NaN beside floats: NaN is not rated, 3.0 is the rating 3."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame(
            [record(DUNDRUM_2, [3, None, 3, 3, 3, 3]), record(DUNDRUM_2, [1, 2, 1, 1, 1, 1])]
        )
        assert "float64" == str(frame["d2_2"].dtype)
        scores = score_dundrum_frame(frame, instrument=2, min_rated=5)
        assert [15, 7] == scores["total"].tolist()
        assert [5, 6] == scores["rated"].tolist()

    def test_nullable_integer_columns(self) -> None:
        """Int64 columns with pd.NA read as ratings and not rated."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame(
            {code: pd.array([2, None], dtype="Int64") for code in DUNDRUM_4.item_codes}
        )
        scores = score_dundrum_frame(frame, instrument=4, on_error="collect")
        assert 12 == scores["total"].iloc[0]
        assert pd.isna(scores["total"].iloc[1])

    def test_collect_gives_na_scores_and_a_problems_column(self) -> None:
        """Invalid rows get NA scores and say what is wrong; valid rows have no problems ("")."""
        pd = pytest.importorskip("pandas")
        rows = [record(DUNDRUM_3, [2] * 7), {**record(DUNDRUM_3, [2] * 7), "d3_4": 2.5}]
        scores = score_dundrum_frame(pd.DataFrame(rows), instrument=3, on_error="collect")
        assert "" == scores["problems"].iloc[0]
        assert pd.isna(scores["total"].iloc[1])
        assert (
            "d3_4: expected a rating 0-4 (int), or None for not rated; found 2.5 (float)"
            == scores["problems"].iloc[1]
        )

    def test_raise_lists_problems_capped_with_a_count(self) -> None:
        """Refusing a frame lists the first 100 problems and counts the rest."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame([record(DUNDRUM_2, [5, 1, 1, 1, 1, 1])] * 105)
        with pytest.raises(pm.ValidationError) as caught:
            score_dundrum_frame(frame, instrument=2)
        problems = caught.value.problems
        assert (100, 105) == (len(problems), caught.value.total)
        assert "$[99].d2_1" == problems[99].path
        assert "100 of 105 problems shown:" == str(caught.value).splitlines()[0]

    def test_a_missing_column_is_a_problem_in_every_row(self) -> None:
        """Without column d3_7 every row is refused, the same as records without the key."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame([record(DUNDRUM_3, [1] * 7)] * 2).drop(columns=["d3_7"])
        with pytest.raises(pm.ValidationError) as caught:
            score_dundrum_frame(frame, instrument=3)
        assert ["$[0].d3_7", "$[1].d3_7"] == paths(caught)

    def test_a_repeated_item_column_is_refused(self) -> None:
        """Two columns named d4_1 are ambiguous."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame([[1] * 7], columns=[*DUNDRUM_4.item_codes, "d4_1"])
        with pytest.raises(pm.ValidationError, match="one column"):
            score_dundrum_frame(frame, instrument=4)

    def test_an_empty_frame(self) -> None:
        """No rows in, no rows out, with the score columns and their dtypes."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame({code: pd.Series([], dtype="int64") for code in DUNDRUM_1.item_codes})
        scores = score_dundrum_frame(frame, instrument=1)
        assert 0 == len(scores)
        assert "Int64" == str(scores["total"].dtype)

    def test_refuses_what_is_not_a_frame(self) -> None:
        """A list of records belongs to score_dundrum_records, not the frame form."""
        pytest.importorskip("pandas")
        with pytest.raises(pm.WrongTypeError, match="DataFrame"):
            score_dundrum_frame([record(DUNDRUM_3, [1] * 7)], instrument=3)

    def test_refuses_an_unknown_error_choice(self) -> None:
        """on_error is 'raise' or 'collect'."""
        pd = pytest.importorskip("pandas")
        with pytest.raises(pm.WrongTypeError):
            score_dundrum_frame(pd.DataFrame(), instrument=3, on_error="skip")  # type: ignore[arg-type]

    @given(st.data())
    def test_frame_agrees_with_records(self, data: st.DataObject) -> None:
        """Scoring a frame gives the scores and problems of scoring its rows as records."""
        pd = pytest.importorskip("pandas")
        instrument = data.draw(instruments)
        n = instrument.item_count
        values = st.none() | st.integers(-1, 5)
        many = data.draw(st.lists(st.lists(values, min_size=n, max_size=n), max_size=8))
        records = [record(instrument, r) for r in many]
        frame = pd.DataFrame(records, columns=list(instrument.item_codes), dtype=object)
        scores = score_dundrum_frame(frame, instrument=instrument, min_rated=2, on_error="collect")
        batch = score_dundrum_records(
            records, instrument=instrument, min_rated=2, on_error="collect"
        )
        by_row = {row["row"]: row for row in batch.rows}
        refused = {problem.row for problem in batch.problems}
        for position in range(len(many)):
            got = scores.iloc[position]
            if position in refused:
                assert pd.isna(got["total"])
                assert "" != got["problems"]
            else:
                expected = by_row[position]
                actual = [None if pd.isna(got[c]) else got[c] for c in SCORE_COLUMNS]
                assert [expected[c] for c in SCORE_COLUMNS] == actual
                assert "" == got["problems"]


class TestOptionalDependencies:
    def test_core_imports_without_pandas_or_numpy(self) -> None:
        """The DUNDRUM scorers import and run with pandas and numpy unavailable."""
        code = (
            "import sys; sys.modules['pandas'] = None; sys.modules['numpy'] = None\n"
            "from pathway_model.scoring._dundrum import score_dundrum_3\n"
            "print(score_dundrum_3([2] * 7).total)"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert ("14\n", 0) == (done.stdout, done.returncode)
