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

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
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
    the scores. The problems stay in ``batch.problems``. Like
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
    import pandas as pd  # noqa: PLC0415 - an optional dependency, loaded when asked for

    return pd.DataFrame(list(batch.rows))


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
