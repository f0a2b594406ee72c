"""Pictures: a person's timeline and a cohort's length of stay, drawn headless."""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.plot import (
    PlottingUnavailableError,
    _steps,
    plot_length_of_stay,
    plot_timeline,
)
from pathway_model.scoring import cohort_report, kaplan_meier
from pathway_model.synthetic import CohortParameters, synthetic_cohort
from tests.scenarios import MEDIUM_ALL_PARTLY, SIMPLE, incident, record, review

D = dt.date
AS_OF = D(2025, 3, 1)
NOT_SAFE_YET = {**MEDIUM_ALL_PARTLY, "harm_related_behaviours": "not_met"}
LOW_TEAM = {
    "mental_health_recovery": "met",
    "harm_related_behaviours": "met",
    "substance_misuse": "partly_met",
    "future_plans": "partly_met",
    "life_skills": "partly_met",
}


@pytest.fixture
def headless() -> None:
    """Draw with the Agg backend; skip where matplotlib is not installed."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")


@pytest.fixture(scope="module")
def cohort() -> tuple[pm.Pathway, ...]:
    """A small synthetic cohort."""
    return synthetic_cohort(CohortParameters(people_in_care=60), seed=11, as_of=AS_OF)


def medium_then_low() -> pm.Pathway:
    """Medium secure (ready 1 Aug to 1 Oct 2024), then low secure from 3 February 2025.

    Medium secure asks for three domains partly met for 3 months, with no moderate
    violence in the last 3 months. Reviews on 2 April and 2 July qualify, but violence
    on 1 May holds readiness back to 1 August; the review on 1 October does not qualify,
    which ends the run; the one on 2 December starts a new streak, too late to count
    before the move. In low secure the person gives no view on 20 February, so that
    review does not qualify (low secure needs their agreement).
    """
    return record(
        SECURE_PATHWAY,
        [("medium_secure", D(2024, 1, 8), D(2025, 2, 3)), ("low_secure", D(2025, 2, 3), None)],
        reviews=(
            review("r1", D(2024, 4, 2), MEDIUM_ALL_PARTLY),
            review("r2", D(2024, 7, 2), MEDIUM_ALL_PARTLY),
            review("r3", D(2024, 10, 1), NOT_SAFE_YET),
            review("r4", D(2024, 12, 2), MEDIUM_ALL_PARTLY),
            review("r5", D(2025, 2, 20), LOW_TEAM),
        ),
        incidents=(
            incident("i1", D(2024, 5, 1), "violence", "moderate"),
            incident("i2", D(2024, 11, 1), "self_harm", "minor"),
            incident("i3", D(2025, 3, 15), "violence", "minor"),  # after as_of
        ),
    )


def by_gid(ax: Any, gid: str) -> list[Any]:
    """The artists of ``ax`` with ``gid``."""
    return [artist for artist in ax.get_children() if artist.get_gid() == gid]


def points(ax: Any, gid: str) -> int:
    """The number of points in the one collection with ``gid``."""
    (collection,) = by_gid(ax, gid)
    return len(collection.get_offsets())


def day_number(day: dt.date) -> float:
    from matplotlib.dates import date2num

    return float(date2num(day))


@pytest.mark.usefixtures("headless")
class TestTimeline:
    def test_each_ready_run_is_one_shaded_span(self) -> None:
        """The one ready run (1 August to 1 October 2024) is shaded from start to end."""
        ax = plot_timeline(medium_then_low(), as_of=AS_OF)
        (span,) = by_gid(ax, "ready-run")
        assert (day_number(D(2024, 8, 1)), day_number(D(2024, 10, 1))) == pytest.approx(
            (span.get_x(), span.get_x() + span.get_width())
        )

    def test_reviews_are_marked_met_or_not_met(self) -> None:
        """Three reviews met the stage's criteria and two did not."""
        ax = plot_timeline(medium_then_low(), as_of=AS_OF)
        assert (3, 2) == (points(ax, "reviews-met"), points(ax, "reviews-not-met"))

    def test_each_incident_up_to_as_of_is_one_marker(self) -> None:
        """The two incidents on or before as_of are marked; the later one is not."""
        ax = plot_timeline(medium_then_low(), as_of=AS_OF)
        assert 2 == points(ax, "incidents")

    def test_the_step_line_follows_the_stages(self) -> None:
        """The stage line runs at medium secure's rank, then low secure's, up to as_of."""
        ax = plot_timeline(medium_then_low(), as_of=AS_OF)
        (line,) = by_gid(ax, "stages")
        assert [3, 3, 2, 2] == list(line.get_ydata())
        assert day_number(AS_OF) == line.get_xdata()[-1]

    def test_as_of_is_a_dashed_line(self) -> None:
        """A dashed line marks as_of."""
        ax = plot_timeline(medium_then_low(), as_of=AS_OF)
        (line,) = by_gid(ax, "as-of")
        assert ([day_number(AS_OF)] * 2, "--") == (list(line.get_xdata()), line.get_linestyle())

    def test_stages_are_labelled_by_name(self) -> None:
        """The vertical axis names each stage of the definition."""
        ax = plot_timeline(medium_then_low(), as_of=AS_OF)
        labels = [label.get_text() for label in ax.get_yticklabels()]
        assert ["Discharged", "Community", "Low secure", "Medium secure", "High secure"] == labels

    def test_a_new_figure_has_a_fixed_size(self) -> None:
        """Without axes given, a 10 x 4 inch figure at 100 dpi is made."""
        ax = plot_timeline(medium_then_low(), as_of=AS_OF)
        assert ([10.0, 4.0], 100) == (list(ax.figure.get_size_inches()), ax.figure.dpi)

    def test_it_draws_on_axes_given(self) -> None:
        """Axes passed in are drawn on and returned."""
        from matplotlib.figure import Figure

        given_axes = Figure().add_subplot()
        assert given_axes is plot_timeline(medium_then_low(), as_of=AS_OF, ax=given_axes)

    def test_synthetic_records_show_every_run_and_incident(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """For generated records, spans equal ready runs, and markers the person's incidents
        and, apart, the restrictive interventions done to them."""
        shown = []
        expected = []
        for pathway in cohort[:40]:
            ax = plot_timeline(pathway, as_of=AS_OF)
            done_to = by_gid(ax, "restrictive-interventions")
            shown.append(
                (
                    len(by_gid(ax, "ready-run")),
                    points(ax, "incidents"),
                    points(ax, "restrictive-interventions") if done_to else 0,
                )
            )
            runs = sum(len(stay.runs) for stay in pm.readiness_history(pathway, AS_OF))
            known = [i for i in pathway.incidents if i.date <= AS_OF]
            restrictive = sum(i.kind.done_to_person for i in known)
            expected.append((runs, len(known) - restrictive, restrictive))
        assert expected == shown
        assert any(runs for runs, _, _ in expected)
        assert any(restrictive for _, _, restrictive in expected)

    def test_as_of_before_the_record_is_refused(self) -> None:
        """A date before the record begins raises ValidationError."""
        with pytest.raises(pm.ValidationError):
            plot_timeline(medium_then_low(), as_of=D(2023, 1, 1))

    def test_a_datetime_is_refused(self) -> None:
        """as_of must be a date."""
        with pytest.raises(pm.WrongTypeError):
            plot_timeline(medium_then_low(), as_of=dt.datetime(2025, 3, 1))  # type: ignore[arg-type]

    def test_axes_of_another_kind_are_refused(self) -> None:
        """Only matplotlib axes can be drawn on."""
        with pytest.raises(pm.WrongTypeError):
            plot_timeline(medium_then_low(), as_of=AS_OF, ax="axes")  # type: ignore[arg-type]


def medium_stays() -> list[pm.Pathway]:
    """Three medium secure stays: 100 days (ended), 200 days (open), 300 days (ended)."""
    return [
        record(SECURE_PATHWAY, [("medium_secure", D(2020, 1, 1), D(2020, 4, 10))]),
        record(SECURE_PATHWAY, [("medium_secure", D(2020, 1, 1), D(2020, 10, 27))]),
        record(SECURE_PATHWAY, [("medium_secure", AS_OF - dt.timedelta(days=200), None)]),
    ]


@pytest.mark.usefixtures("headless")
class TestLengthOfStay:
    def test_open_stays_are_censored_not_dropped(self) -> None:
        """Kaplan-Meier: 2/3 still in after 100 days, none after 300; the open stay counts."""
        ax = plot_length_of_stay(medium_stays(), as_of=AS_OF)
        (curve,) = by_gid(ax, "km-medium_secure")
        assert [0, 100 / 365.25, 300 / 365.25] == pytest.approx(list(curve.get_xdata()))
        assert [1, 2 / 3, 0] == pytest.approx(list(curve.get_ydata()))
        assert "Medium secure: 3 stays, median 0.8 years" == curve.get_label()

    def test_there_is_one_curve_per_stage_with_stays(self, cohort: tuple[pm.Pathway, ...]) -> None:
        """Each stage with exit criteria and stays gets its curve."""
        ax = plot_length_of_stay(cohort, as_of=AS_OF)
        curves = {artist.get_gid() for artist in ax.get_lines() if artist.get_gid()}
        stages = {pl.stage for p in cohort for pl in p.placements}
        assert {f"km-{stage}" for stage in stages} <= curves

    def test_long_stay_thresholds_are_marked(self) -> None:
        """Medium secure's long-stay threshold (5 years) is a dotted line."""
        ax = plot_length_of_stay(medium_stays(), as_of=AS_OF)
        (line,) = by_gid(ax, "long-stay-medium_secure")
        assert 5.0 == pytest.approx(line.get_xdata()[0], abs=0.01)

    def test_since_keeps_only_stays_begun_from_that_date(self) -> None:
        """Stays begun before ``since`` are left out."""
        ax = plot_length_of_stay(medium_stays(), as_of=AS_OF, since=D(2021, 1, 1))
        (curve,) = by_gid(ax, "km-medium_secure")
        assert curve.get_label().startswith("Medium secure: 1 stays")

    def test_a_stay_begun_on_as_of_is_not_counted(self) -> None:
        """As in the cohort report, a stay counts if it began before ``as_of``."""
        today = record(SECURE_PATHWAY, [("medium_secure", AS_OF, None)])
        ax = plot_length_of_stay([*medium_stays(), today], as_of=AS_OF)
        (curve,) = by_gid(ax, "km-medium_secure")
        assert curve.get_label().startswith("Medium secure: 3 stays")

    @pytest.mark.parametrize("since", [None, D(2022, 1, 1)])
    def test_each_curve_is_the_cohort_reports_length_of_stay(
        self, cohort: tuple[pm.Pathway, ...], since: dt.date | None
    ) -> None:
        """Curve, stay count and median are those of ``cohort_report`` for the same dates."""
        ax = plot_length_of_stay(cohort, as_of=AS_OF, since=since)
        report = cohort_report(cohort, as_of=AS_OF, since=since)
        curves = [line for line in ax.get_lines() if str(line.get_gid()).startswith("km-")]
        assert len(curves) >= 3
        for curve in curves:
            stage = SECURE_PATHWAY.stage(str(curve.get_gid()).removeprefix("km-"))
            estimate = report.group(None, stage.code).length_of_stay
            points = _steps(estimate)
            assert [day / 365.25 for day, _ in points] == pytest.approx(list(curve.get_xdata()))
            assert [share for _, share in points] == list(curve.get_ydata())
            median = estimate.median
            middle = "not reached" if median is None else f"{median / 365.25:.1f} years"
            stays = estimate.at_risk[0]
            assert f"{stage.name}: {stays:,} stays, median {middle}" == curve.get_label()

    def test_records_on_different_definitions_are_refused(self) -> None:
        """A cohort must follow one definition."""
        other = record(SIMPLE, [("ward", D(2020, 1, 1), None)])
        with pytest.raises(pm.ValidationError):
            plot_length_of_stay([*medium_stays(), other], as_of=AS_OF)

    def test_an_item_that_is_not_a_record_is_refused(self) -> None:
        """Every item must be a Pathway."""
        with pytest.raises(pm.WrongTypeError):
            plot_length_of_stay([*medium_stays(), "P-1"], as_of=AS_OF)  # type: ignore[list-item]

    def test_no_stays_gives_an_empty_chart(self) -> None:
        """With no records, the chart says there is nothing to show."""
        ax = plot_length_of_stay([], as_of=AS_OF)
        assert ["No stays to show"] == [text.get_text() for text in ax.texts]


stays_strategy = st.lists(st.tuples(st.integers(0, 3_000), st.booleans()), max_size=60)


def steps_of(stays: list[tuple[int, bool]]) -> list[tuple[int, float]]:
    days = [days for days, _ in stays]
    return _steps(kaplan_meier(days, [ended for _, ended in stays]))


class TestSteps:
    """The drawn curve: the shared Kaplan-Meier estimate as step points."""

    @given(stays_strategy)
    def test_the_share_never_rises_and_stays_between_0_and_1(
        self, stays: list[tuple[int, bool]]
    ) -> None:
        """The curve starts at 1 and only falls, never below 0."""
        shares = [share for _, share in steps_of(stays)]
        assert 1.0 == shares[0]
        assert all(0 <= later <= earlier for earlier, later in itertools.pairwise(shares))

    @given(st.lists(st.integers(1, 3_000), min_size=1, max_size=60))
    def test_without_censoring_it_is_the_share_still_in(self, lengths: list[int]) -> None:
        """When every stay ended, the share after a day is the share of longer stays."""
        curve = dict(steps_of([(length, True) for length in lengths]))
        expected = {day: sum(length > day for length in lengths) / len(lengths) for day in curve}
        assert expected == pytest.approx(curve)

    @given(st.lists(st.integers(0, 3_000), max_size=60))
    def test_with_every_stay_open_nobody_has_left(self, lengths: list[int]) -> None:
        """Censored stays never count as departures."""
        assert all(1.0 == share for _, share in steps_of([(n, False) for n in lengths]))

    @given(stays_strategy.filter(bool))
    def test_the_curve_runs_to_the_longest_stay(self, stays: list[tuple[int, bool]]) -> None:
        """The last point is at the longest stay, ended or open."""
        assert max(days for days, _ in stays) == steps_of(stays)[-1][0]


def draw_timeline() -> object:
    return plot_timeline(medium_then_low(), as_of=AS_OF)


def draw_length_of_stay() -> object:
    return plot_length_of_stay(medium_stays(), as_of=AS_OF)


class TestWithoutMatplotlib:
    @pytest.mark.parametrize("draw", [draw_timeline, draw_length_of_stay])
    def test_a_clear_error_says_how_to_install_it(
        self, monkeypatch: pytest.MonkeyPatch, draw: Callable[[], object]
    ) -> None:
        """Without matplotlib, drawing raises an ImportError with the install command."""
        for name in [*sys.modules, "matplotlib", "matplotlib.axes", "matplotlib.figure"]:
            if name == "matplotlib" or name.startswith("matplotlib."):
                monkeypatch.setitem(sys.modules, name, None)
        with pytest.raises(PlottingUnavailableError) as caught:
            draw()
        assert 'pip install "pathway-model[plot]"' in str(caught.value)
        assert isinstance(caught.value, ImportError)
        assert isinstance(caught.value, pm.PathwayModelError)
