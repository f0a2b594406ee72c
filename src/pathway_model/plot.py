"""Pictures: a person's timeline, a cohort's length of stay, funnel plots and control charts.

The pictures need matplotlib, an optional extra that brings the statistics room
(`pathway_model.stats`, numpy and scipy) with it:

```text
pip install "pathway-model[plot]"
```

matplotlib is imported only when a function here is called, so the rest of the library
works without it; without it, the functions raise
[`PlottingUnavailableError`][pathway_model.plot.PlottingUnavailableError], which
says how to install it. Figures are made with ``matplotlib.figure.Figure`` directly,
never through ``pyplot``: nothing here touches matplotlib's global state, and a figure
is the same size, at the same resolution, wherever it is drawn. Pass ``ax`` to draw on
axes of your own (a notebook's, or a subplot of a larger figure).

Every picture is meant to be published: its title says what it shows, in words a
screen reader can read out; what colour tells is told by a marker's shape or a line's
style too, so the picture reads in greyscale and to people who do not see colour; and
every artist that carries data has a ``gid``, so code (and the tests) can find it.

Examples:
    >>> import datetime as dt
    >>> from pathway_model.plot import plot_timeline
    >>> from pathway_model.synthetic import CohortParameters, synthetic_cohort
    >>> as_of = dt.date(2025, 3, 31)
    >>> cohort = synthetic_cohort(CohortParameters(people_in_care=20), seed=3, as_of=as_of)
    >>> ax = plot_timeline(cohort[0], as_of=as_of)
    >>> ax.get_title()
    'SYN-000001: Secure mental health pathway (England), as of 2025-03-31'
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

from pathway_model.errors import PathwayModelError, ValidationError, WrongTypeError
from pathway_model.model import IncidentSeverity, Pathway, PathwayDefinition, Stage
from pathway_model.model._seam import as_float, show_number, type_name
from pathway_model.rules import readiness_history
from pathway_model.rules._stay import (
    check_date,
    qualifies,
    resetting,
    resolve_definition,
    stay_evidence,
)
from pathway_model.scoring._survival import KaplanMeier, kaplan_meier

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

    from pathway_model.stats import Funnel, FunnelLimits, FunnelPosition, XmrChart

__all__ = [
    "PlottingUnavailableError",
    "plot_funnel",
    "plot_length_of_stay",
    "plot_spc",
    "plot_timeline",
]

_INSTALL_HINT = 'pip install "pathway-model[plot]"'
"""The command that installs what the pictures need."""

#: Figure sizes in inches at 100 dots per inch: fixed, so pictures come out the same.
_TIMELINE_SIZE = (10.0, 4.0)
_LENGTH_OF_STAY_SIZE = (12.0, 6.0)
_FUNNEL_SIZE = (10.0, 5.5)
_SPC_SIZE = (10.0, 5.0)
_DPI = 100
_YEAR_DAYS = 365.25
#: Colours, fixed so pictures come out the same (colour-blind-safe Okabe-Ito hues).
_STAGE_COLOUR = "#0072B2"
_READY_COLOUR = "#009E73"
_AS_OF_COLOUR = "#555555"
_SEVERITY_COLOUR = {
    IncidentSeverity.MINOR: "#E69F00",
    IncidentSeverity.MODERATE: "#D55E00",
    IncidentSeverity.SERIOUS: "#8B0000",
}
#: Marker areas (points squared): a more serious incident is larger as well as darker.
_SEVERITY_SIZE = {
    IncidentSeverity.MINOR: 20.0,
    IncidentSeverity.MODERATE: 40.0,
    IncidentSeverity.SERIOUS: 70.0,
}
#: Restrictive interventions: one colour whatever their severity (Okabe-Ito reddish purple).
_RESTRICTIVE_COLOUR = "#CC79A7"
#: The ring around an incident that resets the readiness clock.
_RESET_COLOUR = "#000000"
_CURVE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
#: The curves' line styles, so that stages differ in greyscale as well as in colour.
_CURVE_STYLES: tuple[Any, ...] = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2)))
#: Funnel plots: neutral hues (a unit outside the limits is not, by that alone, better
#: or worse), told apart by marker shape too.
_FUNNEL_WITHIN = "#999999"
_FUNNEL_OUTSIDE_95 = "#56B4E9"
_FUNNEL_OUTSIDE_99_8 = "#0072B2"
_FUNNEL_LINE = "#333333"
#: NHS "Making Data Count" colours, as NHSRplotthedots' ``ptd_spc_colours`` gives them.
_MDC_COMMON_CAUSE = "#a6a6a6"
_MDC_IMPROVEMENT = "#00b0f0"
_MDC_CONCERN = "#e46c0a"
_MDC_NEUTRAL = "#490092"
_MDC_VALUE_LINE = "#a6a6a6"
_MDC_MEAN_LINE = "#000000"
_MDC_LIMITS = "#a6a6a6"
_MDC_TARGET = "#de1b1b"


class PlottingUnavailableError(PathwayModelError, ImportError):
    """matplotlib, which the pictures need, is not installed.

    Install the optional extra: ``pip install "pathway-model[plot]"``.
    """


def _new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """Return ``ax``, or the axes of a new figure of ``size``; refuse without matplotlib."""
    try:
        from matplotlib.axes import Axes  # noqa: PLC0415 - an optional dependency
        from matplotlib.figure import Figure  # noqa: PLC0415
    except ImportError as error:
        msg = f"the pictures need matplotlib, which is not installed: {_INSTALL_HINT}"
        raise PlottingUnavailableError(msg, name="matplotlib") from error
    if ax is not None:
        if not isinstance(ax, Axes):
            raise WrongTypeError.single("ax", "matplotlib Axes or None", type_name(ax))
        return ax
    figure = Figure(figsize=size, dpi=_DPI, layout="constrained")
    axes: Axes = figure.add_subplot()
    return axes


def _dates() -> Any:
    """``matplotlib.dates``, whose functions carry no type hints (present once axes exist)."""
    return importlib.import_module("matplotlib.dates")


def _date_axis(ax: Axes) -> None:
    dates = _dates()
    locator = dates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))


def _day(day: dt.date) -> float:
    """A date as matplotlib's day number."""
    return float(_dates().date2num(day))


