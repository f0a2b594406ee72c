"""Per-person rows and the cohort report, from a column of pathway documents on Spark.

Each executor reads the documents of its own rows with the library (`loads`, then the
rules or a cohort partial), in pandas batches (``mapInPandas``); nothing but the DataFrame
API and Arrow batches is used, as Spark Connect and shared clusters require.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pathway_model as pm
from pathway_model.errors import PathwayModelError, Problem, ValidationError, WrongTypeError
from pathway_model.model import Pathway, PathwayDefinition
from pathway_model.model._seam import type_name
from pathway_model.scoring import SECURE_COMBINED_LONG_STAY, CombinedLongStay
from pathway_model.spark._frames import (
    check_column,
    check_day,
    check_definition,
    check_frame,
    check_keep,
    document_of,
    no_document,
    no_document_problem,
    problem_cell,
    problems_of,
)

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

    from pathway_model.scoring import CohortPartial, CohortReport

__all__ = ["assessment_rows", "cohort_partial", "cohort_report"]

#: The columns of `assessment_rows` after the kept ones, with their Spark types. Readiness
#: first (every readable record has it), then the decision (a stay must cover ``as_of``).
ROW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("person_id", "string"),
    ("definition_id", "string"),
    ("definition_version", "string"),
    ("as_of", "date"),
    ("placement_id", "string"),
    ("provider", "string"),
    ("placement_start", "date"),
    ("stage", "string"),
    ("placement_open", "boolean"),
    ("counted_until", "date"),
    ("ready", "boolean"),
    ("readiness_date", "date"),
    ("days_beyond_readiness", "int"),
    ("ready_days", "int"),
    ("days_in_placement", "int"),
    ("bed_day_cost", "money"),
    ("cost_of_delay", "money"),
    ("cost_is_estimate", "boolean"),
    ("status", "string"),
    ("next_stage", "string"),
    ("proposed_stage", "string"),
    ("has_exit_criteria", "boolean"),
    ("review_due", "date"),
    ("review_overdue", "boolean"),
    ("days_overdue", "int"),
    ("disagreements", "int"),
    ("events_outside_stays", "int"),
    ("restrictive_interventions", "int"),
    ("library_version", "string"),
    ("problems", "string"),
)
ROW_NAMES = tuple(name for name, _ in ROW_COLUMNS)

#: A bed-day cost has at most 12 digits before the point and 6 after; a cost of delay is
#: that times a count of days. Both fit exactly in DECIMAL(38, 6).
_MONEY_DIGITS = (38, 6)


def _spark_type(kind: str) -> Any:
    from pyspark.sql import types  # noqa: PLC0415 - the optional extra

    if kind == "money":
        return types.DecimalType(*_MONEY_DIGITS)
    return {
        "string": types.StringType,
        "date": types.DateType,
        "boolean": types.BooleanType,
        "int": types.IntegerType,
    }[kind]()


def _row_schema(frame: DataFrame, keep: Sequence[str]) -> Any:
    from pyspark.sql import types  # noqa: PLC0415 - the optional extra

    fields = {field.name: field for field in frame.schema.fields}
    return types.StructType(
        [fields[name] for name in keep]
        + [types.StructField(name, _spark_type(kind), nullable=True) for name, kind in ROW_COLUMNS]
    )


def _row(document: object, as_of: dt.date, definition: PathwayDefinition | None) -> list[Any]:
    """One document's readiness and decision at ``as_of``, in the order of ``ROW_NAMES``."""
    row: list[Any] = [None] * len(ROW_NAMES)
    row[-2] = pm.__version__
    text = document_of(document)
    if text is None:
        row[-1] = no_document(document)
        return row
    try:
        pathway = pm.loads(text, Pathway, definition=definition)
        stay = pathway.placement_on(as_of)
        decision = None if stay is None else pm.assess(pathway, as_of, definition=definition)
        ready = pm.readiness(pathway, as_of, definition=definition) if decision is None else None
    except PathwayModelError as error:
        row[-1] = problem_cell(error)
        return row
    readiness = decision.readiness if decision is not None else ready
    assert readiness is not None
    placement = next(p for p in pathway.placements if p.id == readiness.placement_id)
    row[:18] = [
        pathway.person_id,
        pathway.definition_id,
        pathway.definition_version,
        as_of,
        readiness.placement_id,
        placement.provider,
        placement.start,
        readiness.stage,
        readiness.placement_open,
        readiness.counted_until,
        readiness.ready,
        readiness.readiness_date,
        readiness.days_beyond_readiness,
        readiness.ready_days,
        readiness.days_in_placement,
        readiness.bed_day_cost,
        readiness.cost_of_delay,
        readiness.cost_is_estimate,
    ]
    if decision is not None:
        row[18:28] = [
            decision.status.value,
            decision.next_stage,
            decision.proposed_stage,
            decision.has_exit_criteria,
            decision.schedule.due,
            decision.review_overdue,
            decision.schedule.days_overdue,
            len(decision.disagreements),
            decision.events_outside_stays,
            decision.restrictive_interventions,
        ]
    row[-1] = ""
    return row


