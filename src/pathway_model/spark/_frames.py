"""What the Spark functions share: argument checks, and the problems of one document.

pyspark and pandas are imported here only inside functions, when a Spark function is
called, so that ``import pathway_model.spark`` needs neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from pathway_model.errors import (
    PathwayModelError,
    Problem,
    UnknownCodeError,
    ValidationError,
    WrongTypeError,
    show_code,
)
from pathway_model.model import PathwayDefinition
from pathway_model.model._seam import type_name

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__: list[str] = []

#: Problems of one document joined in its ``problems`` cell, as every data-frame form does.
SEPARATOR = " | "


def require_spark() -> None:
    """Raise an ImportError that names the extra when pyspark is not installed."""
    try:
        import pyspark  # noqa: F401, PLC0415 - the optional extra, loaded when called
    except ImportError as error:  # pragma: no cover - the Spark tests run with pyspark
        msg = "pathway_model.spark needs pyspark: install the extra, pathway-model[spark]"
        raise ImportError(msg) from error


def check_frame(value: object, name: str) -> DataFrame:
    """``value`` if it is a Spark DataFrame (classic or Spark Connect), else a WrongTypeError."""
    require_spark()
    if not all(hasattr(value, attr) for attr in ("mapInPandas", "groupBy", "schema")):
        raise WrongTypeError.single(name, "a Spark DataFrame", type_name(value))
    frame: DataFrame = value  # type: ignore[assignment]
    return frame


def check_column(frame: DataFrame, column: object, *, name: str = "column") -> str:
    """The name of a column of ``frame`` that holds documents: text or binary."""
    if not isinstance(column, str):
        raise WrongTypeError.single(name, "a column name (text)", type_name(column))
    fields = {field.name: field for field in frame.schema.fields}
    if column not in fields:
        raise ValidationError.single(
            name, f"a column of the frame ({', '.join(sorted(fields))})", repr(column)[:40]
        )
    kind = fields[column].dataType.typeName()
    if kind not in ("string", "binary"):
        raise WrongTypeError.single(name, "a column of text or binary documents", f"{kind} values")
    return column


def check_keep(frame: DataFrame, keep: object, taken: Iterable[str]) -> tuple[str, ...]:
    """The columns of ``frame`` to copy to every row, none of them a name already ``taken``."""
    if isinstance(keep, (str, bytes, Mapping)) or not isinstance(keep, Sequence):
        raise WrongTypeError.single("keep", "a sequence of column names", type_name(keep))
    fields = {field.name for field in frame.schema.fields}
    clashes = set(taken)
    problems = []
    for index, name in enumerate(keep):
        if not isinstance(name, str) or name not in fields:
            problems.append((f"keep[{index}]", "a column of the frame", repr(name)[:40]))
        elif name in clashes:
            problems.append((f"keep[{index}]", "a column the rows do not already have", name))
        elif list(keep).index(name) != index:
            problems.append((f"keep[{index}]", "a column not already kept", name))
    if problems:
        raise ValidationError(
            [
                Problem(path=path, expected=expected, found=found)
                for path, expected, found in problems
            ]
        )
    return tuple(keep)


def check_definition(value: object) -> PathwayDefinition | None:
    """``value`` if it is a definition or ``None``, else a WrongTypeError."""
    if value is not None and not isinstance(value, PathwayDefinition):
        raise WrongTypeError.single("definition", "a PathwayDefinition or None", type_name(value))
    return value


def check_day(value: object, name: str) -> dt.date:
    """``value`` if it is a date (not a datetime), else a WrongTypeError."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise WrongTypeError.single(name, "a date", type_name(value))
    return value


def problems_of(error: PathwayModelError) -> tuple[list[Problem], int]:
    """The problems an error of the library lists, and how many there are in all.

    A `ValidationError` lists its own (paths, expectations and findings, never free
    text); an `UnknownCodeError` is one problem at its path, the code shown as
    ``show_code`` shows it.
    """
    if isinstance(error, ValidationError):
        return list(error.problems), error.total
    if isinstance(error, UnknownCodeError):
        found = Problem(
            path=error.path or "$",
            expected=f"a known {error.kind} (pass definition= for one not built in)"
            if error.kind == "pathway definition"
            else f"a {error.kind} the definition has",
            found=show_code(str(error.code)),
        )
        return [found], 1
    return [Problem(path="$", expected="a readable record", found=type(error).__name__)], 1


def problem_cell(error: PathwayModelError) -> str:
    """An error as a ``problems`` cell: each problem listed, and a count of any not listed."""
    problems, total = problems_of(error)
    listed = [str(problem) for problem in problems]
    if total > len(listed):
        listed.append(f"and {total - len(listed)} more problems")
    return SEPARATOR.join(listed)


def document_of(value: object) -> str | bytes | None:
    """A cell as a document to read: text or bytes; ``None`` for anything else."""
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return None


def no_document_problem(value: object) -> Problem:
    """The problem of a cell that holds no document (see `document_of`)."""
    found = "nothing" if value is None or value != value else type_name(value)  # noqa: PLR0124 - NaN
    return Problem(path="$", expected="a pathway document (JSON text or UTF-8 bytes)", found=found)


def no_document(value: object) -> str:
    """The ``problems`` cell of a cell that holds no document."""
    return str(no_document_problem(value))