def _optional_text(value: object, path: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise WrongTypeError.single(path, "text or None", type_name(value))
    return value


def _below_axis(
    axes: Axes,
    text: str,
    *,
    x: float,
    x_in_data: bool,
    points_down: float,
    points_right: float = 0.0,
    **style: Any,
) -> Artist:
    """Write ``text`` under the axes' x-axis label, ``points_down`` points below it.

    The text is placed against the label's box when the figure is drawn, so it never
    overlaps the tick labels or the axis label, whatever their size; a figure with
    constrained layout makes room for it. ``x`` is in data units, or a fraction of the
    axes' width.
    """
    horizontal = axes.transData if x_in_data else axes.transAxes
    return axes.annotate(
        text,
        xy=(x, 0.0),
        xycoords=(horizontal, axes.xaxis.label),
        xytext=(points_right, -points_down),
        textcoords="offset points",
        va="top",
        annotation_clip=False,
        **style,
    )


# --- one person's timeline -----------------------------------------------------------------


def plot_timeline(
    pathway: Pathway,
    *,
    as_of: dt.date,
    definition: PathwayDefinition | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw one person's pathway over time, up to ``as_of``.

    The picture shows:

    - the stage of each stay as a step line, by security level (most secure at the top);
    - each review as a dot on its stay's line: filled when the review met the stage's
      exit criteria, hollow when it did not;
    - each run of days on which the person was ready to move on, shaded (from
      [`readiness_history`][pathway_model.readiness_history]);
    - each incident as a triangle above the line, larger and darker for more serious
      ones;
    - a ring around each incident that resets the readiness clock: one that the stay's
      exit criteria name (its kind and at least its severity), so the person cannot be
      ready until the stage's incident-free period has passed. The rules decide which
      incidents these are, as they do for
      [`readiness`][pathway_model.readiness] and [`assess`][pathway_model.assess];
    - each restrictive intervention (done to the person by staff, never counted against
      readiness, so never resetting the clock) apart, as a hollow square below the line;
    - ``as_of`` as a dashed line.

    Nothing dated after ``as_of`` is drawn.

    Artists carry a ``gid`` so that code can find them: ``"stages"`` (the step line),
    ``"reviews-met"`` and ``"reviews-not-met"`` (one collection each, a point per
    review), ``"ready-run"`` (one shaded span per ready run), ``"incidents"`` (one
    collection, a point per incident the person was involved in), ``"clock-resets"``
    (one collection, a ring per incident that resets the readiness clock, drawn only
    when there are any), ``"restrictive-interventions"`` (one collection, a point per
    restrictive intervention, drawn only when there are any) and ``"as-of"``.

    Args:
        pathway: The person's record.
        as_of: The date to draw up to.
        definition: The definition the record follows; the built-in one it names when
            ``None``.
        ax: The matplotlib axes to draw on; a new 10 x 4 inch figure when ``None``.

    Returns:
        The axes drawn on (``ax.figure`` is the figure, e.g. to save it).

    Raises:
        PlottingUnavailableError: matplotlib is not installed.
        ValidationError: ``as_of`` is before the record begins, or ``definition`` is not
            the one the record names.
        WrongTypeError: An argument has the wrong type.
    """
    definition = resolve_definition(pathway, definition)
    as_of = check_date(as_of)
    history = readiness_history(pathway, as_of, definition=definition)
    axes = _new_axes(ax, _TIMELINE_SIZE)
    x = _day

    _draw_stays(axes, pathway, definition, as_of, x)
    for number, run in enumerate(run for stay in history for run in stay.runs):
        axes.axvspan(
            x(run.start),
            x(run.end),
            color=_READY_COLOUR,
            alpha=0.2,
            linewidth=0,
            gid="ready-run",
            label="Ready to move on" if number == 0 else None,
        )
    _draw_reviews(axes, pathway, definition, as_of, x)
    _draw_incidents(axes, pathway, definition, as_of, x)
    axes.axvline(x(as_of), color=_AS_OF_COLOUR, linestyle="--", linewidth=1, gid="as-of")
    _stage_axis(axes, definition.stages)
    _date_axis(axes)
    axes.set_xlim(x(pathway.first_day) - 30, x(as_of) + 30)
    axes.set_title(f"{pathway.person_id}: {definition.name}, as of {as_of}")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    return axes


def _draw_stays(
    axes: Axes,
    pathway: Pathway,
    definition: PathwayDefinition,
    as_of: dt.date,
    x: Callable[[dt.date], float],
) -> None:
    """The stays up to ``as_of``, as one step line broken where the record has a gap."""
    xs: list[float] = []
    ys: list[float] = []
    for placement in pathway.placements:
        if placement.start > as_of:
            break
        rank = definition.stage(placement.stage).security_rank
        end = as_of if placement.end is None else min(placement.end, as_of)
        if xs and xs[-1] != x(placement.start):
            xs.append(xs[-1])
            ys.append(float("nan"))
        xs += [x(placement.start), x(end)]
        ys += [rank, rank]
    axes.plot(
        xs,
        ys,
        drawstyle="steps-post",
        color=_STAGE_COLOUR,
        linewidth=2.5,
        gid="stages",
        label="Stage",
    )


def _draw_reviews(
    axes: Axes,
    pathway: Pathway,
    definition: PathwayDefinition,
    as_of: dt.date,
    x: Callable[[dt.date], float],
) -> None:
    """Reviews on their stay's line: filled when they met the stage's exit criteria."""
    met: tuple[list[float], list[float]] = ([], [])
    not_met: tuple[list[float], list[float]] = ([], [])
    scale = definition.framework.scale
    for review in pathway.reviews:
        if review.date > as_of:
            break
        stay = pathway.placement_on(review.date)
        if stay is None:
            continue
        stage = definition.stage(stay.stage)
        criteria = stage.exit_criteria
        into = met if criteria is not None and qualifies(review, criteria, scale) else not_met
        into[0].append(x(review.date))
        into[1].append(stage.security_rank)
    axes.scatter(
        met[0],
        met[1],
        s=30,
        color=_STAGE_COLOUR,
        zorder=3,
        gid="reviews-met",
        label="Review: exit criteria met",
    )
    axes.scatter(
        not_met[0],
        not_met[1],
        s=30,
        facecolors="white",
        edgecolors=_STAGE_COLOUR,
        zorder=3,
        gid="reviews-not-met",
        label="Review: not met",
    )


def _clock_resets(pathway: Pathway, definition: PathwayDefinition, as_of: dt.date) -> set[str]:
    """The ids of the incidents up to ``as_of`` that reset the readiness clock.

    Decided stay by stay as the rules decide it: an incident resets the clock when it
    falls inside a stay whose stage's exit criteria have an incident rule it meets.
    """
    ids: set[str] = set()
    for placement in pathway.placements:
        if placement.start > as_of:
            break
        evidence = stay_evidence(pathway, definition, placement)
        criteria = evidence.stage.exit_criteria
        if criteria is None:
            continue
        for rule in criteria.incident_rules:
            ids |= {incident.id for incident in resetting(rule, evidence.incidents)}
    return ids


def _draw_incidents(
    axes: Axes,
    pathway: Pathway,
    definition: PathwayDefinition,
    as_of: dt.date,
    x: Callable[[dt.date], float],
) -> None:
    """Incidents above their stay's line, larger and darker for more serious ones.

    Those that reset the readiness clock are ringed. Restrictive interventions, done to
    the person by staff, are drawn apart: below the line, in one colour, and only when
    there are any.
    """
    resets = _clock_resets(pathway, definition, as_of)
    xs: list[float] = []
    ys: list[float] = []
    colours: list[str] = []
    sizes: list[float] = []
    ringed: list[tuple[float, float]] = []
    done_to: list[tuple[float, float]] = []
    for incident in pathway.incidents:
        if incident.date > as_of:
            break
        stay = pathway.placement_on(incident.date)
        if stay is None:
            continue
        rank = definition.stage(stay.stage).security_rank
        if incident.kind.done_to_person:
            done_to.append((x(incident.date), rank - 0.3))
            continue
        xs.append(x(incident.date))
        ys.append(rank + 0.3)
        colours.append(_SEVERITY_COLOUR[incident.severity])
        sizes.append(_SEVERITY_SIZE[incident.severity])
        if incident.id in resets:
            ringed.append((xs[-1], ys[-1]))
    if done_to:
        axes.scatter(
            [point[0] for point in done_to],
            [point[1] for point in done_to],
            s=28,
            marker="s",
            facecolors="none",
            edgecolors=_RESTRICTIVE_COLOUR,
            zorder=3,
            gid="restrictive-interventions",
            label="Restrictive intervention (done to the person by staff)",
        )
    axes.scatter(
        xs,
        ys,
        s=sizes,
        marker="v",
        color=colours,
        zorder=3,
        gid="incidents",
        label="Incident (larger and darker: more serious)",
    )
    if ringed:
        axes.scatter(
            [point[0] for point in ringed],
            [point[1] for point in ringed],
            s=150,
            marker="o",
            facecolors="none",
            edgecolors=_RESET_COLOUR,
            linewidths=1.2,
            zorder=4,
            gid="clock-resets",
            label="Ringed: incident that resets the readiness clock",
        )


def _stage_axis(axes: Axes, stages: Sequence[Stage]) -> None:
    ranks = sorted({stage.security_rank for stage in stages})
    names = {
        rank: " / ".join(stage.name for stage in stages if stage.security_rank == rank)
        for rank in ranks
    }
    axes.set_yticks(ranks, [names[rank] for rank in ranks])
    axes.set_ylim(ranks[0] - 0.6, ranks[-1] + 0.8)
    axes.grid(axis="y", color="#dddddd", linewidth=0.8)
    axes.set_axisbelow(True)


# --- a cohort's length of stay ------------------------------------------------------------


def _steps(estimate: KaplanMeier) -> list[tuple[int, float]]:
    """The step points of a Kaplan-Meier curve, as drawn.

    Returns:
        ``(0, 1.0)``, then ``(day, share)`` at each day on which the share falls, and a
        last point at the longest stay so the curve runs to the end of follow-up.
    """
    points = [(0, 1.0)]
    for day, events, share in zip(estimate.times, estimate.events, estimate.survival, strict=True):
        if events:
            points.append((day, share))
    if estimate.times and points[-1][0] != estimate.times[-1]:
        points.append((estimate.times[-1], points[-1][1]))
    return points


def _band(estimate: KaplanMeier, confidence: float) -> list[tuple[int, float, float]]:
    """The pointwise confidence band of a Kaplan-Meier curve, as drawn: Greenwood, log-log.

    With ``S`` the estimate and ``V`` Greenwood's sum of ``d / (n(n - d))`` over the
    event times so far, the limits are ``S ** exp(±z·sqrt(V) / log S)`` (the
    "exponential Greenwood" interval of Kalbfleisch and Prentice): they stay within 0
    and 1. It is lifelines' default (``confidence_interval_``), and the band whose
    crossings of one half give [`median_interval`][pathway_model.stats.median_interval]'s
    limits. Where the estimate is 1 (before the first event) the band is 1; where it is
    0 (every stay ended) the band is 0.

    Returns:
        ``(0, 1.0, 1.0)``, then ``(day, lower, upper)`` at each day on which the
        estimate falls, and a last point at the longest stay, as `_steps`.
    """
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    points = [(0, 1.0, 1.0)]
    greenwood = 0.0
    for day, at_risk, events, share in zip(
        estimate.times, estimate.at_risk, estimate.events, estimate.survival, strict=True
    ):
        if not events:
            continue
        if at_risk > events:
            greenwood += events / (at_risk * (at_risk - events))
        if share <= 0:
            points.append((day, 0.0, 0.0))
            continue
        log_share = math.log(share)
        spread = z * math.sqrt(greenwood) / log_share
        lower = math.exp(-math.exp(math.log(-log_share) - spread))
        upper = math.exp(-math.exp(math.log(-log_share) + spread))
        points.append((day, lower, upper))
    if estimate.times and points[-1][0] != estimate.times[-1]:
        points.append((estimate.times[-1], points[-1][1], points[-1][2]))
    return points


def _check_confidence(confidence: object) -> float | None:
    if confidence is None:
        return None
    level = as_float(confidence)
    if level is None:
        raise WrongTypeError.single(
            "confidence", "a number between 0 and 1, or None", type_name(confidence)
        )
    if not 0 < level < 1:
        raise ValidationError.single(
            "confidence", "a number between 0 and 1 (0.95 for 95%)", show_number(confidence)
        )
    return level


def _check_flag(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise WrongTypeError.single(path, "a bool", type_name(value))
    return value


def _percent(confidence: float) -> str:
    """``0.95`` as ``"95%"``, ``0.998`` as ``"99.8%"``."""
    return f"{round(confidence * 100, 6):g}%"


def _year_ticks(last_years: float) -> list[float]:
    """Ticks from 0 to the last observation: yearly, or wider (narrower) for long (short) data.

    Yearly from 2 to 10 years of data; every 2, 5, 10, 20, 50, ... years beyond, so that
    there are at most 11; every quarter year below 2 years.
    """
    step = 0.25
    if last_years >= 2:
        step = next(
            float(base * 10**power)
            for power in itertools.count()
            for base in (1, 2, 5)
            if last_years / (base * 10**power) <= 10
        )
    return [step * index for index in range(int(last_years / step + 1e-9) + 1)]


def _at_risk(lengths: Sequence[int], years: float) -> int:
    """How many stays were still going on at the start of ``years``: lasting at least that long."""
    return sum(days >= years * _YEAR_DAYS for days in lengths)


def plot_length_of_stay(
    pathways: Iterable[Pathway],
    *,
    as_of: dt.date,
    definition: PathwayDefinition | None = None,
    since: dt.date | None = None,
    ax: Axes | None = None,
    confidence: float | None = 0.95,
    censor_marks: bool = True,
    numbers_at_risk: bool = True,
) -> Axes:
    """Draw the cohort's length of stay in each stage, open stays counted as censored.

    For each stage with exit criteria, a Kaplan-Meier step curve shows the share of
    stays still going on after each number of years. A stay still open at ``as_of``
    counts up to ``as_of`` and is censored there: it is never dropped, and never read
    as ended. The picture shows, for each curve:

    - a shaded pointwise confidence band (95% by default): Greenwood's variance with the
      log-log transform (the "exponential Greenwood" interval), which is lifelines'
      default and the band
      [`median_interval`][pathway_model.stats.median_interval] reads the median's
      interval from;
    - a tick at each length at which a stay still open at ``as_of`` is censored;
    - in the legend, the number of stays and the median length with its confidence
      interval (Brookmeyer and Crowley, by
      [`median_interval`][pathway_model.stats.median_interval]), or that the median (or
      a limit) is not reached: "95% CI 1.6 to not reached" when the upper limit is not,
      "95% CI not reached" when neither is;
    - under the axis, a table of the numbers at risk: how many stays were still going
      on at the start of each year shown (every quarter year when the data span under
      2 years; every 2, 5, 10, ... years when they span more than 10);
    - a dotted line at the stage's long-stay threshold, where it has one within the
      data.

    The x axis ends at the last observation (the longest stay, ended or open): no empty
    years are drawn after it.

    The stays counted are those the cohort report's length of stay counts: begun before
    ``as_of`` (and on or after ``since`` when given), and the estimate is the report's own
    (`kaplan_meier`), so the curve, the legend's count and its median agree with
    ``cohort_report``'s ``length_of_stay`` for the same dates.

    People who were admitted long ago are in a cohort only if their stay was long
    enough to reach its window, so a cohort's stays over-represent long ones. Pass
    ``since`` to count only stays that began on or after a date (an admission cohort).

    Artists carry a ``gid``: ``"km-<stage code>"`` for each curve,
    ``"km-band-<stage code>"`` for its band, ``"censored-<stage code>"`` for its
    censoring ticks (drawn when there are any), ``"at-risk-<stage code>"`` for each of
    its numbers at risk (a text placed at its year), ``"at-risk-label-<stage code>"``
    for the table's row label, and ``"long-stay-<stage code>"`` for each threshold.

    Args:
        pathways: The records; all must follow the same definition.
        as_of: The date to count up to; stays and moves after it are ignored.
        definition: The definition the records follow; the built-in one they name when
            ``None``.
        since: Count only stays that began on or after this date.
        ax: The matplotlib axes to draw on; a new 12 x 6 inch figure when ``None``.
        confidence: The confidence level of the bands and of the medians' intervals,
            between 0 and 1; ``None`` draws neither.
        censor_marks: Whether to mark the censored stays.
        numbers_at_risk: Whether to write the numbers at risk under the axis.

    Returns:
        The axes drawn on.

    Raises:
        PlottingUnavailableError: matplotlib is not installed.
        StatisticsUnavailableError: numpy, which the medians' intervals need, is not
            installed (the ``plot`` extra installs it).
        ValidationError: The records follow different definitions, or not
            ``definition``, or ``confidence`` is not between 0 and 1.
        WrongTypeError: An argument has the wrong type.
    """
    as_of = check_date(as_of)
    if since is not None:
        since = check_date(since, "since")
    level = _check_confidence(confidence)
    marks = _check_flag(censor_marks, "censor_marks")
    table = _check_flag(numbers_at_risk, "numbers_at_risk")
    records = tuple(pathways)
    for index, record in enumerate(records):
        if not isinstance(record, Pathway):
            raise WrongTypeError.single(f"pathways[{index}]", "a Pathway", type_name(record))
    if definition is None and records:
        definition = resolve_definition(records[0], None)
    stays: dict[str, list[tuple[int, bool]]] = {}
    for record in records:
        resolve_definition(record, definition)
        for placement in record.placements:
            if placement.start >= as_of or (since is not None and placement.start < since):
                continue
            ended = placement.end is not None and placement.end <= as_of
            stop = placement.end if ended and placement.end is not None else as_of
            stays.setdefault(placement.stage, []).append(((stop - placement.start).days, ended))
    axes = _new_axes(ax, _LENGTH_OF_STAY_SIZE)
    stages = () if definition is None else definition.stages
    shown = [stage for stage in stages if stage.exit_criteria is not None and stays.get(stage.code)]
    last_years = max(
        (days / _YEAR_DAYS for stage in shown for days, _ in stays[stage.code]), default=0.0
    )
    for number, stage in enumerate(shown):
        _draw_curve(
            axes,
            stage,
            stays[stage.code],
            colour=_CURVE_COLOURS[number % len(_CURVE_COLOURS)],
            style=_CURVE_STYLES[number % len(_CURVE_STYLES)],
            confidence=level,
            marks=marks,
            last_years=last_years,
        )
    axes.axhline(0.5, color="#999999", linewidth=0.8, gid="half")
    axes.set_ylim(0, 1.02)
    axes.set_xlabel("Years in the stage")
    axes.set_ylabel("Share of stays still going on")
    window = "all stays" if since is None else f"stays begun from {since}"
    axes.set_title(f"Length of stay by stage\n{window}; open stays censored at {as_of}")
    axes.grid(color="#eeeeee", linewidth=0.8)
    axes.set_axisbelow(True)
    if not shown:
        axes.set_xlim(left=0)
        axes.text(0.5, 0.5, "No stays to show", ha="center", va="center")
        return axes
    ticks = _year_ticks(last_years)
    axes.set_xticks(ticks, [f"{tick:g}" for tick in ticks])
    axes.set_xlim(0, last_years if last_years > 0 else 1)
    if table:
        _at_risk_table(axes, shown, stays, ticks)
    _length_of_stay_legend(axes, level, marks)
    return axes


def _draw_curve(
    axes: Axes,
    stage: Stage,
    stays: Sequence[tuple[int, bool]],
    *,
    colour: str,
    style: Any,
    confidence: float | None,
    marks: bool,
    last_years: float,
) -> None:
    """One stage's Kaplan-Meier curve, with its band, censoring ticks and threshold."""
    lengths = [days for days, _ in stays]
    ended = [over for _, over in stays]
    estimate = kaplan_meier(lengths, ended)
    points = _steps(estimate)
    label = f"{stage.name}: {len(stays):,} stays, median {_years(estimate.median)}"
    if confidence is not None:
        from pathway_model.stats import median_interval  # noqa: PLC0415 - needs numpy

        interval = median_interval(lengths, ended, confidence=confidence)
        limits = (
            "not reached"
            if interval.lower is None
            else f"{_years(interval.lower, unit=False)} to {_years(interval.upper, unit=False)}"
        )
        label += f" ({_percent(confidence)} CI {limits})"
        band = _band(estimate, confidence)
        axes.fill_between(
            [day / _YEAR_DAYS for day, _, _ in band],
            [lower for _, lower, _ in band],
            [upper for _, _, upper in band],
            step="post",
            color=colour,
            alpha=0.15,
            linewidth=0,
            gid=f"km-band-{stage.code}",
        )
    axes.step(
        [day / _YEAR_DAYS for day, _ in points],
        [share for _, share in points],
        where="post",
        color=colour,
        linestyle=style,
        linewidth=2,
        gid=f"km-{stage.code}",
        label=label,
    )
    censored = [
        (day / _YEAR_DAYS, share)
        for day, count, share in zip(
            estimate.times, estimate.censored, estimate.survival, strict=True
        )
        if count
    ]
    if marks and censored:
        axes.plot(
            [point[0] for point in censored],
            [point[1] for point in censored],
            linestyle="none",
            marker="|",
            markersize=5,
            markeredgewidth=1.0,
            color=colour,
            gid=f"censored-{stage.code}",
        )
    if stage.long_stay_after is not None:
        years = stage.long_stay_after.approximate_days() / _YEAR_DAYS
        if years <= last_years:
            axes.axvline(
                years,
                color=colour,
                linestyle=":",
                linewidth=1.2,
                gid=f"long-stay-{stage.code}",
                label=f"{stage.name}: long stay after {years:.0f} years",
            )


def _years(days: float | None, *, unit: bool = True) -> str:
    if days is None:
        return "not reached"
    return f"{days / _YEAR_DAYS:.1f}{' years' if unit else ''}"


def _at_risk_table(
    axes: Axes,
    shown: Sequence[Stage],
    stays: dict[str, list[tuple[int, bool]]],
    ticks: Sequence[float],
) -> None:
    """The numbers at risk, a row per stage, under the x-axis label."""
    line = 12.0  # points between rows, for the "small" font
    # The first column is centred on the axis: the row labels clear its widest number.
    widest = max(len(f"{len(stays[stage.code]):,}") for stage in shown)
    _below_axis(
        axes,
        "Number at risk (stays still going on)",
        x=0.0,
        x_in_data=False,
        points_down=4,
        ha="left",
        fontsize="small",
        fontweight="bold",
        gid="at-risk-title",
    )
    for row, stage in enumerate(shown):
        colour = _CURVE_COLOURS[row % len(_CURVE_COLOURS)]
        down = 4 + line * (row + 1)
        lengths = [days for days, _ in stays[stage.code]]
        _below_axis(
            axes,
            stage.name,
            x=0.0,
            x_in_data=False,
            points_down=down,
            points_right=-(6 + 2.6 * widest),
            ha="right",
            fontsize="small",
            color=colour,
            gid=f"at-risk-label-{stage.code}",
        )
        for tick in ticks:
            _below_axis(
                axes,
                f"{_at_risk(lengths, tick):,}",
                x=tick,
                x_in_data=True,
                points_down=down,
                ha="center",
                fontsize="small",
                color=colour,
                gid=f"at-risk-{stage.code}",
            )


def _length_of_stay_legend(axes: Axes, confidence: float | None, marks: bool) -> None:
    from matplotlib.lines import Line2D  # noqa: PLC0415 - an optional dependency
    from matplotlib.patches import Patch  # noqa: PLC0415

    handles, _ = axes.get_legend_handles_labels()
    if confidence is not None:
        handles.append(
            Patch(
                facecolor="#777777",
                alpha=0.3,
                label=(
                    f"Shaded: pointwise {_percent(confidence)} confidence band (Greenwood, log-log)"
                ),
            )
        )
    if marks and any(str(line.get_gid()).startswith("censored-") for line in axes.lines):
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="|",
                markersize=5,
                color="#555555",
                label="Tick: a stay still going on (censored)",
            )
        )
    axes.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize="small",
        frameon=False,
    )


