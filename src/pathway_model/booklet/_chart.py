"""Where the marks of an area's chart go: the person's view and the team's, review by review.

Only numbers are worked out here; the template writes the SVG, so every word in it
(level labels, dates) is escaped like the rest of the page.
"""

from __future__ import annotations

import attrs

from pathway_model.booklet._content import Point

__all__ = ["Chart", "Mark", "chart"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

WIDTH = 640
_LEFT = 150
_RIGHT = 40
_TOP = 24
_ROW = 56
_BOTTOM = 56


@attrs.frozen(kw_only=True)
class Mark:
    """One mark on the chart: where it goes.

    Attributes:
        x: Across, in the chart's own units.
        y: Down, in the chart's own units.
    """

    x: int
    y: int


@attrs.frozen(kw_only=True)
class Chart:
    """An area's chart, laid out.

    Attributes:
        width: The width of the drawing.
        height: The height of the drawing.
        rows: Each level's line: its height and its everyday label, lowest first.
        columns: Each review's place across, and its day and year written short.
        mine: The person's marks (a review where they gave no view has none).
        team: The team's marks.
        mine_line: The person's marks as an SVG ``points`` list, for joined-up reviews.
        team_line: The team's marks as an SVG ``points`` list.
    """

    width: int
    height: int
    rows: tuple[tuple[int, str], ...]
    columns: tuple[tuple[int, str, str], ...]
    mine: tuple[Mark, ...]
    team: tuple[Mark, ...]
    mine_line: str
    team_line: str


def chart(points: tuple[Point, ...], levels: tuple[str, ...]) -> Chart:
    """Lay out the chart of one area's recent reviews on a scale of ``levels``."""
    height = _TOP + _ROW * max(len(levels) - 1, 1) + _BOTTOM
    bottom = height - _BOTTOM

    def y(position: int) -> int:
        return bottom - position * _ROW

    inner = WIDTH - _LEFT - _RIGHT
    step = inner // max(len(points) - 1, 1)
    xs = [
        _LEFT + (inner // 2 if len(points) == 1 else index * step) for index in range(len(points))
    ]
    mine = tuple(
        Mark(x=x, y=y(point.my_rank))
        for x, point in zip(xs, points, strict=True)
        if point.my_rank is not None
    )
    team = tuple(Mark(x=x, y=y(point.team_rank)) for x, point in zip(xs, points, strict=True))
    return Chart(
        width=WIDTH,
        height=height,
        rows=tuple((y(index), label) for index, label in enumerate(levels)),
        columns=tuple(
            (x, f"{point.day.day} {_MONTHS[point.day.month - 1]}", str(point.day.year))
            for x, point in zip(xs, points, strict=True)
        ),
        mine=mine,
        team=team,
        mine_line=" ".join(f"{mark.x},{mark.y}" for mark in mine),
        team_line=" ".join(f"{mark.x},{mark.y}" for mark in team),
    )
