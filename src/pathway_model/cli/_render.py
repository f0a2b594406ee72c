"""Rendering results for people: counts, amounts, JSON text and fixed-width tables.

Codes and other values from the input are shown in messages with the library's public
`show_code`, imported here for the command's modules, so that the command's problems
read as the library's do.
"""

from __future__ import annotations

import decimal
import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import attrs

from pathway_model.errors import show_code

__all__ = [
    "INDENT",
    "Column",
    "Row",
    "cell",
    "column",
    "json_text",
    "money",
    "plural",
    "pounds",
    "show_code",
    "table",
]

#: How far a row inside a group is indented, under its group's row.
INDENT = "  "
_WHOLE_POUND = Decimal(1)


def plural(count: int, word: str) -> str:
    """A count and its noun: ``1 record``, ``1,200 records``."""
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def json_text(document: object, indent: int) -> str:
    """A JSON document as text: deterministic, UTF-8 as is, one line when ``indent`` is 0."""
    if indent:
        text = json.dumps(document, ensure_ascii=False, allow_nan=False, indent=indent)
    else:
        text = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text + "\n"


def money(amount: Decimal) -> str:
    """An amount in pounds, to the penny when it has pence: ``£55,144``, ``£12.50``.

    The explanations of a decision write amounts so too (the tests hold the two alike).
    """
    whole = amount == amount.to_integral_value()
    return f"£{amount:,.0f}" if whole else f"£{amount:,.2f}"


def pounds(amount: Decimal) -> str:
    """An amount in whole pounds, rounded half to even: ``£1,234``, ``-£56``."""
    whole = amount.quantize(_WHOLE_POUND, rounding=decimal.ROUND_HALF_EVEN)
    sign = "-" if whole < 0 else ""
    return f"{sign}£{abs(whole):,.0f}"


def cell(value: object, unit: str) -> str:
    """A measure's value as a table shows it, by the measure's unit."""
    if value is None:
        text = "-"
    elif isinstance(value, str):  # a figure shown as it is given, such as "*" (suppressed)
        text = value
    elif isinstance(value, Decimal):
        text = pounds(value)
    elif isinstance(value, float) and unit == "share":
        text = f"{value * 100:.1f}%"
    elif isinstance(value, float) and unit == "days":
        text = f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    elif isinstance(value, float):
        text = f"{value:,.2f}"
    else:
        text = f"{value:,}"
    return text


@attrs.frozen(kw_only=True)
class Column:
    """A column of a table: a measure, or a field of a payment.

    Attributes:
        field: The name of the value it shows.
        label: Its first header line.
        unit: Its second header line.
    """

    field: str
    label: str
    unit: str


def column(field: str, label: str, unit: str) -> Column:
    """A column, in short: ``column("bed_days", "Bed days", "days")``."""
    return Column(field=field, label=label, unit=unit)


@attrs.frozen(kw_only=True)
class Row:
    """One row of a table: its label, and where its values come from.

    Attributes:
        label: The row's label, in the first column.
        values: Gives the value of a field.
        ranks: The row's rank on each ranked field, as a number or as shown (``"3~"``);
            ``None`` for a row that is not ranked.
    """

    label: str
    values: Callable[[str], object]
    ranks: dict[str, int | str | None] | None = None


def table(
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Row],
    units: Mapping[str, str],
    *,
    better: Mapping[str, str] | None = None,
    rank_of: str = "the provider's rank",
) -> str:
    """A fixed-width table: a title, a line on ranks, two header lines, a rule and the rows.

    Args:
        title: The table's title.
        columns: Its columns, after the rows' labels.
        rows: Its rows.
        units: Each field's unit, which says how its values are shown (see ``cell``).
        better: Each ranked field's better direction (``"higher"`` or ``"lower"``), for the
            line that says which way the ranks run.
        rank_of: What a rank is, for that line.
    """
    ranked = [item for item in columns if _ranked(item, rows)]
    header: list[list[str]] = [["", ""]]
    for item in columns:
        header.append([item.label, item.unit])
        if item in ranked:
            header.append(["#", ""])
    body = []
    for row in rows:
        cells = [row.label]
        for item in columns:
            cells.append(cell(row.values(item.field), units[item.field]))
            if item in ranked:
                rank = None if row.ranks is None else row.ranks.get(item.field)
                cells.append("" if row.ranks is None else "-" if rank is None else str(rank))
        body.append(cells)
    widths = [
        max(len(line[index]) for line in [*zip(*header, strict=True), *body])
        for index in range(len(header))
    ]
    lines = [title]
    if ranked:
        lines.append(_rank_legend(ranked, better or {}, rank_of))
    lines.extend(_line([cells[level] for cells in header], widths) for level in (0, 1))
    lines.append("-" * (sum(widths) + 2 * (len(widths) - 1)))
    lines.extend(_line(cells, widths) for cells in body)
    return "\n".join(lines)


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    first, *rest = cells
    parts = [first.ljust(widths[0])]
    parts.extend(text.rjust(width) for text, width in zip(rest, widths[1:], strict=True))
    return "  ".join(parts).rstrip()


def _ranked(item: Column, rows: Sequence[Row]) -> bool:
    return any(row.ranks is not None and item.field in row.ranks for row in rows)


def _rank_legend(ranked: Sequence[Column], better_of: Mapping[str, str], rank_of: str) -> str:
    """Say which way each ranked column ranks, in one line under the table's title."""
    better = {item.label: better_of[item.field] for item in ranked}
    directions = sorted(set(better.values()))
    if len(directions) == 1:
        return f"#: {rank_of}, 1 the best; {directions[0]} is better."
    majority = max(directions, key=lambda way: (list(better.values()).count(way), way))
    others = ", ".join(label for label, way in better.items() if way != majority)
    minority = next(way for way in directions if way != majority)
    return f"#: {rank_of}, 1 the best; {majority} is better, {minority} for {others}."