# --- funnel plots -------------------------------------------------------------------------

#: What each kind of funnel compares: the axis labels, the words for the title, and the
#: words for the target line.
_FUNNEL_WORDS = {
    "proportion": (
        "Denominator (size of the unit)",
        "Proportion",
        "a proportion",
        "pooled proportion",
    ),
    "ratio": ("Denominator (size of the unit)", "Ratio", "a ratio", "pooled ratio"),
    "standardised_ratio": (
        "Expected events",
        "Standardised ratio (observed / expected)",
        "an indirectly standardised ratio",
        "observed as expected",
    ),
}
#: How many denominators the limits are drawn at.
_FUNNEL_STEPS = 200


def plot_funnel(
    funnel: Funnel,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
) -> Axes:
    """Draw a funnel plot: each unit against the 95% and 99.8% limits for its size.

    The picture shows each unit (such as a provider) as a point at its denominator
    (expected events, for a standardised ratio) and its figure; the target (the pooled
    figure, or 1 for a standardised ratio) as a dash-dot line; the 95% limits dashed
    and the 99.8% limits solid, drawn from half the smallest unit's size to a tenth
    beyond the largest, from [`Funnel.limits_at`][pathway_model.stats.Funnel.limits_at].
    When the funnel is adjusted for overdispersion, the limits drawn are the adjusted
    ones, and a note under the axis says so, with the dispersion ratio (and the
    between-unit variance, for an additive adjustment); it also says when an adjustment
    was asked for but not made (the dispersion ratio is not above 1).

    A unit inside the 95% limits is a grey circle; one outside them a diamond, and one
    outside the 99.8% limits a darker square; each unit outside the 95% limits is
    labelled with its name. The colours are neutral: lying outside the limits says a
    unit differs from the others by more than chance explains, not whether that is
    better or worse.

    Artists carry a ``gid``: ``"units-within-95"``, ``"units-outside-95"`` and
    ``"units-outside-99.8"`` (one collection each, a point per unit, drawn when there
    are any), ``"label-<unit>"`` (each unit's name), ``"target"``,
    ``"limit-95-lower"``, ``"limit-95-upper"``, ``"limit-99.8-lower"``,
    ``"limit-99.8-upper"`` and ``"note"``.

    Args:
        funnel: The funnel, from [`funnel`][pathway_model.stats.funnel].
        ax: The matplotlib axes to draw on; a new 10 x 5.5 inch figure when ``None``.
        title: The title; by default one that says what the funnel compares, in neutral
            words.
        xlabel: The x-axis label; by default from the funnel's kind ("Expected events"
            for a standardised ratio).
        ylabel: The y-axis label; by default from the funnel's kind.

    Returns:
        The axes drawn on.

    Raises:
        PlottingUnavailableError: matplotlib is not installed.
        WrongTypeError: An argument has the wrong type.

    Examples:
        >>> from pathway_model.stats import funnel
        >>> providers = funnel(["A", "B", "C", "D"], [13, 40, 9, 2], [40, 210, 35, 30],
        ...                    kind="proportion")
        >>> ax = plot_funnel(providers)
        >>> [text.get_text() for text in ax.texts if text.get_gid() == "label-D"]
        ['D']
    """
    from pathway_model.stats import Funnel  # noqa: PLC0415 - the room is loaded on use

    if not isinstance(funnel, Funnel):
        raise WrongTypeError.single("funnel", "a Funnel", type_name(funnel))
    title = _optional_text(title, "title")
    xlabel = _optional_text(xlabel, "xlabel")
    ylabel = _optional_text(ylabel, "ylabel")
    axes = _new_axes(ax, _FUNNEL_SIZE)
    across, up, what, centre = _FUNNEL_WORDS[funnel.kind.value]
    if funnel.units:
        sizes = [unit.denominator for unit in funnel.units]
        _draw_funnel_limits(axes, funnel, min(sizes) / 2, max(sizes) * 1.1)
    axes.axhline(
        funnel.target,
        color="#000000",
        linestyle="-.",
        linewidth=1,
        gid="target",
        label=f"Target: {funnel.target:.4g} ({centre})",
    )
    _draw_funnel_units(axes, funnel)
    if not funnel.units:
        axes.text(0.5, 0.5, "No units to show", ha="center", va="center", transform=axes.transAxes)
    axes.set_xlabel(across if xlabel is None else xlabel)
    axes.set_ylabel(up if ylabel is None else ylabel)
    axes.set_xlim(left=0)
    axes.set_title(
        f"Funnel plot of {what} for {len(funnel.units):,} units\n"
        "against 95% and 99.8% control limits"
        if title is None
        else title
    )
    axes.grid(color="#eeeeee", linewidth=0.8)
    axes.set_axisbelow(True)
    _below_axis(
        axes,
        _funnel_note(funnel),
        x=0.0,
        x_in_data=False,
        points_down=6,
        ha="left",
        fontsize="small",
        gid="note",
    )
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    return axes