def _assessment_batches(
    batches: Iterator[pd.DataFrame],
    *,
    column: str,
    keep: tuple[str, ...],
    as_of: dt.date,
    definition: PathwayDefinition | None,
) -> Iterator[pd.DataFrame]:
    """Run on the executors: one output row per input row, in the batch's order."""
    import pandas as pd  # noqa: PLC0415 - on the executor, with the extra

    for batch in batches:
        rows = [_row(document, as_of, definition) for document in batch[column].tolist()]
        cells: dict[str, Any] = {name: batch[name].reset_index(drop=True) for name in keep}
        for index, name in enumerate(ROW_NAMES):
            cells[name] = pd.Series([row[index] for row in rows], dtype=object)
        yield pd.DataFrame(cells, columns=[*keep, *ROW_NAMES])


def assessment_rows(
    frame: DataFrame,
    *,
    as_of: dt.date,
    column: str = "pathway",
    keep: Sequence[str] = (),
    definition: PathwayDefinition | None = None,
) -> DataFrame:
    """Readiness and the progression decision of every document, one row each, on Spark.

    Each row of ``frame`` gives one row: the columns named in ``keep``, copied, then the
    person's figures at ``as_of``, worked out by the executors with
    [`readiness`][pathway_model.readiness] and [`assess`][pathway_model.assess]:

    - ``person_id``, ``definition_id``, ``definition_version``, ``as_of``;
    - the stay the figures are for: ``placement_id``, ``provider``, ``placement_start``,
      ``stage``, and the fields of [`Readiness`][pathway_model.Readiness] by their own
      names (``placement_open``, ``counted_until``, ``ready``, ``readiness_date``,
      ``days_beyond_readiness``, ``ready_days``, ``days_in_placement``,
      ``bed_day_cost``, ``cost_of_delay``, ``cost_is_estimate``); amounts are
      ``DECIMAL(38, 6)``, exact;
    - the decision, when a stay covers ``as_of`` (else null, as ``assess`` makes no
      decision for a record that has ended): ``status`` (the code of
      [`AssessmentStatus`][pathway_model.AssessmentStatus]), ``next_stage``,
      ``proposed_stage``, ``has_exit_criteria``, ``review_due`` and ``review_overdue``
      and ``days_overdue`` (from its schedule), ``disagreements`` (how many domains the
      person and team rated differently at the latest review), ``events_outside_stays``,
      ``restrictive_interventions``;
    - ``library_version``, and ``problems``: as in every data-frame form of the library,
      ``""`` for a row that was read, and for a row that could not be its problems joined
      by `` | `` (path, expectation and finding; never text from the document), with
      every other column but the kept ones null.

    An invalid document never stops the job. The rows come in no particular order: sort
    them, or keep an id column.

    Args:
        frame: The documents, one a row (e.g. a table of ``dumps`` output).
        as_of: The date to work the figures out for.
        column: The column holding the documents, as text or UTF-8 bytes.
        keep: Columns of ``frame`` copied to each row unchanged, e.g. an id.
        definition: The definition every record follows; each record's own built-in
            definition when ``None``.

    Returns:
        A DataFrame, built lazily: nothing is read until an action (``count``, ``write``,
        ``toPandas``) runs.

    Raises:
        WrongTypeError: ``frame`` is not a Spark DataFrame, ``column`` holds neither text
            nor binary values, or another argument has the wrong type.
        ValidationError: ``column`` or a name in ``keep`` is not a column of ``frame``,
            or ``keep`` names a column the rows already have.
        ImportError: pyspark is not installed (the extra ``spark``).

    Examples:
        Not run here (it needs a Spark session):

        ```python
        rows = assessment_rows(spark.table("pathways"), as_of=dt.date(2025, 3, 31),
                               keep=["record_id"])
        rows.where("problems = ''").groupBy("provider", "status").count().show()
        ```
    """
    frame = check_frame(frame, "frame")
    as_of = check_day(as_of, "as_of")
    column = check_column(frame, column)
    kept = check_keep(frame, keep, ROW_NAMES)
    definition = check_definition(definition)
    work = functools.partial(
        _assessment_batches, column=column, keep=kept, as_of=as_of, definition=definition
    )
    return frame.select(*kept, column).mapInPandas(work, _row_schema(frame, kept))


