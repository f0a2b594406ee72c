"""What every batch scoring function shares: tidy rows out, and problems per row.

Analysts score thousands of records at once. A batch function reads an iterable of plain
records (mappings, e.g. rows of a CSV or a database query) and returns a
[`Batch`][pathway_model.Batch]: one tidy row (a dict) per valid record, and a
[`RowProblem`][pathway_model.RowProblem] for each thing wrong with an invalid one.
Invalid records are never scored silently: the caller chooses ``on_error="raise"``
(the default: one ``ValidationError`` listing every problem) or ``on_error="collect"``
(the valid rows scored, the problems returned beside them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from pathway_model.errors import Problem, ValidationError, WrongTypeError
from pathway_model.model._checks import type_name

__all__ = ["Batch", "OnError", "RowProblem", "score_records"]

OnError = Literal["raise", "collect"]
"""What a batch function does with invalid records: raise, or collect the problems."""


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
        """The rows as a ``pandas.DataFrame`` (needs the ``pandas`` extra).

        Raises:
            ImportError: pandas is not installed.
        """
        import pandas as pd  # noqa: PLC0415 - an optional dependency, loaded when asked for

        return pd.DataFrame(list(self.rows))


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
            ``$[row].field``.
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
        raise ValidationError(problem.as_problem() for problem in problems)
    return Batch(rows=tuple(rows), problems=tuple(problems))