def _draw_funnel_limits(axes: Axes, funnel: Funnel, smallest: float, largest: float) -> None:
    """The four limit lines, on a grid of sizes spaced evenly on a log scale."""
    ratio = largest / smallest
    sizes = [smallest * ratio ** (step / (_FUNNEL_STEPS - 1)) for step in range(_FUNNEL_STEPS)]
    limits = [funnel.limits_at(size) for size in sizes]
    lines: tuple[tuple[str, Callable[[FunnelLimits], float], str, float, str | None], ...] = (
        ("limit-95-lower", lambda limit: limit.lower_95, "--", 1.2, "95% limits"),
        ("limit-95-upper", lambda limit: limit.upper_95, "--", 1.2, None),
        ("limit-99.8-lower", lambda limit: limit.lower_99_8, "-", 1.6, "99.8% limits"),
        ("limit-99.8-upper", lambda limit: limit.upper_99_8, "-", 1.6, None),
    )
    adjusted = " (adjusted for overdispersion)" if funnel.adjusted else ""
    for gid, read, style, width, label in lines:
        axes.plot(
            sizes,
            [read(limit) for limit in limits],
            color=_FUNNEL_LINE,
            linestyle=style,
            linewidth=width,
            gid=gid,
            label=None if label is None else label + adjusted,
        )


