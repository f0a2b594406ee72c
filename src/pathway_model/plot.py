"""Pictures of pathways: one person's timeline, and a cohort's length of stay by stage.

The pictures need matplotlib, an optional extra:

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
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pathway_model.errors import PathwayModelError, WrongTypeError
from pathway_model.model import IncidentSeverity, Pathway, PathwayDefinition, Stage
from pathway_model.model._seam import type_name
from pathway_model.rules import readiness_history
from pathway_model.rules._stay import check_date, qualifies, resolve_definition
from pathway_model.scoring._survival import KaplanMeier, kaplan_meier

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "PlottingUnavailableError",
    "plot_length_of_stay",
    "plot_timeline",
]

_INSTALL_HINT = 'pip install "pathway-model[plot]"'
"""The command that installs what the pictures need."""

#: Figure sizes in inches at 100 dots per inch: fixed, so pictures come out the same.
_TIMELINE_SIZE = (10.0, 4.0)
_LENGTH_OF_STAY_SIZE = (8.0, 4.5)
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
#: Restrictive interventions: one colour whatever their severity (Okabe-Ito reddish purple).
_RESTRICTIVE_COLOUR = "#CC79A7"
_CURVE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


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
    - each incident as a triangle above the line, darker for more serious ones;
    - each restrictive intervention (done to the person by staff, never counted against
      readiness) apart, as a hollow square below the line;
    - ``as_of`` as a dashed line.

    Nothing dated after ``as_of`` is drawn.

    Artists carry a ``gid`` so that code can find them: ``"stages"`` (the step line),
    ``"reviews-met"`` and ``"reviews-not-met"`` (one collection each, a point per
    review), ``"ready-run"`` (one shaded span per ready run), ``"incidents"`` (one
    collection, a point per incident the person was involved in),
    ``"restrictive-interventions"`` (one collection, a point per restrictive
    intervention, drawn only when there are any) and ``"as-of"``.

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
    date2num = _dates().date2num

    def x(day: dt.date) -> float:
        return float(date2num(day))

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


def _draw_incidents(
    axes: Axes,
    pathway: Pathway,
    definition: PathwayDefinition,
    as_of: dt.date,
    x: Callable[[dt.date], float],
) -> None:
    """Incidents above their stay's line, darker for more serious ones.

    Restrictive interventions, done to the person by staff, are drawn apart: below the
    line, in one colour, and only when there are any.
    """
    xs: list[float] = []
    ys: list[float] = []
    colours: list[str] = []
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
        s=28,
        marker="v",
        color=colours,
        zorder=3,
        gid="incidents",
        label="Incident (darker: more serious)",
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


def plot_length_of_stay(
    pathways: Iterable[Pathway],
    *,
    as_of: dt.date,
    definition: PathwayDefinition | None = None,
    since: dt.date | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw the cohort's length of stay in each stage, open stays counted as censored.

    For each stage with exit criteria, a Kaplan-Meier step curve shows the share of
    stays still going on after each number of years. A stay still open at ``as_of``
    counts up to ``as_of`` and is censored there: it is never dropped, and never read
    as ended. The legend gives each stage's number of stays and its median length (or
    says it is not reached); a dotted line marks the stage's long-stay threshold where
    it has one.

    The stays counted are those the cohort report's length of stay counts: begun before
    ``as_of`` (and on or after ``since`` when given), and the estimate is the report's own
    (`kaplan_meier`), so the curve, the legend's count and its median agree with
    ``cohort_report``'s ``length_of_stay`` for the same dates.

    People who were admitted long ago are in a cohort only if their stay was long
    enough to reach its window, so a cohort's stays over-represent long ones. Pass
    ``since`` to count only stays that began on or after a date (an admission cohort).

    Artists carry a ``gid``: ``"km-<stage code>"`` for each curve and
    ``"long-stay-<stage code>"`` for each threshold.

    Args:
        pathways: The records; all must follow the same definition.
        as_of: The date to count up to; stays and moves after it are ignored.
        definition: The definition the records follow; the built-in one they name when
            ``None``.
        since: Count only stays that began on or after this date.
        ax: The matplotlib axes to draw on; a new 8 x 4.5 inch figure when ``None``.

    Returns:
        The axes drawn on.

    Raises:
        PlottingUnavailableError: matplotlib is not installed.
        ValidationError: The records follow different definitions, or not ``definition``.
        WrongTypeError: An argument has the wrong type.
    """
    as_of = check_date(as_of)
    if since is not None:
        since = check_date(since, "since")
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
    shown = 0
    stages = () if definition is None else definition.stages
    for stage in stages:
        if stage.exit_criteria is None or not stays.get(stage.code):
            continue
        colour = _CURVE_COLOURS[shown % len(_CURVE_COLOURS)]
        shown += 1
        lengths = stays[stage.code]
        estimate = kaplan_meier([days for days, _ in lengths], [over for _, over in lengths])
        points = _steps(estimate)
        median = estimate.median
        middle = "not reached" if median is None else f"{median / _YEAR_DAYS:.1f} years"
        axes.step(
            [day / _YEAR_DAYS for day, _ in points],
            [share for _, share in points],
            where="post",
            color=colour,
            linewidth=2,
            gid=f"km-{stage.code}",
            label=f"{stage.name}: {len(stays[stage.code]):,} stays, median {middle}",
        )
        if stage.long_stay_after is not None:
            years = stage.long_stay_after.approximate_days() / _YEAR_DAYS
            axes.axvline(
                years,
                color=colour,
                linestyle=":",
                linewidth=1.2,
                gid=f"long-stay-{stage.code}",
                label=f"{stage.name}: long stay after {years:.0f} years",
            )
    if shown == 0:
        axes.text(0.5, 0.5, "No stays to show", ha="center", va="center")
    axes.axhline(0.5, color="#999999", linewidth=0.8, gid="half")
    axes.set_ylim(0, 1.02)
    axes.set_xlim(left=0)
    axes.set_xlabel("Years in the stage")
    axes.set_ylabel("Share of stays still going on")
    window = "all stays" if since is None else f"stays begun from {since}"
    axes.set_title(f"Length of stay by stage\n{window}; open stays censored at {as_of}")
    axes.grid(color="#eeeeee", linewidth=0.8)
    axes.set_axisbelow(True)
    if shown:
        axes.legend(loc="upper right", fontsize="small", framealpha=0.9)
    return axes
