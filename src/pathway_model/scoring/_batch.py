"""What every batch scoring function shares: tidy rows out, and problems per row.

Analysts score thousands of records at once. A batch function reads an iterable of plain
records (mappings, e.g. rows of a CSV or a database query) and returns a
[`Batch`][pathway_model.scoring.Batch]: one tidy row (a dict) per valid record, and a
[`RowProblem`][pathway_model.scoring.RowProblem] for each thing wrong with an invalid one.
Invalid records are never scored silently: the caller chooses ``on_error="raise"``
(the default: one ``ValidationError`` listing every problem) or ``on_error="collect"``
(the valid rows scored, the problems returned beside them).

Every batch and data-frame function follows one convention, described once in the
scoring reference ("Data frames and records: one convention"): whole numbers may be
``int`` or numpy integers; a data-frame cell is read as the record form would read the
same value (a missing cell as ``None``, a whole float such as ``3.0`` as ``3``); raising
lists at most ``MAX_LISTED`` problems and counts the rest; and a collected ``problems``
cell is ``""`` for a valid row.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import math
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Literal, NoReturn

import attrs

from pathway_model.errors import Problem, ValidationError, WrongTypeError
from pathway_model.model._seam import as_float, as_int, is_bool, type_name

__all__ = ["Batch", "OnError", "RowProblem", "batch_frame", "score_records"]

OnError = Literal["raise", "collect"]
"""What a batch function does with invalid records: raise, or collect the problems."""

#: Problems listed by a batch or data-frame function's error; the rest are counted. The
#: same cap as every other error (`ValidationError.MAX_PROBLEMS`).
MAX_LISTED = ValidationError.MAX_PROBLEMS


def frame_cell(value: object) -> object:
    """A data-frame cell as the record form would be given it.

    A missing value (``None``, a float NaN, ``pd.NA``, ``pd.NaT``) becomes ``None``;
    a numpy integer becomes its ``int``; a whole float (``3.0``, a numpy float) becomes
    its ``int``, because pandas stores a column of whole numbers with gaps as floats.
    Everything else (a fraction, an infinity, a ``bool``, text) is returned unchanged,
    for the record form's checks to refuse or read.
    """
    if value is None or type(value) in (int, str) or is_bool(value):
        return value
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    whole = as_int(value)
    if whole is not None:
        return whole
    number = as_float(value)
    if number is not None and math.isnan(number):
        return None
    if number is not None and math.isfinite(number) and number.is_integer():
        return int(number)
    return value


def frame_records(frame: Any, columns: Iterable[str]) -> list[dict[str, Any]]:
    """One record per row of ``frame``, holding the cells of ``columns`` it has.

    A column the frame lacks is left out of every record, so the record form reports
    it as an absent field. Cells are read by ``frame_cell``.
    """
    records: list[dict[str, Any]] = [{} for _ in range(len(frame))]
    for name in columns:
        if name not in frame.columns:
            continue
        cells = frame[name].to_numpy(dtype=object).tolist()
        for record, cell in zip(records, cells, strict=True):
            record[name] = frame_cell(cell)
    return records


def problem_text(field: str, expected: str, found: str) -> str:
    """One problem as a data frame's ``problems`` cell writes it."""
    return (f"{field}: " if field else "") + f"expected {expected}; found {found}"


def problem_texts(problems: Iterable[RowProblem], size: int) -> list[str]:
    """One text per row: its problems joined by " | ", or ``""`` for a valid row."""
    texts: list[list[str]] = [[] for _ in range(size)]
    for problem in problems:
        texts[problem.row].append(problem_text(problem.field, problem.expected, problem.found))
    return [" | ".join(found) for found in texts]


# --- result frames: the dtypes of what the library gives ---------------------------------------

#: The kinds of column a result frame holds, and the pandas dtype of each. ``money`` is a
#: pair of columns: the amount in pounds (``Float64``) and its exact pence (``Int64``, in a
#: column named with ``_pence``); ``object`` keeps what nothing else fits.
COLUMN_DTYPES = {
    "int": "Int64",
    "float": "Float64",
    "bool": "boolean",
    "text": "string",
    "money": "Float64",
    "date": "datetime64[ns]",
}
#: The suffix of the column that holds a money column's exact pence.
PENCE = "_pence"