def _draw_funnel_units(axes: Axes, funnel: Funnel) -> None:
    """The units as points, by where they lie; those outside the 95% limits named."""
    groups = (
        ("units-within-95", "Within the 95% limits", "o", _FUNNEL_WITHIN, 30.0),
        ("units-outside-95", "Outside the 95% limits", "D", _FUNNEL_OUTSIDE_95, 40.0),
        ("units-outside-99.8", "Outside the 99.8% limits", "s", _FUNNEL_OUTSIDE_99_8, 45.0),
    )
    for gid, label, marker, colour, size in groups:
        members = [unit for unit in funnel.units if _funnel_group(unit.position) == gid]
        if not members:
            continue
        axes.scatter(
            [unit.denominator for unit in members],
            [unit.value for unit in members],
            s=size,
            marker=marker,
            color=colour,
            edgecolors="#000000",
            linewidths=0.5,
            zorder=3,
            gid=gid,
            label=label,
        )
    for unit in funnel.units:
        if unit.position.outside_95:
            axes.annotate(
                unit.unit,
                xy=(unit.denominator, unit.value),
                xytext=(5, 4),
                textcoords="offset points",
                fontsize="small",
                gid=f"label-{unit.unit}",
            )


def _funnel_group(position: FunnelPosition) -> str:
    if position.outside_99_8:
        return "units-outside-99.8"
    if position.outside_95:
        return "units-outside-95"
    return "units-within-95"


