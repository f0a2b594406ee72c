"""MHSDS tables as Spark DataFrames, read into pathway records by person and provider.

Every row the reader uses carries its provider (``OrgIDProv``) and its person
(``Person_ID``), and every key of de-duplication and every join holds both, so the
records of one person and provider need that person's rows alone, and the submissions of
their provider (MHS000Header). The tables are unioned into one long frame (the table's
key, the row's position in its table, the person and provider, the row as JSON), grouped
by person and provider into buckets, and each bucket is read on an executor by
[`mhsds.read_pathways`][pathway_model.mhsds.read_pathways] itself, with the header rows of
its providers. The header is small (one row a submission): it is read on the driver and
travels with the function to every executor.

The account of the rows is the sum of the buckets' accounts, with the header's (and the
tables given with no rows) counted once, on the driver, by the same reader.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import attrs

import pathway_model as pm
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.errors import ValidationError, WrongTypeError
from pathway_model.mhsds import (
    DEFAULT_STAGE_MAPPING,
    Accounting,
    DuplicateLayer,
    RowProblem,
    StageMapping,
    SubmissionRule,
    TableAccount,
)
from pathway_model.model import PathwayDefinition
from pathway_model.model._seam import type_name
from pathway_model.spark._frames import check_frame

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import Column, DataFrame

__all__ = ["PathwaysFrame", "read_pathways"]

HEADER = "MHS000Header"
#: A key or file name that stands for MHS000Header, as the MHSDS reader reads names.
_HEADER_NAME = re.compile(r"MHS000", re.IGNORECASE)

# Columns of the long frame (no MHSDS column has these names).
_TABLE, _POSITION, _PROVIDER, _PERSON, _ROW, _BUCKET = (
    "pm_table",
    "pm_position",
    "pm_provider",
    "pm_person",
    "pm_row",
    "pm_bucket",
)
_PARTITION, _ID = "pm_partition", "pm_id"
#: ``monotonically_increasing_id`` puts the partition's index above the 33 low bits.
_PARTITION_SHIFT = 2**33
#: The problems an account lists per table (every refusal is counted all the same).
_LISTED = Accounting.MAX_PROBLEMS_PER_TABLE

#: The columns of what each bucket gives: a record, a count, or a refused row's problem.
_OUT_SCHEMA = (
    "kind string, provider string, person_id string, pathway string, "
    "table string, outcome string, reason string, rows long, "
    "source string, row long, field string, expected string, found string"
)
_OUT_NAMES = tuple(part.split()[0] for part in _OUT_SCHEMA.split(", "))


def _is_header(key: str) -> bool:
    return _HEADER_NAME.match(PurePath(key).name) is not None


def _column(name: str) -> Column:
    from pyspark.sql import functions  # noqa: PLC0415 - the optional extra

    return functions.col("`" + name.replace("`", "``") + "`")


def _key(frame: DataFrame, names: tuple[str, ...]) -> Column:
    """A person's or provider's key as text, as the reader reads it: trimmed, a number whole."""
    from pyspark.sql import functions, types  # noqa: PLC0415 - the optional extra

    fields = {field.name: field.dataType for field in frame.schema.fields}
    name = next((n for n in names if n in fields), None)
    if name is None:
        return functions.lit(None).cast("string")
    column = _column(name)
    kind = fields[name]
    if isinstance(kind, types.StringType):
        return functions.regexp_replace(column, r"^\s+|\s+$", "")
    if isinstance(kind, (types.FloatType, types.DoubleType, types.DecimalType)):
        whole = functions.floor(column)
        return functions.when(column == whole, whole.cast("string")).otherwise(
            column.cast("string")
        )
    return column.cast("string")


def _row_json(frame: DataFrame) -> tuple[Column, tuple[tuple[str, str], ...]]:
    """Each row as JSON, and how to read each column back as ``toPandas`` would give it.

    JSON keeps text, whole numbers, fractions and booleans as they are; a date, a
    timestamp (as clock time in the session's time zone) and a decimal travel as text.
    """
    from pyspark.sql import functions, types  # noqa: PLC0415 - the optional extra

    parts = []
    layout = []
    for field in frame.schema.fields:
        kind = field.dataType
        column = _column(field.name)
        if isinstance(kind, types.DateType):
            how = "date"
        elif isinstance(kind, (types.TimestampType, types.TimestampNTZType)):
            how = "timestamp"
        elif isinstance(kind, types.DecimalType):
            how = "decimal"
        elif isinstance(kind, (types.FloatType, types.DoubleType)):
            how = "float"
        else:
            how = "value"
        if how in ("date", "timestamp", "decimal"):
            column = column.cast("string")
        parts.append(column.alias(field.name))
        layout.append((field.name, how))
    return functions.to_json(functions.struct(*parts)), tuple(layout)


def _indexed(frame: DataFrame) -> DataFrame:
    """The frame with each row's partition and its id in it (``monotonically_increasing_id``)."""
    from pyspark.sql import functions  # noqa: PLC0415 - the optional extra

    return frame.select(
        "*",
        functions.spark_partition_id().alias(_PARTITION),
        functions.monotonically_increasing_id().alias(_ID),
    )


def _sizes(indexed: dict[str, DataFrame]) -> dict[str, dict[int, int]]:
    """The rows of each partition of each frame, counted in one job."""
    from pyspark.sql import functions  # noqa: PLC0415 - the optional extra

    counts = [
        frame.groupBy(_PARTITION)
        .count()
        .select(functions.lit(key).alias(_TABLE), _PARTITION, "count")
        for key, frame in indexed.items()
    ]
    sizes: dict[str, dict[int, int]] = {key: {} for key in indexed}
    for row in functools.reduce(lambda a, b: a.unionByName(b), counts).collect():
        sizes[row[_TABLE]][int(row[_PARTITION])] = int(row["count"])
    return sizes


def _position(sizes: dict[int, int]) -> Column:
    """A row's position in its frame (from 0, in the frame's order, as ``toPandas`` gives it).

    The rows of the partitions before its own, plus its index within its own (the low 33
    bits of its ``monotonically_increasing_id``).
    """
    from pyspark.sql import functions  # noqa: PLC0415 - the optional extra

    offsets = []
    total = 0
    for partition in range(max(sizes, default=-1) + 1):
        offsets.append(total)
        total += sizes.get(partition, 0)
    if not offsets:
        return functions.lit(0).cast("long")
    index = functions.col(_PARTITION)
    offset = functions.element_at(
        functions.array(*(functions.lit(value).cast("long") for value in offsets)), index + 1
    )
    position: Column = (
        offset + functions.col(_ID) - index.cast("long") * functions.lit(_PARTITION_SHIFT)
    )
    return position


# --- on the executors -------------------------------------------------------------------------


def _value(value: object, how: str) -> object:
    """A JSON value read back as ``toPandas`` would have given the column's value."""
    if value is None or how == "value":
        return value
    if how == "float":
        return float(value) if isinstance(value, str) else value  # NaN and infinities
    text = str(value)
    try:
        if how == "date":
            return dt.date.fromisoformat(text)
        if how == "decimal":
            return Decimal(text)
        import pandas as pd  # noqa: PLC0415 - on the executor, with the extra

        return pd.Timestamp(text)
    except ValueError:
        return text  # the reader refuses it as it refuses any text it cannot read


def _rebuild(texts: list[str], layout: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    import pandas as pd  # noqa: PLC0415 - on the executor, with the extra

    records = [json.loads(text) for text in texts]
    columns = {
        name: pd.Series([_value(record.get(name), how) for record in records], dtype=object)
        for name, how in layout
    }
    return pd.DataFrame(columns, columns=[name for name, _ in layout])


def _read_bucket(
    rows: pd.DataFrame,
    *,
    layouts: dict[str, tuple[tuple[str, str], ...]],
    headers: dict[str, tuple[list[str], dict[str, pd.DataFrame]]],
    options: dict[str, Any],
) -> pd.DataFrame:
    """Read the rows of some whole groups of person and provider, with their header rows."""
    import pandas as pd  # noqa: PLC0415 - on the executor, with the extra

    from pathway_model.mhsds import read_pathways as read  # noqa: PLC0415 - a sibling room

    frames: dict[str, pd.DataFrame] = {}
    positions: dict[str, list[int]] = {}
    for key, layout in layouts.items():
        part = rows[rows[_TABLE] == key].sort_values(_POSITION, kind="stable")
        positions[key] = part[_POSITION].tolist()
        frames[key] = _rebuild(part[_ROW].tolist(), layout)
    providers = sorted({provider for provider in rows[_PROVIDER] if isinstance(provider, str)})
    for key, (columns, by_provider) in headers.items():
        pieces = [by_provider[provider] for provider in providers if provider in by_provider]
        frames[key] = (
            pd.concat(pieces).sort_index()
            if pieces
            else pd.DataFrame(columns=columns, dtype=object)
        )
    result = read(frames, **options)
    out: list[tuple[object, ...]] = [
        (
            "pathway",
            pathway.placements[0].provider,
            pathway.person_id,
            pm.dumps(pathway),
            *([None] * 9),
        )
        for pathway in result.pathways
    ]
    for name, account in result.accounting.tables.items():
        if name == HEADER:
            continue
        counts = [("read", "", account.read)]
        counts += [("duplicate", layer.value, n) for layer, n in account.duplicates.items() if n]
        counts += [("refused", reason, n) for reason, n in account.refused.items() if n]
        out += [
            ("count", None, None, None, name, outcome, reason, n, *([None] * 5))
            for outcome, reason, n in counts
        ]
    out += [
        (
            "problem",
            None,
            None,
            None,
            problem.table,
            None,
            problem.reason,
            None,
            problem.source,
            positions[problem.source][problem.row],
            problem.field,
            problem.expected,
            problem.found,
        )
        for problem in result.accounting.problems
        if problem.row is not None and problem.table != HEADER
    ]
    return pd.DataFrame(out, columns=list(_OUT_NAMES), dtype=object)


# --- on the driver ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True, eq=False)
class PathwaysFrame:
    """Pathway records read from MHSDS tables on Spark, and the account of every row.

    What [`mhsds.read_pathways`][pathway_model.mhsds.read_pathways] gives on one machine,
    as a DataFrame of records. Both ``pathways`` and ``accounting()`` run the reading when
    an action runs; to read the tables once, ``cache()`` or write ``pathways`` first and
    call ``accounting()`` after (the account is always the same).

    Attributes:
        pathways: One row per person and provider, columns ``provider`` (``OrgIDProv``),
            ``person_id`` and ``pathway`` (the record as a JSON document, as
            [`dumps`][pathway_model.dumps] writes it: the input of
            [`assessment_rows`][pathway_model.spark.assessment_rows] and
            [`cohort_report`][pathway_model.spark.cohort_report]). In no particular order.
    """

    pathways: DataFrame
    _read: DataFrame
    _base: Accounting
    _empty: frozenset[str]

    def accounting(self) -> Accounting:
        """The account of every row read: equal to the one the reading on one machine gives.

        The counts of each table by outcome, layer and reason are summed over the
        buckets; the problems listed are the first ``Accounting.MAX_PROBLEMS_PER_TABLE``
        of each table in (table, source, row) order, ``row`` being the row's position in
        its DataFrame as Spark reads it (its index in ``toPandas()``). Runs one Spark
        job, which reads the tables again unless they are cached.
        """
        from pyspark.sql import functions  # noqa: PLC0415 - the optional extra
        from pyspark.sql.window import Window  # noqa: PLC0415 - the optional extra

        # One job: the counts (a few a bucket) and the first problems of each table.
        kind = functions.col("kind")
        first = Window.partitionBy("kind", "table").orderBy("source", "row")
        rows = (
            self._read.where(kind != "pathway")
            .withColumn("pm_rank", functions.row_number().over(first))
            .where((kind == "count") | (functions.col("pm_rank") <= _LISTED))
            .collect()
        )
        counts: Counter[tuple[str, str, str]] = Counter()
        problems = []
        for r in rows:
            if r["kind"] == "count":
                counts[r["table"], r["outcome"], r["reason"]] += int(r["rows"])
            else:
                problems.append(
                    RowProblem(
                        table=r["table"],
                        source=r["source"],
                        row=int(r["row"]),
                        line=None,
                        field=r["field"],
                        reason=r["reason"],
                        expected=r["expected"],
                        found=r["found"],
                    )
                )
        return _accounting(self._base, self._empty, counts, problems)


def _accounting(
    base: Accounting,
    empty: frozenset[str],
    counts: Mapping[tuple[str, str, str], int],
    problems: list[RowProblem],
) -> Accounting:
    """The driver's account of the header (and of empty tables) with the buckets' counts."""
    tables: dict[str, TableAccount] = {}
    names = sorted(set(base.tables) | {table for table, _, _ in counts})
    for name in names:
        given = base.tables.get(name)
        if name == HEADER and given is not None:
            tables[name] = given
            continue
        read = (given.read if given else 0) + counts.get((name, "read", ""), 0)
        duplicates = {
            layer: (given.duplicates.get(layer, 0) if given else 0)
            + counts.get((name, "duplicate", layer.value), 0)
            for layer in DuplicateLayer
        }
        refused = Counter(dict(given.refused) if given else {})
        refused.update(
            {
                reason: n
                for (table, outcome, reason), n in counts.items()
                if table == name and outcome == "refused"
            }
        )
        tables[name] = TableAccount(
            table=name,
            read=read,
            used=read - sum(duplicates.values()) - sum(refused.values()),
            duplicates=duplicates,
            refused=dict(sorted((reason, n) for reason, n in refused.items() if n)),
        )
    whole = [p for p in base.problems if p.row is None and (p.table == HEADER or p.source in empty)]
    rows = sorted(
        [p for p in base.problems if p.row is not None] + problems,
        key=lambda p: (p.table, p.source, p.row if p.row is not None else -1),
    )
    kept: dict[str, int] = {}
    for problem in rows:
        seen = kept.get(problem.table, 0)
        if seen < Accounting.MAX_PROBLEMS_PER_TABLE:
            whole.append(problem)
        kept[problem.table] = seen + 1
    return Accounting(
        tables=tables, problems=tuple(whole), not_read=base.not_read, conventions=base.conventions
    )


def _check_tables(tables: object) -> dict[str, DataFrame]:
    if not isinstance(tables, Mapping):
        raise WrongTypeError.single(
            "tables", "a mapping of table names to Spark DataFrames", type_name(tables)
        )
    checked: dict[str, DataFrame] = {}
    for key, frame in tables.items():
        if not isinstance(key, str):
            raise WrongTypeError.single("tables", "table names as text", type_name(key))
        checked[key] = check_frame(frame, key)
    if not any(_is_header(key) for key in checked):
        raise ValidationError.single(
            HEADER,
            f"the table {HEADER} (reading by person and provider takes each provider-month's "
            "submission from it)",
            "no such table",
        )
    return checked


def read_pathways(
    tables: Mapping[str, DataFrame],
    *,
    definition: PathwayDefinition = SECURE_PATHWAY,
    mapping: StageMapping = DEFAULT_STAGE_MAPPING,
    submissions: SubmissionRule = SubmissionRule.LATEST,
    buckets: int | None = None,
) -> PathwaysFrame:
    """Read MHSDS tables, as Spark DataFrames, into pathway records, one per person and provider.

    The records are those [`mhsds.read_pathways`][pathway_model.mhsds.read_pathways]
    gives on one machine from the same tables (``toPandas()`` of each), byte for byte as
    [`dumps`][pathway_model.dumps] writes them, and the account of the rows is equal
    too. The rows of each person and provider are read together on an executor, with
    every convention and layer of de-duplication of the reader on one machine (see
    "Reading MHSDS extracts"). Dates and times are read as that reader reads them; a
    TIMESTAMP column is read as clock time in the session's time zone, as ``toPandas()``
    gives it (keep ``spark.sql.session.timeZone`` at ``UTC`` for times that were written
    without a zone).

    Args:
        tables: Table names (``"MHS502WardStay"`` or ``"MHS502"``) and their DataFrames.
            MHS000Header is needed: it chooses each provider-month's submission.
        definition: The pathway definition the records follow.
        mapping: How ward codes give stages.
        submissions: Which submission of a provider-month to keep.
        buckets: Into how many groups the people are dealt, each read in one call on an
            executor; the session's ``spark.sql.shuffle.partitions`` when ``None``.

    Returns:
        The records as a DataFrame, and the account (see
        [`PathwaysFrame`][pathway_model.spark.PathwaysFrame]). The header is read, and the
        rows of each table counted, when this is called; the rest when an action runs.

    Raises:
        ValidationError: MHS000Header, MHS501HospProvSpell or MHS502WardStay is missing
            (the problem's path names it), or ``buckets`` is not a whole number from 1.
        WrongTypeError: ``tables`` is not a mapping of names to Spark DataFrames, or
            another argument has the wrong type.
        UnknownCodeError: The mapping names a stage the definition lacks.
        ImportError: pyspark is not installed (the extra ``spark``).

    Examples:
        Not run here (it needs a Spark session):

        ```python
        names = ["MHS000Header", "MHS501HospProvSpell", "MHS502WardStay",
                 "MHS518ClinReadyforDischarge", "MHS702CPAReview"]
        read = read_pathways({name: spark.table(f"mhsds.{name}") for name in names})
        read.pathways.write.saveAsTable("analysis.pathways")
        print(read.accounting().summary())
        ```
    """
    import pandas as pd  # noqa: PLC0415 - the extra

    checked = _check_tables(tables)
    given: object = buckets  # checked: a caller may pass anything
    if given is not None and (not isinstance(given, int) or isinstance(given, bool) or given < 1):
        raise ValidationError.single(
            "buckets", "a whole number from 1, or None", repr(buckets)[:40]
        )
    from pyspark.sql import functions  # noqa: PLC0415 - the optional extra

    headers: dict[str, pd.DataFrame] = {}
    keyed: dict[str, tuple[list[str], dict[str, pd.DataFrame]]] = {}
    for key, frame in checked.items():
        if not _is_header(key):
            continue
        with_key = frame.select("*", _key(frame, ("OrgIDProvider", "OrgIDProv")).alias(_PROVIDER))
        whole: pd.DataFrame = with_key.toPandas()
        columns = [name for name in whole.columns if name != _PROVIDER]
        headers[key] = whole[columns]
        keyed[key] = (
            columns,
            {
                str(provider): part[columns]
                for provider, part in whole.groupby(_PROVIDER, sort=True, dropna=True)
            },
        )
    options: dict[str, Any] = {
        "definition": definition,
        "mapping": mapping,
        "submissions": submissions,
    }
    empty_frames = {
        key: pd.DataFrame(columns=frame.columns, dtype=object)
        for key, frame in checked.items()
        if not _is_header(key)
    }
    # The driver reads the header, and every other table with no rows: this checks the
    # arguments and the tables' names before any job, and counts the header once.
    base = _read_on_driver({**empty_frames, **headers}, options)
    read_keys = [key for key in empty_frames if key not in set(base.not_read)]
    indexed = {key: _indexed(checked[key]) for key in read_keys}
    sizes = _sizes(indexed)
    parts = []
    layouts: dict[str, tuple[tuple[str, str], ...]] = {}
    for key, frame in indexed.items():
        given = checked[key]
        row, layouts[key] = _row_json(given)
        parts.append(
            frame.select(
                functions.lit(key).alias(_TABLE),
                _position(sizes[key]).alias(_POSITION),
                _key(given, ("OrgIDProv", "OrgIDProvider")).alias(_PROVIDER),
                _key(given, ("Person_ID",)).alias(_PERSON),
                row.alias(_ROW),
            )
        )
    empty = {key for key, counted in sizes.items() if not counted}
    count = buckets
    if count is None:
        session = next(iter(checked.values())).sparkSession
        count = int(str(session.conf.get("spark.sql.shuffle.partitions")))
    long = functools.reduce(lambda a, b: a.unionByName(b), parts)
    bucket = functions.pmod(
        functions.xxhash64(functions.col(_PROVIDER), functions.col(_PERSON)), functions.lit(count)
    )
    # A lambda, not functools.partial: pyspark reads a function's type hints, if any, to
    # choose how to call it, and warns that it cannot read a partial's.
    read = (
        long.withColumn(_BUCKET, bucket)
        .groupBy(_BUCKET)
        .applyInPandas(
            lambda rows: _read_bucket(rows, layouts=layouts, headers=keyed, options=options),
            _OUT_SCHEMA,
        )
    )
    pathways = read.where(functions.col("kind") == "pathway").select(
        "provider", "person_id", "pathway"
    )
    return PathwaysFrame(pathways=pathways, read=read, base=base, empty=frozenset(empty))


def _read_on_driver(frames: dict[str, Any], options: dict[str, Any]) -> Accounting:
    """The account of reading ``frames`` on the driver with the MHSDS reader."""
    from pathway_model.mhsds import read_pathways as read  # noqa: PLC0415 - a sibling room

    return read(frames, **options).accounting
