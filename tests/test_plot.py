"""Pictures: a timeline, length of stay, funnel plots and control charts, drawn headless."""

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
    _band,
    _steps,
    _year_ticks,
    plot_funnel,
    plot_length_of_stay,
    plot_spc,
    plot_timeline,
)
from pathway_model.scoring import KaplanMeier, cohort_report, kaplan_meier
from pathway_model.stats import Funnel, XmrChart, funnel, median_interval, xmr_chart
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

    def test_only_the_incident_that_resets_the_clock_is_ringed(self) -> None:
        """Moderate violence on 1 May 2024 resets medium secure's clock; minor self-harm does not.

        Medium secure's rule: violence or self-harm of moderate severity or worse holds
        readiness back for 3 months. So of the two incidents up to as_of, only the first
        is ringed, at its marker (medium secure's rank, 3, plus 0.3).
        """
        ax = plot_timeline(medium_then_low(), as_of=AS_OF)
        (rings,) = by_gid(ax, "clock-resets")
        ((x, y),) = rings.get_offsets().tolist()
        assert (day_number(D(2024, 5, 1)), 3.3) == pytest.approx((x, y))

    def test_the_legend_says_what_the_ring_means(self) -> None:
        """A legend entry, in words, says a ring marks an incident that resets the clock."""
        ax = plot_timeline(medium_then_low(), as_of=AS_OF)
        labels = [text.get_text() for text in ax.get_legend().get_texts()]
        assert "Ringed: incident that resets the readiness clock" in labels

    def test_without_a_resetting_incident_there_are_no_rings(self) -> None:
        """Minor incidents, below every rule's severity, reset nothing: no rings are drawn."""
        calm = record(
            SECURE_PATHWAY,
            [("medium_secure", D(2024, 1, 8), None)],
            incidents=(incident("i1", D(2024, 5, 1), "violence", "minor"),),
        )
        ax = plot_timeline(calm, as_of=AS_OF)
        assert ([], 1) == (by_gid(ax, "clock-resets"), points(ax, "incidents"))

    def test_more_serious_incidents_are_larger_as_well_as_darker(self) -> None:
        """Severity reads in greyscale too: the moderate incident's marker is the larger."""
        ax = plot_timeline(medium_then_low(), as_of=AS_OF)
        (markers,) = by_gid(ax, "incidents")
        moderate, minor = markers.get_sizes()
        assert moderate > minor

    def test_synthetic_records_ring_exactly_the_incidents_their_stay_rules_name(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """Rings fall on the incidents an incident rule of their stay's stage resets, only."""
        shown = []
        expected = []
        for pathway in cohort[:40]:
            ax = plot_timeline(pathway, as_of=AS_OF)
            rings = by_gid(ax, "clock-resets")
            shown.append(sorted(map(tuple, rings[0].get_offsets().tolist())) if rings else [])
            marked = []
            for event in pathway.incidents:
                stay = pathway.placement_on(event.date)
                if event.date > AS_OF or stay is None:
                    continue
                criteria = SECURE_PATHWAY.stage(stay.stage).exit_criteria
                rules = () if criteria is None else criteria.incident_rules
                if any(rule.resets(event.kind, event.severity) for rule in rules):
                    rank = SECURE_PATHWAY.stage(stay.stage).security_rank
                    marked.append((day_number(event.date), rank + 0.3))
            expected.append(sorted(marked))
        assert expected == shown
        assert any(expected)


def medium_stays() -> list[pm.Pathway]:
    """Three medium secure stays: 100 days (ended), 200 days (open), 300 days (ended)."""
    return [
        record(SECURE_PATHWAY, [("medium_secure", D(2020, 1, 1), D(2020, 4, 10))]),
        record(SECURE_PATHWAY, [("medium_secure", D(2020, 1, 1), D(2020, 10, 27))]),
        record(SECURE_PATHWAY, [("medium_secure", AS_OF - dt.timedelta(days=200), None)]),
    ]


def four_stays() -> list[pm.Pathway]:
    """Four medium secure stays, as of 1 March 2025, counted by hand.

    - 1 January to 1 March 2018: 59 days, ended;
    - 1 January 2019 to 1 February 2020: 396 days, ended;
    - 1 January 2019 to 1 June 2021: 882 days, ended;
    - from 1 March 2022, open: 1,096 days at as_of (365 + 366 + 365), the last observation.

    At the start of year 1 (365.25 days) three are still going on, at year 2 (730.5
    days) two, at year 3 (1,095.75 days) one: the open stay.
    """
    return [
        record(SECURE_PATHWAY, [("medium_secure", D(2018, 1, 1), D(2018, 3, 1))]),
        record(SECURE_PATHWAY, [("medium_secure", D(2019, 1, 1), D(2020, 2, 1))]),
        record(SECURE_PATHWAY, [("medium_secure", D(2019, 1, 1), D(2021, 6, 1))]),
        record(SECURE_PATHWAY, [("medium_secure", D(2022, 3, 1), None)]),
    ]


def band_at(band: Any, x: float) -> tuple[float, float]:
    """The lower and upper edges of a drawn step band at ``x`` (between two steps).

    The band is a polygon of horizontal and vertical edges: a vertical line at ``x``
    crosses one horizontal edge below and one above.
    """
    (path,) = band.get_paths()
    vertices = path.vertices.tolist()
    crossings = [
        start[1]
        for start, stop in itertools.pairwise([*vertices, vertices[0]])
        if start[1] == stop[1] and min(start[0], stop[0]) < x < max(start[0], stop[0])
    ]
    return min(crossings), max(crossings)


def lifelines_interval(stays: list[tuple[int, bool]], day: float) -> tuple[float, float]:
    """lifelines' 95% pointwise interval (its default, exponential Greenwood) at ``day``."""
    lifelines = pytest.importorskip("lifelines")
    fitter = lifelines.KaplanMeierFitter().fit(
        [days for days, _ in stays], [ended for _, ended in stays]
    )
    interval = fitter.confidence_interval_
    row = interval[interval.index <= day].iloc[-1]
    return float(row.iloc[0]), float(row.iloc[1])


def stays_of(records: list[pm.Pathway], stage: str) -> list[tuple[int, bool]]:
    """The (days, ended) of each stay in ``stage`` as the chart counts them up to AS_OF."""
    found = []
    for pathway in records:
        for placement in pathway.placements:
            if placement.stage != stage or placement.start >= AS_OF:
                continue
            ended = placement.end is not None and placement.end <= AS_OF
            stop = placement.end if ended and placement.end is not None else AS_OF
            found.append(((stop - placement.start).days, ended))
    return found


@pytest.mark.usefixtures("headless")
class TestLengthOfStay:
    def test_open_stays_are_censored_not_dropped(self) -> None:
        """Kaplan-Meier: 2/3 still in after 100 days, none after 300; the open stay counts.

        The median is 300 days (0.8 years). Its 95% interval, by hand: at 100 days the
        Greenwood sum is 1 / (3 x 2) = 1/6 and the lower log-log limit
        exp(-exp(log(-log 2/3) + 1.96 x sqrt(1/6) / -log 2/3)) = 0.054, already below
        one half, so the lower limit is 100 days (0.3 years); at 300 days every stay has
        ended and both limits are 0, so the upper limit is 300 days (0.8 years).
        """
        ax = plot_length_of_stay(medium_stays(), as_of=AS_OF)
        (curve,) = by_gid(ax, "km-medium_secure")
        assert [0, 100 / 365.25, 300 / 365.25] == pytest.approx(list(curve.get_xdata()))
        assert [1, 2 / 3, 0] == pytest.approx(list(curve.get_ydata()))
        expected = "Medium secure: 3 stays, median 0.8 years (95% CI 0.3 to 0.8)"
        assert expected == curve.get_label()

    def test_an_interval_with_no_limit_reached_says_so_once(self) -> None:
        """With every stay still open nothing falls to one half: median and interval not reached."""
        open_stays = [
            record(SECURE_PATHWAY, [("medium_secure", D(2024, 1, 1), None)]),
            record(SECURE_PATHWAY, [("medium_secure", D(2023, 1, 1), None)]),
        ]
        (curve,) = by_gid(plot_length_of_stay(open_stays, as_of=AS_OF), "km-medium_secure")
        expected = "Medium secure: 2 stays, median not reached (95% CI not reached)"
        assert expected == curve.get_label()

    def test_without_a_confidence_level_there_are_no_bands_nor_intervals(self) -> None:
        """confidence=None draws the curve alone, as before bands were drawn."""
        ax = plot_length_of_stay(medium_stays(), as_of=AS_OF, confidence=None)
        (curve,) = by_gid(ax, "km-medium_secure")
        assert ([], "Medium secure: 3 stays, median 0.8 years") == (
            by_gid(ax, "km-band-medium_secure"),
            curve.get_label(),
        )

    def test_there_is_one_curve_per_stage_with_stays(self, cohort: tuple[pm.Pathway, ...]) -> None:
        """Each stage with exit criteria and stays gets its curve."""
        ax = plot_length_of_stay(cohort, as_of=AS_OF)
        curves = {artist.get_gid() for artist in ax.get_lines() if artist.get_gid()}
        stages = {pl.stage for p in cohort for pl in p.placements}
        assert {f"km-{stage}" for stage in stages} <= curves

    def test_long_stay_thresholds_within_the_data_are_marked(self) -> None:
        """Medium secure's long-stay threshold (5 years) is a dotted line once a stay passes it."""
        long_stay = record(SECURE_PATHWAY, [("medium_secure", D(2018, 1, 1), None)])
        ax = plot_length_of_stay([*medium_stays(), long_stay], as_of=AS_OF)
        (line,) = by_gid(ax, "long-stay-medium_secure")
        assert (5.0, ":") == (pytest.approx(line.get_xdata()[0], abs=0.01), line.get_linestyle())

    def test_a_threshold_beyond_the_data_is_not_drawn(self) -> None:
        """With no stay near 5 years the threshold would stretch the axis: it is left out."""
        ax = plot_length_of_stay(medium_stays(), as_of=AS_OF)
        assert [] == by_gid(ax, "long-stay-medium_secure")

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
        curves = [
            line
            for line in ax.get_lines()
            if str(line.get_gid()).startswith("km-") and "band" not in str(line.get_gid())
        ]
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
            prefix = f"{stage.name}: {stays:,} stays, median {middle} (95% CI "
            assert curve.get_label().startswith(prefix)

    def test_the_medians_interval_is_brookmeyer_crowleys(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """Each legend's interval is ``median_interval``'s, for the stage's stays, in years."""
        ax = plot_length_of_stay(cohort, as_of=AS_OF)
        checked = 0
        for stage in SECURE_PATHWAY.stages:
            curves = by_gid(ax, f"km-{stage.code}")
            if not curves:
                continue
            stays = stays_of(list(cohort), stage.code)
            interval = median_interval([days for days, _ in stays], [ended for _, ended in stays])
            low, high = (
                "not reached" if limit is None else f"{limit / 365.25:.1f}"
                for limit in (interval.lower, interval.upper)
            )
            limits = "not reached" if interval.lower is None else f"{low} to {high}"
            assert curves[0].get_label().endswith(f"(95% CI {limits})")
            checked += 1
        assert checked >= 3

    def test_the_band_is_lifelines_confidence_interval(self) -> None:
        """Between steps, the band's edges are lifelines' 95% limits (exponential Greenwood)."""
        records = [*four_stays(), *medium_stays()]
        ax = plot_length_of_stay(records, as_of=AS_OF)
        (band,) = by_gid(ax, "km-band-medium_secure")
        stays = stays_of(records, "medium_secure")
        # 59, 100, 300, 396 and 882 days are event times; look between and beyond them.
        for day in (30, 80, 150, 350, 500, 1000):
            assert lifelines_interval(stays, day) == pytest.approx(
                band_at(band, day / 365.25), abs=1e-9
            )

    def test_the_band_is_lifelines_for_a_synthetic_cohort(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """For generated stays too, the band matches lifelines halfway between event times."""
        ax = plot_length_of_stay(cohort, as_of=AS_OF)
        (band,) = by_gid(ax, "km-band-medium_secure")
        stays = stays_of(list(cohort), "medium_secure")
        times = sorted({days for days, ended in stays if ended})
        for earlier, later in list(itertools.pairwise(times))[::7]:
            middle = (earlier + later) / 2
            assert lifelines_interval(stays, middle) == pytest.approx(
                band_at(band, middle / 365.25), abs=1e-9
            )

    def test_numbers_at_risk_are_counted_at_each_year(self) -> None:
        """Four stays, three at year 1, two at year 2, one at year 3 (see ``four_stays``)."""
        ax = plot_length_of_stay(four_stays(), as_of=AS_OF)
        table = [
            (text.xy[0], text.get_text())
            for text in ax.texts
            if text.get_gid() == "at-risk-medium_secure"
        ]
        assert [(0.0, "4"), (1.0, "3"), (2.0, "2"), (3.0, "1")] == table

    def test_the_table_names_each_row_by_stage(self, cohort: tuple[pm.Pathway, ...]) -> None:
        """Each curve's row of numbers at risk is labelled with its stage's name."""
        ax = plot_length_of_stay(cohort, as_of=AS_OF)
        labels = [
            text.get_text() for text in ax.texts if str(text.get_gid()).startswith("at-risk-label-")
        ]
        curves = [
            line.get_label().split(":")[0]
            for line in ax.get_lines()
            if str(line.get_gid()).startswith("km-")
        ]
        assert curves == labels

    def test_the_numbers_at_risk_can_be_left_out(self) -> None:
        """numbers_at_risk=False writes no table."""
        ax = plot_length_of_stay(four_stays(), as_of=AS_OF, numbers_at_risk=False)
        assert [] == [text for text in ax.texts if str(text.get_gid()).startswith("at-risk")]

    def test_the_axis_ends_with_the_last_observation(self) -> None:
        """The x axis runs from 0 to the longest stay (1,096 days), with yearly ticks."""
        ax = plot_length_of_stay(four_stays(), as_of=AS_OF)
        assert (0.0, 1096 / 365.25) == pytest.approx(ax.get_xlim())
        assert [0.0, 1.0, 2.0, 3.0] == list(ax.get_xticks())

    def test_the_axis_ends_with_the_data_for_a_synthetic_cohort(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """No empty years: the axis ends at the longest stay shown."""
        ax = plot_length_of_stay(cohort, as_of=AS_OF)
        longest = max(
            max(line.get_xdata())
            for line in ax.get_lines()
            if str(line.get_gid()).startswith("km-")
        )
        assert longest == pytest.approx(ax.get_xlim()[1])

    def test_censored_stays_are_ticked_on_the_curve(self) -> None:
        """The open stay, 200 days long, is ticked at 200 days where 2/3 are still in."""
        ax = plot_length_of_stay(medium_stays(), as_of=AS_OF)
        (ticks,) = by_gid(ax, "censored-medium_secure")
        assert ([200 / 365.25], [2 / 3], "|") == (
            pytest.approx(list(ticks.get_xdata())),
            pytest.approx(list(ticks.get_ydata())),
            ticks.get_marker(),
        )

    def test_censoring_ticks_can_be_left_out(self) -> None:
        """censor_marks=False draws none."""
        ax = plot_length_of_stay(medium_stays(), as_of=AS_OF, censor_marks=False)
        assert [] == by_gid(ax, "censored-medium_secure")

    def test_the_stages_curves_differ_in_line_style(self, cohort: tuple[pm.Pathway, ...]) -> None:
        """Read in greyscale, the curves still differ: each has its own line style."""
        ax = plot_length_of_stay(cohort, as_of=AS_OF)
        styles = [
            str(line.get_linestyle())
            for line in ax.get_lines()
            if str(line.get_gid()).startswith("km-")
        ]
        assert len(styles) >= 3
        assert len(set(styles)) == len(styles)

    def test_the_legend_names_the_bands_method(self) -> None:
        """The legend says what the shading is: a pointwise 95% band, Greenwood, log-log."""
        ax = plot_length_of_stay(medium_stays(), as_of=AS_OF)
        labels = [text.get_text() for text in ax.get_legend().get_texts()]
        assert "Shaded: pointwise 95% confidence band (Greenwood, log-log)" in labels

    @pytest.mark.parametrize("confidence", [0, 1, 1.5, -0.1, float("nan")])
    def test_a_confidence_level_outside_0_to_1_is_refused(self, confidence: float) -> None:
        """The confidence level must lie strictly between 0 and 1."""
        with pytest.raises(pm.ValidationError, match="confidence"):
            plot_length_of_stay(medium_stays(), as_of=AS_OF, confidence=confidence)

    @pytest.mark.parametrize(
        "keyword", [{"confidence": "95%"}, {"censor_marks": 1}, {"numbers_at_risk": None}]
    )
    def test_options_of_the_wrong_type_are_refused(self, keyword: dict[str, object]) -> None:
        """Each new option refuses a value of the wrong type, naming it."""
        with pytest.raises(pm.WrongTypeError, match=next(iter(keyword))):
            plot_length_of_stay(medium_stays(), as_of=AS_OF, **keyword)  # type: ignore[arg-type]

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


def km_of(stays: list[tuple[int, bool]]) -> KaplanMeier:
    return kaplan_meier([days for days, _ in stays], [ended for _, ended in stays])


class TestBand:
    """The drawn confidence band: Greenwood's variance with the log-log transform."""

    @given(stays_strategy)
    def test_the_band_holds_the_estimate_within_0_and_1(
        self, stays: list[tuple[int, bool]]
    ) -> None:
        """At every step, 0 <= lower <= estimate <= upper <= 1."""
        band = _band(km_of(stays), 0.95)
        curve = _steps(km_of(stays))
        assert [day for day, _ in curve] == [day for day, _, _ in band]
        for (_, share), (_, lower, upper) in zip(curve, band, strict=True):
            assert 0 <= lower <= share + 1e-12
            assert share - 1e-12 <= upper <= 1

    @given(stays_strategy)
    def test_a_higher_confidence_level_gives_a_wider_band(
        self, stays: list[tuple[int, bool]]
    ) -> None:
        """The 99% band contains the 90% band at every step."""
        narrow = _band(km_of(stays), 0.90)
        wide = _band(km_of(stays), 0.99)
        for (_, low90, high90), (_, low99, high99) in zip(narrow, wide, strict=True):
            assert low99 <= low90 + 1e-12
            assert high90 <= high99 + 1e-12

    @given(stays_strategy)
    def test_the_medians_limits_are_where_the_band_crosses_one_half(
        self, stays: list[tuple[int, bool]]
    ) -> None:
        """``median_interval``'s limits are the first times the band's edges reach 1/2."""
        band = _band(km_of(stays), 0.95)
        interval = median_interval(
            [days for days, _ in stays], [ended for _, ended in stays] if stays else None
        )
        lower = next((day for day, low, _ in band if low <= 0.5), None)
        upper = next((day for day, _, high in band if high <= 0.5), None)
        assert (interval.lower, interval.upper) == (lower, upper)

    def test_every_stay_ended_at_once_closes_the_band_at_0(self) -> None:
        """When the estimate reaches 0, so do both edges (as lifelines gives them)."""
        assert [(0, 1.0, 1.0), (10, 0.0, 0.0)] == _band(km_of([(10, True)] * 3), 0.95)


class TestYearTicks:
    @pytest.mark.parametrize(
        ("last", "ticks"),
        [
            (0.8, [0.0, 0.25, 0.5, 0.75]),
            (3.0007, [0.0, 1.0, 2.0, 3.0]),
            (10.0, [float(year) for year in range(11)]),
            (10.5, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]),
            (36.9, [0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0]),
            (120.0, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0, 120.0]),
        ],
    )
    def test_ticks_run_from_0_to_the_last_observation(
        self, last: float, ticks: list[float]
    ) -> None:
        """Quarter years under 2 years of data; yearly to 10; then 2, 5, 10, 20, ... years."""
        assert ticks == _year_ticks(last)

    @given(st.floats(0, 10_000))
    def test_there_are_at_most_11_ticks_none_beyond_the_data(self, last: float) -> None:
        """The ticks start at 0, stay within the data and are at most 11."""
        ticks = _year_ticks(last)
        assert 0.0 == ticks[0]
        assert len(ticks) <= 11
        assert ticks[-1] <= last + 1e-6


def proportions(overdispersion: str = "none") -> Funnel:
    """Eight units: E (30 of 40) above the 99.8% limit; B, D and F below the 95% one.

    The dispersion ratio is 4.12, so a multiplicative adjustment widens the limits and
    leaves only E outside.
    """
    return funnel(
        list("ABCDEFGH"),
        [13, 40, 9, 2, 30, 25, 60, 10],
        [40, 210, 35, 30, 40, 150, 200, 60],
        kind="proportion",
        overdispersion=overdispersion,
    )


def rounded(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Points sorted, their coordinates rounded to 9 places, to compare drawn with computed."""
    return sorted((round(float(x), 9), round(float(y), 9)) for x, y in points)


def offsets(ax: Any, gid: str) -> list[tuple[float, float]]:
    """The points of the one collection with ``gid``, or none when it is not drawn."""
    found = by_gid(ax, gid)
    return [tuple(point) for point in found[0].get_offsets().tolist()] if found else []


LIMIT_LINES = {
    "limit-95-lower": "lower_95",
    "limit-95-upper": "upper_95",
    "limit-99.8-lower": "lower_99_8",
    "limit-99.8-upper": "upper_99_8",
}


@pytest.mark.usefixtures("headless")
class TestFunnelPlot:
    @pytest.mark.parametrize("overdispersion", ["none", "multiplicative", "additive"])
    def test_the_limits_drawn_are_the_funnels(self, overdispersion: str) -> None:
        """Each limit line, at every size it is drawn at, is ``Funnel.limits_at`` there."""
        result = proportions(overdispersion)
        ax = plot_funnel(result)
        for gid, field in LIMIT_LINES.items():
            (line,) = by_gid(ax, gid)
            sizes = list(line.get_xdata())
            assert len(sizes) >= 100
            expected = [getattr(result.limits_at(size), field) for size in sizes]
            assert expected == pytest.approx(list(line.get_ydata()))

    def test_the_limits_span_the_units(self) -> None:
        """The limits are drawn from half the smallest unit to a tenth beyond the largest."""
        ax = plot_funnel(proportions())
        (line,) = by_gid(ax, "limit-95-upper")
        assert (15.0, 231.0) == pytest.approx((line.get_xdata()[0], line.get_xdata()[-1]))

    def test_units_are_drawn_by_where_they_lie(self) -> None:
        """Within the 95% limits, outside them, and outside the 99.8% ones: one collection each."""
        ax = plot_funnel(proportions())
        placed = {
            gid: rounded(offsets(ax, gid))
            for gid in ("units-within-95", "units-outside-95", "units-outside-99.8")
        }
        assert {
            "units-within-95": rounded([(35, 9 / 35), (40, 13 / 40), (60, 10 / 60), (200, 0.3)]),
            "units-outside-95": rounded([(30, 2 / 30), (150, 25 / 150), (210, 40 / 210)]),
            "units-outside-99.8": rounded([(40, 30 / 40)]),
        } == placed

    def test_units_outside_the_95_limits_are_named(self) -> None:
        """B, D, E and F are labelled, each at its point; no unit inside is."""
        ax = plot_funnel(proportions())
        labels = [
            (text.get_text(), *rounded([text.xy]))
            for text in ax.texts
            if str(text.get_gid()).startswith("label-")
        ]
        expected = [("B", (210, 40 / 210)), ("D", (30, 2 / 30)), ("E", (40, 0.75))]
        expected.append(("F", (150, 25 / 150)))
        assert [(name, *rounded([point])) for name, point in expected] == labels

    def test_the_target_is_the_pooled_proportion(self) -> None:
        """The target line is at the funnel's target: 189 of 765."""
        result = proportions()
        (line,) = by_gid(plot_funnel(result), "target")
        assert ([189 / 765] * 2, "-.") == (
            pytest.approx(list(line.get_ydata())),
            line.get_linestyle(),
        )

    def test_adjusted_limits_are_drawn_and_said_to_be(self) -> None:
        """With a multiplicative adjustment the limits widen, and the note says so with φ."""
        plain = plot_funnel(proportions())
        adjusted = plot_funnel(proportions("multiplicative"))
        (narrow,) = by_gid(plain, "limit-95-upper")
        (wide,) = by_gid(adjusted, "limit-95-upper")
        assert all(a > b for a, b in zip(wide.get_ydata(), narrow.get_ydata(), strict=True))
        (note,) = [text for text in adjusted.texts if text.get_gid() == "note"]
        expected = "Limits adjusted for overdispersion (multiplicative): dispersion ratio φ = 4.12."
        assert expected == note.get_text()
        assert ["E"] == [
            text.get_text() for text in adjusted.texts if str(text.get_gid()).startswith("label-")
        ]

    def test_an_adjustment_not_made_is_said_not_to_be(self) -> None:
        """Asked for, but φ is not above 1: the limits stay unadjusted, and the note says why."""
        result = funnel(
            list("ABCD"), [20, 21, 19, 20], [100] * 4, kind="proportion", overdispersion="additive"
        )
        assert not result.adjusted
        ax = plot_funnel(result)
        (note,) = [text for text in ax.texts if text.get_gid() == "note"]
        expected = (
            "Limits not adjusted for overdispersion: the additive adjustment asked for is made "
            "only when the dispersion ratio φ is above 1, and here φ = 0.0153."
        )
        assert expected == note.get_text()

    @pytest.mark.parametrize(
        ("kind", "xlabel", "ylabel"),
        [
            ("proportion", "Denominator (size of the unit)", "Proportion"),
            ("ratio", "Denominator (size of the unit)", "Ratio"),
            ("standardised_ratio", "Expected events", "Standardised ratio (observed / expected)"),
        ],
    )
    def test_the_axes_are_labelled_by_the_funnels_kind(
        self, kind: str, xlabel: str, ylabel: str
    ) -> None:
        """The axis labels say what the funnel compares."""
        result = funnel(["A", "B", "C"], [10, 20, 30], [100, 150, 120], kind=kind)
        ax = plot_funnel(result)
        assert (xlabel, ylabel) == (ax.get_xlabel(), ax.get_ylabel())

    def test_labels_and_title_can_be_given(self) -> None:
        """A title and axis labels passed in replace the defaults."""
        ax = plot_funnel(proportions(), title="Ready", xlabel="People", ylabel="Share")
        assert ("Ready", "People", "Share") == (ax.get_title(), ax.get_xlabel(), ax.get_ylabel())

    def test_the_title_says_what_is_shown_in_neutral_words(self) -> None:
        """The default title names the kind of figure, the units and the limits; no verdicts."""
        title = plot_funnel(proportions()).get_title()
        assert "Funnel plot of a proportion for 8 units\nagainst 95% and 99.8% control limits" == (
            title
        )

    def test_lines_and_points_differ_in_greyscale(self) -> None:
        """The 95% and 99.8% limits and the target differ in style; unit groups in shape."""
        ax = plot_funnel(proportions())
        styles = {
            str(by_gid(ax, gid)[0].get_linestyle())
            for gid in ("limit-95-upper", "limit-99.8-upper", "target")
        }
        shapes = {
            str(by_gid(ax, gid)[0].get_paths()[0].vertices.round(6).tolist())
            for gid in ("units-within-95", "units-outside-95", "units-outside-99.8")
        }
        assert (3, 3) == (len(styles), len(shapes))

    def test_something_other_than_a_funnel_is_refused(self) -> None:
        """Only a Funnel from ``pathway_model.stats.funnel`` can be drawn."""
        with pytest.raises(pm.WrongTypeError, match="funnel"):
            plot_funnel([1, 2, 3])  # type: ignore[arg-type]

    def test_a_title_that_is_not_text_is_refused(self) -> None:
        """The title must be text."""
        with pytest.raises(pm.WrongTypeError, match="title"):
            plot_funnel(proportions(), title=3)  # type: ignore[arg-type]


def months(count: int, start: int = 2023) -> list[dt.date]:
    return [dt.date(start + m // 12, m % 12 + 1, 1) for m in range(count)]


#: NHSRplotthedots' point colours (``ptd_spc_colours``), by variation.
MDC_COLOURS = {
    "common_cause": "#a6a6a6",
    "special_cause_improvement": "#00b0f0",
    "special_cause_concern": "#e46c0a",
    "special_cause_neutral_high": "#490092",
    "special_cause_neutral_low": "#490092",
}


def falling_then_spike() -> XmrChart:
    """24 months: a fall of 8 (improvement when lower is better), then a spike (concern).

    Values 10, 11 alternate for 8 months (mean near 10.5), then fall 9, 8, ..., 2 over
    8 months (a trend of 7 or more falling points), then 10, 11 again, with 40 in
    month 20: far above any limit.
    """
    values = [10, 11] * 4 + [9, 8, 7, 6, 5, 4, 3, 2] + [10, 11, 10, 40, 10, 11, 10, 11]
    return xmr_chart(months(24), values, improvement="decrease", target=8)


@pytest.mark.usefixtures("headless")
class TestSpcChart:
    def test_points_are_coloured_by_their_variation(self) -> None:
        """Each point is in the collection of its variation, in the Making Data Count colour."""
        from matplotlib.colors import to_hex

        chart = falling_then_spike()
        ax = plot_spc(chart)
        drawn = {}
        for collection in ax.collections:
            gid = str(collection.get_gid())
            if gid.startswith("points-"):
                code = gid.removeprefix("points-")
                drawn[code] = (
                    {to_hex(colour) for colour in collection.get_facecolor()},
                    sorted(map(tuple, collection.get_offsets().tolist())),
                )
        expected = {}
        for code in {point.variation.value for point in chart.points}:
            members = [point for point in chart.points if point.variation.value == code]
            expected[code] = (
                {MDC_COLOURS[code]},
                sorted((day_number(point.period), point.value) for point in members),
            )
        assert expected == drawn
        assert {"common_cause", "special_cause_improvement", "special_cause_concern"} == set(drawn)

    def test_neutral_special_causes_are_purple(self) -> None:
        """Where neither direction is better, a special cause is purple, by its side."""
        values = [10, 11] * 4 + [9, 8, 7, 6, 5, 4, 3, 2] + [10, 11, 10, 40, 10, 11, 10, 11]
        ax = plot_spc(xmr_chart(months(24), values, improvement="neutral"))
        from matplotlib.colors import to_hex

        colours = {
            str(c.get_gid()): to_hex(c.get_facecolor()[0])
            for c in ax.collections
            if str(c.get_gid()).startswith("points-special")
        }
        assert {
            "points-special_cause_neutral_high": "#490092",
            "points-special_cause_neutral_low": "#490092",
        } == colours

    def test_mean_and_limits_are_drawn_per_segment(self) -> None:
        """A rebased chart has a mean and limits for each segment, over its own periods."""
        periods = months(30)
        values = [10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11]
        values += [20, 22, 21, 23, 20, 22, 21, 23, 20, 22, 21, 23, 20, 22, 21]
        chart = xmr_chart(periods, values, rebase=[periods[15]])
        ax = plot_spc(chart)
        for index, segment in enumerate(chart.segments):
            span = [day_number(segment.start), day_number(segment.end)]
            for gid, level in (
                ("mean", segment.mean),
                ("upper-limit", segment.upper_limit),
                ("lower-limit", segment.lower_limit),
            ):
                (line,) = by_gid(ax, f"{gid}-{index}")
                assert (span, [level, level]) == (
                    pytest.approx(list(line.get_xdata())),
                    pytest.approx(list(line.get_ydata())),
                )
        assert 2 == len(chart.segments)

    def test_the_series_is_drawn_through_every_point(self) -> None:
        """The grey line joins the values in period order."""
        chart = falling_then_spike()
        (line,) = by_gid(plot_spc(chart), "series-0")
        assert [point.value for point in chart.points] == list(line.get_ydata())

    def test_the_target_is_a_line_when_there_is_one(self) -> None:
        """The target is drawn at its value; without one, no target line is drawn."""
        (line,) = by_gid(plot_spc(falling_then_spike()), "target")
        untargeted = xmr_chart(months(12), [1, 2] * 6)
        assert ([8, 8], []) == (list(line.get_ydata()), by_gid(plot_spc(untargeted), "target"))

    @pytest.mark.parametrize(
        ("target", "words"),
        [
            (10.0, "the target will consistently be missed"),
            (-5.0, "the target will consistently be met"),
            (2.0, "the target will be hit and missed by chance"),
            (None, "Assurance: no target set."),
        ],
    )
    def test_the_summary_states_the_assurance_in_words(
        self, target: float | None, words: str
    ) -> None:
        """Limits about -1.16 to 4.16 (mean 1.5, moving range 1): the target's place, in words."""
        chart = xmr_chart(months(12), [1, 2] * 6, improvement="increase", target=target)
        (summary,) = [text for text in plot_spc(chart).texts if text.get_gid() == "summary"]
        assert words in summary.get_text()

    def test_the_summary_states_the_variation_and_direction_in_words(self) -> None:
        """The latest point's variation and the better direction are written, not only coloured."""
        chart = falling_then_spike()
        (summary,) = [text for text in plot_spc(chart).texts if text.get_gid() == "summary"]
        lines = summary.get_text().splitlines()
        assert "Improvement: lower is better." == lines[0]
        assert "Variation at the latest point: common cause" in lines[1]
        assert "common_cause" == chart.variation.value

    def test_trial_limits_are_flagged(self) -> None:
        """A segment of fewer than 13 points has trial limits, and the summary says so."""
        chart = xmr_chart(months(12), [1, 2] * 6)
        (summary,) = [text for text in plot_spc(chart).texts if text.get_gid() == "summary"]
        assert "Trial limits" in summary.get_text()

    def test_autocorrelated_points_are_flagged_with_their_r(self) -> None:
        """A drift of 1 to 20 (r = 0.85): the summary says the limits are too narrow."""
        chart = xmr_chart(months(20), list(range(1, 21)))
        (summary,) = [text for text in plot_spc(chart).texts if text.get_gid() == "summary"]
        assert "Autocorrelated (lag-one r = 0.85)" in summary.get_text()
        steady = xmr_chart(months(20), [1, 2] * 10)
        (summary,) = [text for text in plot_spc(steady).texts if text.get_gid() == "summary"]
        assert "Autocorrelated" not in summary.get_text()

    def test_variations_differ_in_shape_as_well_as_colour(self) -> None:
        """Common cause, improvement and concern have different markers (greyscale)."""
        ax = plot_spc(falling_then_spike())
        shapes = {
            str(collection.get_paths()[0].vertices.round(6).tolist())
            for collection in ax.collections
            if str(collection.get_gid()).startswith("points-")
        }
        assert 3 == len(shapes)

    def test_something_other_than_a_chart_is_refused(self) -> None:
        """Only an XmrChart can be drawn."""
        with pytest.raises(pm.WrongTypeError, match="chart"):
            plot_spc([1, 2, 3])  # type: ignore[arg-type]


def draw_timeline() -> object:
    return plot_timeline(medium_then_low(), as_of=AS_OF)


def draw_length_of_stay() -> object:
    return plot_length_of_stay(medium_stays(), as_of=AS_OF)


FUNNEL = funnel(["A", "B"], [1, 2], [10, 20], kind="proportion")
CHART = xmr_chart(months(4), [1, 2, 3, 4])


def draw_funnel() -> object:
    return plot_funnel(FUNNEL)


def draw_spc() -> object:
    return plot_spc(CHART)


class TestWithoutMatplotlib:
    @pytest.mark.parametrize("draw", [draw_timeline, draw_length_of_stay, draw_funnel, draw_spc])
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