def _funnel_note(funnel: Funnel) -> str:
    """The note under a funnel's axis: how its limits were set, adjusted or not."""
    phi = f"dispersion ratio φ = {funnel.phi:.3g}"
    kind = funnel.overdispersion.value
    if funnel.adjusted:
        method = "" if funnel.ratio_method is None else f", {funnel.ratio_method.value.upper()}"
        extra = f", between-unit variance τ² = {funnel.tau2:.3g}" if kind == "additive" else ""
        return f"Limits adjusted for overdispersion ({kind}{method}): {phi}{extra}."
    if kind != "none":
        return (
            f"Limits not adjusted for overdispersion: the {kind} adjustment asked for is "
            f"made only when the dispersion ratio φ is above 1, and here φ = {funnel.phi:.3g}."
        )
    exact = (
        "Exact Poisson limits, not" if funnel.kind.value == "standardised_ratio" else "Limits not"
    )
    return f"{exact} adjusted for overdispersion; {phi}."


# --- control charts -----------------------------------------------------------------------

#: For each variation (by its code): the legend's words, the colour and the marker.
#: Improvement and concern are told apart by shape as well as by colour.
_SPC_POINTS = {
    "common_cause": ("Common cause variation", _MDC_COMMON_CAUSE, "o"),
    "special_cause_improvement": ("Special cause: improvement", _MDC_IMPROVEMENT, "D"),
    "special_cause_concern": ("Special cause: concern", _MDC_CONCERN, "X"),
    "special_cause_neutral_high": ("Special cause: high (neither better)", _MDC_NEUTRAL, "^"),
    "special_cause_neutral_low": ("Special cause: low (neither better)", _MDC_NEUTRAL, "v"),
}
_IMPROVEMENT_WORDS = {
    "increase": "higher is better",
    "decrease": "lower is better",
    "neutral": "neither direction is better",
}
_VARIATION_WORDS = {
    "common_cause": "common cause (no signal of change)",
    "special_cause_improvement": "special cause improvement",
    "special_cause_concern": "special cause concern",
    "special_cause_neutral_high": "special cause, high (neither direction better)",
    "special_cause_neutral_low": "special cause, low (neither direction better)",
}
_ASSURANCE_WORDS = {
    "consistent_pass": "the target will consistently be met (the limits are all on its good side)",
    "consistent_fail": (
        "the target will consistently be missed without a change to the process "
        "(the limits are all on its wrong side)"
    ),
    "inconsistent": "the target will be hit and missed by chance (it lies within the limits)",
}