# --- the cohort report --------------------------------------------------------------------


class _Invalid:
    """The documents of one partition that could not be read: counted, a few kept.

    The problems kept are the first ``MAX_PROBLEMS`` in sorted order, whatever order the
    rows come in, so the driver's error does not depend on Spark's partitions.
    """

    __slots__ = ("documents", "listed", "problems")

    def __init__(self) -> None:
        self.documents = 0
        self.problems = 0
        self.listed: list[str] = []

    def add(self, problems: list[Problem], total: int) -> None:
        self.documents += 1
        self.problems += total
        self.listed += (json.dumps([p.path, p.expected, p.found]) for p in problems)
        if len(self.listed) > 2 * ValidationError.MAX_PROBLEMS:
            self.listed = sorted(self.listed)[: ValidationError.MAX_PROBLEMS]

    def first(self) -> list[str]:
        return sorted(self.listed)[: ValidationError.MAX_PROBLEMS]


def _records(
    batches: Iterator[pd.DataFrame],
    column: str,
    definition: PathwayDefinition | None,
    invalid: _Invalid,
) -> Iterator[Pathway]:
    """The records of the documents that can be read; the others are counted in ``invalid``."""
    from pathway_model.catalogue import definition_for  # noqa: PLC0415 - a sibling room

    for batch in batches:
        for cell in batch[column].tolist():
            text = document_of(cell)
            if text is None:
                invalid.add([no_document_problem(cell)], 1)
                continue
            try:
                record = pm.loads(text, Pathway, definition=definition)
                if definition is None:
                    definition_for(record)  # a definition that is not built in is refused
            except PathwayModelError as error:
                invalid.add(*problems_of(error))
                continue
            yield record


_PARTIAL_SCHEMA = "partial binary, invalid long, problems long, listed array<string>"


def _partials(
    batches: Iterator[pd.DataFrame], *, column: str, options: dict[str, Any]
) -> Iterator[pd.DataFrame]:
    """Run on the executors: one row holding the partial of every record of the partition."""
    import pandas as pd  # noqa: PLC0415 - on the executor, with the extra

    from pathway_model.scoring import CohortPartial  # noqa: PLC0415 - a sibling room

    invalid = _Invalid()
    records = _records(batches, column, options["definition"], invalid)
    partial = CohortPartial.of(records, **options).to_json()
    yield pd.DataFrame(
        {
            "partial": [partial],
            "invalid": [invalid.documents],
            "problems": [invalid.problems],
            "listed": [invalid.first()],
        }
    )


def _refusal(column: str, rows: list[Any]) -> ValidationError:
    """The error for documents that cannot be read: how many, and the first problems."""
    documents = sum(row["invalid"] for row in rows)
    listed = sorted(text for row in rows for text in row["listed"])
    problems = [
        Problem(
            path=column,
            expected="a valid pathway document in every row",
            found=f"{documents} document{'' if documents == 1 else 's'} that cannot be read "
            "(assessment_rows gives each one's problems)",
        )
    ]
    for text in listed[: ValidationError.MAX_PROBLEMS - 1]:
        path, expected, found = json.loads(text)
        problems.append(
            Problem(path=column + path.removeprefix("$"), expected=expected, found=found)
        )
    return ValidationError(problems, 1 + sum(row["problems"] for row in rows))