#: The kinds a column of values of only these types makes, the narrowest first.
_KINDS_OF_TYPES: tuple[tuple[frozenset[type], str], ...] = (
    (frozenset({bool}), "bool"),
    (frozenset({int}), "int"),
    (frozenset({int, float}), "float"),
    (frozenset({int, float, Decimal}), "money"),
    (frozenset({dt.date}), "date"),
)


def _kind_of_types(kinds: set[type]) -> str:
    """The kind of a column whose values (``None`` left out) are of these types."""
    if kinds and all(kind is str or issubclass(kind, enum.Enum) for kind in kinds):
        return "text"
    return next((kind for allowed, kind in _KINDS_OF_TYPES if kinds and kinds <= allowed), "object")


def column_kind(hint: object) -> str:
    """The kind of column a field of this type makes (``int | None`` makes ``"int"``)."""
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    parts = typing.get_args(hint) if union else (hint,)
    kinds: set[type] = set()
    for part in parts:
        if part is type(None):
            continue
        if typing.get_origin(part) is Literal:
            kinds.update(type(value) for value in typing.get_args(part))
        elif isinstance(part, type):
            kinds.add(part)
        else:
            return "object"
    return _kind_of_types(kinds)


def value_kind(values: Iterable[object]) -> str:
    """The kind of column these values make, ``None`` left out (see `column_kind`)."""
    return _kind_of_types({type(value) for value in values if value is not None})


def _pence(value: object) -> int | None:
    """An amount's exact pence, for a ``Decimal``; ``None`` for anything else."""
    if not isinstance(value, Decimal):
        return None
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_EVEN))