def plot_spc(
    chart: XmrChart,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    ylabel: str | None = None,
) -> Axes:
    """Draw an XmR chart in the NHS "Making Data Count" style.

    The picture shows the series as a grey line through its points; each segment's mean
    (solid, black) and process limits (dashed, grey), broken where the chart was
    rebased; the target, if any (dash-dot, red); and each point coloured by its
    variation, in NHSRplotthedots' colours: grey for common cause, blue for a special
    cause of improvement, orange for one of concern, purple for one where neither
    direction is better. The point's shape says the same (circle, diamond, cross,
    triangle), so the picture reads in greyscale too.

    Under the axis, a note states in words what the chart says: which direction is
    better, the variation of the latest point, the assurance against the target (or
    that there is none), and whether any segment's limits are trial limits (fewer than
    13 points). Making Data Count's icons are not drawn: the note says what they would.

    Artists carry a ``gid``: ``"series-<n>"``, ``"mean-<n>"``, ``"upper-limit-<n>"`` and
    ``"lower-limit-<n>"`` for segment ``n`` (from 0); ``"points-<variation code>"`` (one
    collection per variation present, e.g. ``"points-special_cause_improvement"``);
    ``"target"``; and ``"summary"`` (the note).

    Args:
        chart: The chart, from [`xmr_chart`][pathway_model.stats.xmr_chart].
        ax: The matplotlib axes to draw on; a new 10 x 5 inch figure when ``None``.
        title: The title; by default one that says what is drawn and over which periods.
        ylabel: The y-axis label; "Value" by default.

    Returns:
        The axes drawn on.

    Raises:
        PlottingUnavailableError: matplotlib is not installed.
        WrongTypeError: An argument has the wrong type.

    Examples:
        >>> import datetime as dt
        >>> from pathway_model.stats import xmr_chart
        >>> months = [dt.date(2024 + m // 12, m % 12 + 1, 1) for m in range(18)]
        >>> values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
        >>> ax = plot_spc(xmr_chart(months, values, improvement="decrease"))
        >>> [len(c.get_offsets()) for c in ax.collections if c.get_gid() == "points-common_cause"]
        [17]
    """
    from pathway_model.stats import XmrChart  # noqa: PLC0415 - the room is loaded on use

    if not isinstance(chart, XmrChart):
        raise WrongTypeError.single("chart", "an XmrChart", type_name(chart))
    title = _optional_text(title, "title")
    ylabel = _optional_text(ylabel, "ylabel")
    axes = _new_axes(ax, _SPC_SIZE)
    for index, segment in enumerate(chart.segments):
        members = [point for point in chart.points if point.segment == index]
        days = [_day(point.period) for point in members]
        ends = [days[0], days[-1]]
        axes.plot(
            days,
            [point.value for point in members],
            color=_MDC_VALUE_LINE,
            linewidth=1.2,
            gid=f"series-{index}",
        )
        axes.plot(
            ends,
            [segment.mean] * 2,
            color=_MDC_MEAN_LINE,
            linewidth=1.2,
            gid=f"mean-{index}",
            label="Mean" if index == 0 else None,
        )
        for gid, limit, label in (
            (
                "upper-limit",
                segment.upper_limit,
                "Process limits",
            ),
            ("lower-limit", segment.lower_limit, None),
        ):
            axes.plot(
                ends,
                [limit] * 2,
                color=_MDC_LIMITS,
                linestyle="--",
                linewidth=1.2,
                gid=f"{gid}-{index}",
                label=label if index == 0 else None,
            )
    if chart.target is not None:
        axes.axhline(
            chart.target,
            color=_MDC_TARGET,
            linestyle="-.",
            linewidth=1.2,
            gid="target",
            label=f"Target: {chart.target:.4g}",
        )
    for code, (label, colour, marker) in _SPC_POINTS.items():
        members = [point for point in chart.points if point.variation.value == code]
        if not members:
            continue
        axes.scatter(
            [_day(point.period) for point in members],
            [point.value for point in members],
            s=36,
            marker=marker,
            color=colour,
            edgecolors="#000000" if code != "common_cause" else colour,
            linewidths=0.5,
            zorder=3,
            gid=f"points-{code}",
            label=label,
        )
    _date_axis(axes)
    axes.set_ylabel("Value" if ylabel is None else ylabel)
    first, last = chart.points[0].period, chart.points[-1].period
    axes.set_title(
        f"XmR chart (Making Data Count): {len(chart.points):,} points, {first} to {last}"
        if title is None
        else title
    )
    axes.grid(axis="y", color="#eeeeee", linewidth=0.8)
    axes.set_axisbelow(True)
    _below_axis(
        axes,
        _spc_summary(chart),
        x=0.0,
        x_in_data=False,
        points_down=4,
        ha="left",
        fontsize="small",
        gid="summary",
    )
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    return axes