def cohort_partial(
    frame: DataFrame,
    *,
    as_of: dt.date,
    since: dt.date | None = None,
    column: str = "pathway",
    definition: PathwayDefinition | None = None,
    combined_long_stay: CombinedLongStay | None = SECURE_COMBINED_LONG_STAY,
    community_stages: Collection[str] = ("community",),
    skip_invalid: bool = False,
) -> CohortPartial:
    """The cohort partial of every document in ``frame``, worked out on the executors.

    Each partition's records are read into one
    [`CohortPartial`][pathway_model.scoring.CohortPartial] (holding no record); the
    partials travel to the driver as JSON (``to_json``), one a partition, through the
    DataFrame API, and are merged there, in an order that does not depend on Spark's.
    Its ``report()`` equals [`cohort_report`][pathway_model.scoring.cohort_report] over
    the same records on one machine, value for value.

    Args:
        frame: The documents, one a row.
        as_of: The date the measures are for.
        since: The first day of the window; when ``None``, the earliest first day of any
            record, as on one machine.
        column: The column holding the documents, as text or UTF-8 bytes.
        definition: The definition every record follows; each record's own built-in
            definition when ``None``.
        combined_long_stay: As for ``cohort_report``.
        community_stages: As for ``cohort_report``.
        skip_invalid: Leave documents that cannot be read out of the partial, rather
            than refusing it; [`assessment_rows`][pathway_model.spark.assessment_rows]
            gives each one's problems.

    Raises:
        ValidationError: A document cannot be read (and ``skip_invalid`` is false): the
            error counts them and lists the first problems of each (never text from a
            document), at the path ``column``; or ``since`` is after ``as_of``.
        WrongTypeError: An argument has the wrong type.
        ImportError: pyspark is not installed (the extra ``spark``).
    """
    frame = check_frame(frame, "frame")
    as_of = check_day(as_of, "as_of")
    if since is not None:
        since = check_day(since, "since")
    column = check_column(frame, column)
    definition = check_definition(definition)
    if not isinstance(skip_invalid, bool):
        raise WrongTypeError.single("skip_invalid", "True or False", type_name(skip_invalid))
    from pathway_model.scoring import CohortPartial  # noqa: PLC0415 - a sibling room

    options: dict[str, Any] = {
        "as_of": as_of,
        "since": since,
        "definition": definition,
        "combined_long_stay": combined_long_stay,
        "community_stages": community_stages,
    }
    # The options are checked on the driver, on no records, before any job runs.
    empty = CohortPartial.of((), **options)
    documents = frame.select(column)
    work = functools.partial(_partials, column=column, options=options)
    rows = documents.mapInPandas(work, _PARTIAL_SCHEMA).collect()
    if not skip_invalid and any(row["invalid"] for row in rows):
        raise _refusal(column, rows)
    merged = empty
    for data in sorted(bytes(row["partial"]) for row in rows):
        merged = merged.merge(CohortPartial.from_json(data))
    return merged


def cohort_report(
    frame: DataFrame,
    *,
    as_of: dt.date,
    since: dt.date | None = None,
    column: str = "pathway",
    definition: PathwayDefinition | None = None,
    combined_long_stay: CombinedLongStay | None = SECURE_COMBINED_LONG_STAY,
    community_stages: Collection[str] = ("community",),
    skip_invalid: bool = False,
) -> CohortReport:
    """The cohort report of every document in ``frame``: the same as on one machine.

    ``cohort_partial(...).report()``: see
    [`cohort_partial`][pathway_model.spark.cohort_partial] for the arguments and the
    errors. The report equals
    [`scoring.cohort_report`][pathway_model.scoring.cohort_report] over the same records,
    value for value, whatever the partitions.

    Examples:
        Not run here (it needs a Spark session):

        ```python
        report = cohort_report(spark.table("pathways"), as_of=dt.date(2025, 3, 31),
                               since=dt.date(2024, 4, 1))
        report.to_frame()
        ```
    """
    return cohort_partial(
        frame,
        as_of=as_of,
        since=since,
        column=column,
        definition=definition,
        combined_long_stay=combined_long_stay,
        community_stages=community_stages,
        skip_invalid=skip_invalid,
    ).report()