def _plain(value: object) -> object:
    """A value as its column holds it: an enum member as its code, an amount as a float."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    return value


def result_frame(columns: Sequence[tuple[str, str, Sequence[object]]], index: Any = None) -> Any:
    """A data frame of results: each ``(name, kind, values)`` a column of the kind's dtype.

    The one convention of the frames the library gives ("Data frames and records: one
    convention"): whole numbers ``Int64``, other numbers ``Float64``, flags
    ``boolean``, codes and text ``string``, dates ``datetime64[ns]``, all nullable, so
    that ``to_parquet`` and ``read_parquet`` give the same frame back. A ``money`` column
    is the amount in pounds (``Float64``) followed by its exact pence (``Int64``, named
    with ``_pence``): a float cannot hold every amount exactly, and the pence can.
    """
    import pandas as pd  # noqa: PLC0415 - an optional dependency, loaded when asked for

    data: dict[str, Any] = {}
    for name, kind, values in columns:
        if kind == "object":
            data[name] = pd.array(list(values), dtype=object)
            continue
        if kind == "date":
            data[name] = pd.to_datetime(pd.Series(list(values), dtype=object))
            continue
        data[name] = pd.array([_plain(value) for value in values], dtype=COLUMN_DTYPES[kind])
        if kind == "money":
            data[name + PENCE] = pd.array([_pence(value) for value in values], dtype="Int64")
    return pd.DataFrame(data, index=index)


def refuse(listed: Iterable[Problem], *, total: int) -> NoReturn:
    """Raise the first ``MAX_LISTED`` problems of a batch, counting every one.

    Args:
        listed: The problems in input order; only the first ``MAX_LISTED`` are read.
        total: How many problems there are in all.
    """
    shown = list(itertools.islice(listed, MAX_LISTED))
    raise ValidationError(shown, max(total, len(shown)))


@attrs.frozen(kw_only=True)
class RowProblem:
    """One thing wrong with one input record.

    Attributes:
        row: The record's position in the input, from 0.
        field: The field (column) with the problem; ``""`` for the record as a whole.
        expected: What was expected there.
        found: What was found (never free text).
    """

    row: int
    field: str
    expected: str
    found: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.field}" if self.field else "")
        return f"{where}: expected {self.expected}; found {self.found}"

    def as_problem(self) -> Problem:
        """The same problem as a [`Problem`][pathway_model.Problem], path ``$[row].field``."""
        path = f"$[{self.row}]" + (f".{self.field}" if self.field else "")
        return Problem(path=path, expected=self.expected, found=self.found)


@attrs.frozen(kw_only=True)
class Batch:
    """The result of a batch scoring function: tidy rows, and the problems of invalid records.

    Attributes:
        rows: One dict per valid record, in input order; each has ``row`` (the record's
            position in the input) first, then any fields kept from the record, then
            the scores.
        problems: Every problem with the invalid records, in input order.
    """

    rows: tuple[dict[str, Any], ...]
    problems: tuple[RowProblem, ...]

    def to_frame(self) -> Any:
        """The rows as a ``pandas.DataFrame``: the same as ``frames.batch_frame(batch)``.

        A convenience for [`batch_frame`][pathway_model.scoring.frames.batch_frame],
        which says what the table holds.

        Raises:
            ImportError: pandas is not installed.
        """
        return batch_frame(self)


def batch_frame(batch: Batch) -> Any:
    """Turn a batch's rows into a data frame (needs the ``pandas`` extra).

    One frame row per valid record, in input order; the columns are the rows' keys in
    their order: ``row`` (the record's position in the input), the fields kept, then
    the scores. The problems stay in ``batch.problems``. Each column takes the dtype of
    the values in it, by the one convention of result frames: whole numbers ``Int64``,
    other numbers ``Float64``, flags ``boolean``, text ``string``, amounts (``Decimal``)
    ``Float64`` pounds beside an ``Int64`` column of their pence (named with
    ``_pence``), dates ``datetime64[ns]``; a column of anything else, or of nothing but
    gaps, stays ``object``. Like
    [`cohort_frame`][pathway_model.scoring.frames.cohort_frame], it only turns result
    rows into a table and reads no cells. [`Batch.to_frame`][pathway_model.scoring.Batch.to_frame]
    is the same table.

    Args:
        batch: What a batch scoring function returned.

    Raises:
        WrongTypeError: ``batch`` is not a [`Batch`][pathway_model.scoring.Batch].
        ImportError: pandas is not installed.

    Examples:
        >>> from pathway_model.scoring import score_records
        >>> batch = score_records([{"x": 1}, {"x": 2}], lambda r: {"double": 2 * r["x"]})
        >>> batch_frame(batch)["double"].tolist()
        [2, 4]
    """
    if not isinstance(batch, Batch):
        raise WrongTypeError.single("batch", "a Batch", type_name(batch))
    names: dict[str, None] = {}
    for row in batch.rows:
        names.update(dict.fromkeys(row))
    columns = []
    for name in names:
        values = [row.get(name) for row in batch.rows]
        columns.append((name, value_kind(values), values))
    return result_frame(columns)


#: A scorer checks one record and returns its scores, or the problems with it.
Scorer = Callable[[Mapping[str, Any]], "dict[str, Any] | list[tuple[str, str, str]]"]


def score_records(
    records: Iterable[Mapping[str, Any]],
    scorer: Scorer,
    *,
    keep: Sequence[str] = (),
    on_error: OnError = "raise",
) -> Batch:
    """Run ``scorer`` over ``records`` and gather tidy rows and row problems.

    Args:
        records: The input records, each a mapping of field to value.
        scorer: Returns a record's scores as a dict, or a list of
            ``(field, expected, found)`` problems.
        keep: Fields copied from each record to its row unchanged, e.g. an id and a date.
        on_error: ``"raise"`` to raise one error listing every problem, or ``"collect"``
            to return the problems beside the valid rows.

    Raises:
        ValidationError: ``on_error="raise"`` and a record is invalid; the paths are
            ``$[row].field``. The first 100 problems are listed and the rest counted.
        WrongTypeError: ``records`` is not iterable, or ``on_error`` is neither choice.
    """
    if on_error not in ("raise", "collect"):
        raise WrongTypeError.single("on_error", "'raise' or 'collect'", repr(on_error)[:40])
    if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Iterable):
        raise WrongTypeError.single(
            "records", "an iterable of records (mappings)", type_name(records)
        )
    rows: list[dict[str, Any]] = []
    problems: list[RowProblem] = []
    given: Iterable[object] = records  # checked item by item: input is often messy
    for index, record in enumerate(given):
        if not isinstance(record, Mapping):
            problems.append(
                RowProblem(
                    row=index, field="", expected="a record (a mapping)", found=type_name(record)
                )
            )
            continue
        missing = [name for name in keep if name not in record]
        result = scorer(record)
        if missing or isinstance(result, list):
            problems.extend(
                RowProblem(row=index, field=name, expected="a value to keep", found="no field")
                for name in missing
            )
            if isinstance(result, list):
                problems.extend(
                    RowProblem(row=index, field=field, expected=expected, found=found)
                    for field, expected, found in result
                )
            continue
        rows.append({"row": index, **{name: record[name] for name in keep}, **result})
    if problems and on_error == "raise":
        refuse(
            (problem.as_problem() for problem in problems),
            total=len(problems),
        )
    return Batch(rows=tuple(rows), problems=tuple(problems))