def _spc_summary(chart: XmrChart) -> str:
    """What the chart says: direction, variation, assurance, trial limits, autocorrelation."""
    lines = [
        f"Improvement: {_IMPROVEMENT_WORDS[chart.improvement.value]}.",
        f"Variation at the latest point: {_VARIATION_WORDS[chart.variation.value]}.",
    ]
    if chart.target is None:
        lines.append("Assurance: no target set.")
    elif chart.assurance is None:
        lines.append(
            f"Assurance: not assessed against the target {chart.target:.4g}, "
            "as neither direction is better."
        )
    else:
        lines.append(
            f"Assurance against the target {chart.target:.4g}: "
            f"{_ASSURANCE_WORDS[chart.assurance.value]}."
        )
    if any(segment.trial_limits for segment in chart.segments):
        lines.append("Trial limits: a segment has fewer than 13 points; the limits will move.")
    if chart.autocorrelated:
        found = max(
            segment.autocorrelation
            for segment in chart.segments
            if segment.autocorrelated and segment.autocorrelation is not None
        )
        lines.append(
            f"Autocorrelated (lag-one r = {found:.2f}): points lean on those before them, so "
            "the limits are too narrow; read a run of flags as one drift or step, not as news "
            "at each point."
        )
    return "\n".join(lines)
