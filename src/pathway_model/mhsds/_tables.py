"""The MHSDS tables the reader knows, and reading them into normalised frames.

Tables arrive as pandas frames (or frames that convert with ``to_pandas()``, such as
Polars'), or as a folder of CSV or parquet files named by table. Platforms type the same
field differently (``UniqMonthID`` as a number or text; dates as DATE, TIMESTAMP or ISO
text; times as ``HH:MM:SS`` or a timestamp on 1970-01-01), and versions rename fields:
every value is read here into one Python type per kind of field, and a value that cannot
be read refuses its row, with the table, row and field. See the docs page "Reading MHSDS
extracts" for each convention and its source.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import math
import operator
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from pathway_model.errors import ValidationError
from pathway_model.mhsds._accounting import Ledger, RowProblem
from pathway_model.model import _seam, uk_date

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "HEADER",
    "TABLES",
    "Column",
    "Kind",
    "Table",
    "read_tables",
]


class Kind(enum.Enum):
    """What kind of value a column holds, and so how it is read."""

    MONTH = "month"
    """A ``UniqMonthID``: a whole number, given as a number or as text of digits."""
    CODE = "code"
    """A code or id: text, kept as given (leading zeros kept)."""
    PERSON = "person"
    """A pseudonymous person id: a code that is not an NHS number."""
    INTEGER = "integer"
    """A whole number, such as ``UniqSubmissionID`` or ``FileType``."""
    DATE = "date"
    """A calendar date: a date, a timestamp (its date), or ISO text."""
    TIME = "time"
    """A time of day: ``HH:MM:SS`` text, a time, or a timestamp on 1970-01-01."""


@attrs.frozen(kw_only=True)
class Column:
    """One column the reader uses.

    Attributes:
        name: The column's name in MHSDS v6.
        kind: What kind of value it holds.
        required: Whether a row needs a value here (a missing value refuses the row).
        aliases: Other names the column has had, in other versions or platforms.
        width: For a code that numbers may stand for (``'04'``), its width: a whole
            number given instead of text is written with leading zeros to this width.
    """

    name: str
    kind: Kind
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int | None = None


@attrs.frozen(kw_only=True)
class Table:
    """One MHSDS table the reader uses.

    Attributes:
        name: The table's full name, e.g. ``"MHS502WardStay"``.
        columns: The columns read (others are ignored).
        required: Whether reading cannot go on without it.
    """

    name: str
    columns: tuple[Column, ...]
    required: bool = False

    @property
    def prefix(self) -> str:
        """The table's number, e.g. ``"MHS502"``."""
        return self.name[:6]


def _common(*, person: bool = True) -> tuple[Column, ...]:
    """The columns every table except the header has."""
    columns = [
        Column(name="UniqMonthID", kind=Kind.MONTH, required=True),
        Column(name="OrgIDProv", kind=Kind.CODE, required=True, aliases=("OrgIDProvider",)),
        Column(name="UniqSubmissionID", kind=Kind.INTEGER),
        Column(name="RecordNumber", kind=Kind.INTEGER),
    ]
    if person:
        columns.append(Column(name="Person_ID", kind=Kind.PERSON, required=True))
    return tuple(columns)


_SPELL_ID = Column(
    name="UniqHospProvSpellID",
    kind=Kind.CODE,
    required=True,
    aliases=("UniqHospProvSpellNum",),
)

HEADER = Table(
    name="MHS000Header",
    columns=(
        Column(name="UniqMonthID", kind=Kind.MONTH, required=True),
        Column(name="OrgIDProvider", kind=Kind.CODE, required=True, aliases=("OrgIDProv",)),
        Column(name="UniqSubmissionID", kind=Kind.INTEGER, required=True),
        Column(name="FileType", kind=Kind.INTEGER),
        Column(name="ReportingPeriodStartDate", kind=Kind.DATE),
        Column(name="ReportingPeriodEndDate", kind=Kind.DATE),
    ),
)
"""MHS000Header: one row per submission, naming its provider, month and file type."""

TABLES: tuple[Table, ...] = (
    HEADER,
    Table(
        name="MHS201CareContact",
        columns=(
            *_common(),
            Column(name="UniqServReqID", kind=Kind.CODE, required=True),
            Column(name="UniqCareContID", kind=Kind.CODE, required=True),
            Column(name="CareContDate", kind=Kind.DATE, required=True),
        ),
    ),
    Table(
        name="MHS501HospProvSpell",
        required=True,
        columns=(
            *_common(),
            Column(name="UniqServReqID", kind=Kind.CODE, required=True),
            _SPELL_ID,
            Column(
                name="StartDateHospProvSpell", kind=Kind.DATE, required=True, aliases=("StartDate",)
            ),
            Column(name="StartTimeHospProvSpell", kind=Kind.TIME, aliases=("StartTime",)),
            Column(name="DischDateHospProvSpell", kind=Kind.DATE),
            Column(name="DischTimeHospProvSpell", kind=Kind.TIME),
            Column(name="DestOfDischHospProvSpell", kind=Kind.CODE),
        ),
    ),
    Table(
        name="MHS502WardStay",
        required=True,
        columns=(
            *_common(),
            Column(name="UniqServReqID", kind=Kind.CODE, required=True),
            _SPELL_ID,
            Column(name="UniqWardStayID", kind=Kind.CODE, required=True),
            Column(name="StartDateWardStay", kind=Kind.DATE, required=True, aliases=("StartDate",)),
            Column(name="StartTimeWardStay", kind=Kind.TIME, aliases=("StartTime",)),
            Column(name="EndDateWardStay", kind=Kind.DATE),
            Column(name="EndTimeWardStay", kind=Kind.TIME),
            Column(name="WardSecLevel", kind=Kind.CODE, width=1),
            Column(
                name="MHAdmittedPatientClass",
                kind=Kind.CODE,
                aliases=("HospitalBedTypeMH",),
                width=2,
            ),
            Column(name="SpecialisedMHServiceCode", kind=Kind.CODE),
            Column(name="UniqWardCode", kind=Kind.CODE),
        ),
    ),
    Table(
        name="MHS504DelayedDischarge",
        columns=(
            *_common(),
            _SPELL_ID,
            Column(name="StartDateDelayDisch", kind=Kind.DATE, required=True),
            Column(name="EndDateDelayDisch", kind=Kind.DATE),
            Column(name="DelayDischReason", kind=Kind.CODE, width=2),
            Column(name="AttribToIndic", kind=Kind.CODE, width=2),
            Column(name="MHS504UniqID", kind=Kind.CODE),
        ),
    ),
    Table(
        name="MHS505RestrictiveInterventInc",
        columns=(
            *_common(),
            Column(name="UniqRestrictiveIntIncID", kind=Kind.CODE, required=True),
            _SPELL_ID,
            Column(name="StartDateRestrictiveIntInc", kind=Kind.DATE, required=True),
            Column(name="StartTimeRestrictiveIntInc", kind=Kind.TIME),
            Column(name="EndDateRestrictiveIntInc", kind=Kind.DATE),
            Column(name="EndTimeRestrictiveIntInc", kind=Kind.TIME),
            Column(name="RestrictiveIntReason", kind=Kind.CODE, width=2),
        ),
    ),
    Table(
        name="MHS515RestrictiveInterventType",
        columns=(
            *_common(),
            Column(name="UniqRestrictiveIntTypeID", kind=Kind.CODE, required=True),
            Column(name="UniqRestrictiveIntIncID", kind=Kind.CODE, required=True),
            Column(name="RestrictiveIntType", kind=Kind.CODE, required=True, width=2),
            Column(name="StartDateRestrictiveIntType", kind=Kind.DATE),
            Column(name="StartTimeRestrictiveIntType", kind=Kind.TIME),
            Column(name="EndDateRestrictiveIntType", kind=Kind.DATE),
            Column(name="EndTimeRestrictiveIntType", kind=Kind.TIME),
        ),
    ),
    Table(
        name="MHS518ClinReadyforDischarge",
        columns=(
            *_common(),
            _SPELL_ID,
            Column(name="StartDateClinReadyforDisch", kind=Kind.DATE, required=True),
            Column(name="EndDateClinReadyforDisch", kind=Kind.DATE),
            Column(name="ClinReadyforDischDelayReason", kind=Kind.CODE, width=2),
            Column(name="AttribToIndic", kind=Kind.CODE, width=2),
            Column(name="MHS518UniqID", kind=Kind.CODE),
        ),
    ),
    Table(
        name="MHS606CodedScoreAssessmentRefer",
        columns=(
            *_common(),
            Column(name="UniqServReqID", kind=Kind.CODE, required=True),
            Column(name="CodedAssToolType", kind=Kind.CODE, required=True),
            Column(name="PersScore", kind=Kind.CODE),
            Column(
                name="AssToolCompTimestamp",
                kind=Kind.DATE,
                required=True,
                aliases=("AssToolCompDate",),
            ),
        ),
    ),
    Table(
        name="MHS607CodedScoreAssessmentAct",
        columns=(
            *_common(),
            Column(name="UniqServReqID", kind=Kind.CODE, required=True),
            Column(name="UniqCareContID", kind=Kind.CODE, required=True),
            Column(name="UniqCareActID", kind=Kind.CODE, required=True),
            Column(name="CodedAssToolType", kind=Kind.CODE, required=True),
            Column(name="PersScore", kind=Kind.CODE),
        ),
    ),
    Table(
        name="MHS702CPAReview",
        columns=(
            *_common(),
            Column(name="UniqCPAEpisodeID", kind=Kind.CODE, required=True),
            Column(name="CPAReviewDate", kind=Kind.DATE, required=True),
            Column(name="MHS702UniqID", kind=Kind.CODE),
        ),
    ),
)
"""Every table the reader uses, in table order."""

_BY_PREFIX = {table.prefix: table for table in TABLES}
_TABLE_NAME = re.compile(r"(MHS[0-9]{3})", re.IGNORECASE)

#: Columns the reader adds to each normalised frame: where each row came from (no MHSDS
#: column has these names, and namedtuples accept them, unlike names with a leading "_").
SOURCE, ROW, LINE = "row_source", "row_number", "row_line"


class _Bad:
    """A value that could not be read: what was found, in words (never the value)."""

    __slots__ = ("found",)

    def __init__(self, found: str) -> None:
        self.found = found


_EXPECTED = {
    Kind.MONTH: "a UniqMonthID (a whole number, or text of digits)",
    Kind.CODE: "a code (text of up to 64 characters, no spaces)",
    Kind.PERSON: "a pseudonymous Person_ID (a code, not an NHS number)",
    Kind.INTEGER: "a whole number",
    Kind.DATE: "a date from 1901 (a date, a timestamp, or ISO text YYYY-MM-DD)",
    Kind.TIME: "a time of day (HH:MM:SS text, a time, or a timestamp on 1970-01-01)",
}

_MISSING_TEXT = frozenset({"", "NULL", "null", "NaN", "nan", "NaT", "None", "<NA>"})
_CODE = re.compile(r"[^\s\x00-\x1f]{1,64}")
_DIGITS = re.compile(r"[0-9]{1,12}")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9:.]+))?")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,9})?)?")
_EPOCH = dt.date(1970, 1, 1)
_EARLIEST = dt.date(1901, 1, 1)


def _is_missing(value: object) -> bool:
    if type(value) is str:  # the usual case first: text from a CSV file
        if value in _MISSING_TEXT:
            return True
        padded = value[:1].isspace() or value[-1:].isspace()
        return padded and value.strip() in _MISSING_TEXT
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return value.strip() in _MISSING_TEXT
    # pandas' NA and NaT, numpy's NaT: each is unequal to itself or says it is NA.
    name = type(value).__name__
    return name in {"NAType", "NaTType"} or (name == "datetime64" and value != value)  # noqa: PLR0124 - NaT test


def _describe(value: object) -> str:
    """Describe a value without showing it: its type, and a text's length."""
    if isinstance(value, str):
        return f"text of {len(value)} characters (not shown)"
    if isinstance(value, bool):
        return "a boolean"
    return f"a value of type {_seam.type_name(value)}"


def _whole(value: object) -> int | None:
    """A whole number given as an int, a numpy integer or a whole float; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if type(value).__module__ == "numpy":
        if type(value).__name__.startswith(("int", "uint")):
            return operator.index(value)  # type: ignore[arg-type]  # a numpy integer
        if type(value).__name__.startswith("float"):
            return _whole(float(value))  # type: ignore[arg-type]
    return None


def _read_month(value: object) -> int | _Bad:
    number = _whole(value)
    if number is None and isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    if number is None or not 1 <= number <= 9999:
        return _Bad(_describe(value) if number is None else "a number out of range")
    return number


def _read_integer(value: object) -> int | _Bad:
    number = _whole(value)
    if number is None and isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    return _Bad(_describe(value)) if number is None else number


def _reader_of_code(width: int | None) -> Callable[[object], str | _Bad]:
    def read(value: object) -> str | _Bad:
        if isinstance(value, str):
            text = value.strip()
            return text if _CODE.fullmatch(text) else _Bad(_describe(value))
        number = _whole(value)
        if number is None or number < 0:
            return _Bad(_describe(value))
        return str(number).zfill(width or 0)

    return read


def _read_person(value: object) -> str | _Bad:
    text = value.strip() if isinstance(value, str) else None
    if text is None:
        number = _whole(value)
        text = None if number is None else str(number)
    if text is None or not _seam.is_code(text):
        return _Bad(_describe(value))
    if _seam.looks_like_nhs_number(text):
        return _Bad("a value that passes the NHS number check (not shown)")
    return text


def _as_datetime(value: object) -> dt.datetime | dt.date | None:
    """A date or datetime from Python's, pandas' or numpy's types; None for others."""
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    to_pydatetime = getattr(value, "to_pydatetime", None)
    if callable(to_pydatetime):  # pandas.Timestamp
        result = to_pydatetime()
        return result if isinstance(result, dt.datetime) else None
    if type(value).__name__ == "datetime64":
        import pandas as pd  # noqa: PLC0415 - numpy values come with pandas

        return _as_datetime(pd.Timestamp(value))
    return None


def _read_date(value: object) -> dt.date | _Bad:
    moment = _as_datetime(value)
    if isinstance(moment, dt.datetime):
        day = uk_date(moment) if moment.tzinfo is not None else moment.date()
    elif isinstance(moment, dt.date):
        day = moment
    elif isinstance(value, str):
        match = _ISO_DATE.fullmatch(value.strip())
        if match is None:
            return _Bad(_describe(value))
        try:
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return _Bad("text that is not a calendar date (not shown)")
    else:
        return _Bad(_describe(value))
    if day < _EARLIEST:
        return _Bad(f"a date before {_EARLIEST.isoformat()}")
    return day


def _read_time(value: object) -> dt.time | _Bad:  # noqa: PLR0911 - one return per form
    if isinstance(value, dt.time):
        return value.replace(tzinfo=None)
    moment = _as_datetime(value)
    if isinstance(moment, dt.datetime):
        if moment.date() != _EPOCH:
            return _Bad("a timestamp on a day other than 1970-01-01")
        return moment.time()
    if not isinstance(value, str):
        return _Bad(_describe(value))
    text = value.strip()
    match = _ISO_DATE.fullmatch(text)
    if match is not None:
        if (int(match[1]), int(match[2]), int(match[3])) != (1970, 1, 1) or not match[4]:
            return _Bad("a timestamp on a day other than 1970-01-01")
        text = match[4]
    found = _TIME.fullmatch(text)
    if found is None:
        return _Bad(_describe(value))
    hour, minute, second = int(found[1]), int(found[2]), int(found[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return _Bad("text that is not a time of day (not shown)")
    return dt.time(hour, minute, second)


_READERS: dict[Kind, Callable[[object], object]] = {
    Kind.MONTH: _read_month,
    Kind.PERSON: _read_person,
    Kind.INTEGER: _read_integer,
    Kind.DATE: _read_date,
    Kind.TIME: _read_time,
}


def _reader(column: Column) -> Callable[[object], object]:
    if column.kind is Kind.CODE:
        return _reader_of_code(column.width)
    return _READERS[column.kind]


def table_for(name: str) -> Table | None:
    """The table a key or file name stands for (``MHS502``, ``MHS502WardStay.csv``), if known."""
    match = _TABLE_NAME.match(Path(name).name)
    return None if match is None else _BY_PREFIX.get(match[1].upper())


def _pandas() -> Any:
    import pandas as pd  # noqa: PLC0415 - an optional dependency, loaded when asked for

    return pd


#: One piece of a table as given: its source's name, the frame, and whether it was a CSV file.
_Piece = tuple[str, "pd.DataFrame", bool]


def _read_file(path: Path) -> pd.DataFrame:
    pd = _pandas()
    if path.suffix.lower() == ".csv":
        # Every value as text: codes keep their leading zeros, and types are read here.
        return pd.read_csv(
            path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
        )
    try:
        import pyarrow  # noqa: F401, PLC0415 - needed by pandas to read parquet
    except ImportError:  # pragma: no cover - pyarrow is in the mhsds extra
        raise ValidationError.single(
            path.name, "pyarrow, to read parquet (pip install 'pathway-model[mhsds]')", "none"
        ) from None
    return pd.read_parquet(path)


def _folder_pieces(folder: Path) -> tuple[dict[str, list[_Piece]], list[str]]:
    """The pieces of each known table in a folder's files, and the tables not read."""
    if not folder.is_dir():
        raise ValidationError.single(
            "source", "a folder of CSV or parquet files named by table", "no such folder"
        )
    pieces: dict[str, list[_Piece]] = {}
    not_read: list[str] = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in {".csv", ".parquet"} or not path.is_file():
            continue
        table = table_for(path.name)
        if table is None:
            if _TABLE_NAME.match(path.name):
                not_read.append(path.stem)
            continue
        try:
            frame = _read_file(path)
        except ValidationError:
            raise
        except Exception as error:  # any failure to parse the file
            raise ValidationError.single(
                path.name,
                "a readable CSV (UTF-8) or parquet file",
                f"a file that could not be read ({type(error).__name__})",
            ) from None
        is_csv = path.suffix.lower() == ".csv"
        pieces.setdefault(table.name, []).append((path.name, frame, is_csv))
    return pieces, not_read


def _pieces(source: object) -> tuple[dict[str, list[_Piece]], list[str]]:
    """The pieces of each known table in ``source``, and the names of tables not read."""
    if isinstance(source, (str, os.PathLike)):
        return _folder_pieces(Path(source))
    if not isinstance(source, Mapping):
        raise ValidationError.single(
            "source",
            "a mapping of table names to data frames, or a folder",
            _seam.type_name(source),
        )
    pd = _pandas()
    pieces: dict[str, list[_Piece]] = {}
    not_read: list[str] = []
    for key in sorted(source, key=str):
        name = str(key)
        frame = source[key]
        table = table_for(name)
        if table is None:
            not_read.append(name)
            continue
        if not isinstance(frame, pd.DataFrame) and callable(getattr(frame, "to_pandas", None)):
            frame = frame.to_pandas()  # a Polars frame, a pyarrow table
        if not isinstance(frame, pd.DataFrame):
            raise ValidationError.single(
                name, "a data frame (pandas, or one with to_pandas())", _seam.type_name(frame)
            )
        pieces.setdefault(table.name, []).append((name, frame, False))
    return pieces, not_read


def _normalise(table: Table, piece: _Piece, ledger: Ledger) -> pd.DataFrame:
    """Read one piece's values into Python types, refusing rows with unreadable values."""
    pd = _pandas()
    source, frame, is_csv = piece
    count = len(frame)
    ledger.add_read(table.name, count)
    rows = list(range(count))
    lines = [row + 2 for row in rows] if is_csv else [None] * count
    out: dict[str, list[Any]] = {SOURCE: [source] * count, ROW: rows, LINE: lines}

    def problem(row: int | None, field: str, reason: str, expected: str, found: str) -> None:
        ledger.refuse(
            RowProblem(
                table=table.name,
                source=source,
                row=row,
                line=None if row is None or not is_csv else row + 2,
                field=field,
                reason=reason,
                expected=expected,
                found=found,
            )
        )

    names = {str(name) for name in frame.columns}
    for column in table.columns:
        given = next((n for n in (column.name, *column.aliases) if n in names), None)
        if given is None:
            out[column.name] = [None] * count
            if column.required:
                expected = f"a column {column.name}" + (
                    f" (or {', '.join(column.aliases)})" if column.aliases else ""
                )
                if count == 0:
                    problem(None, column.name, "missing column", expected, "no such column")
                for row in rows:
                    problem(row, column.name, "missing column", expected, "no such column")
            continue
        read = _reader(column)
        series = frame[given]
        if _uniform(pd, series):
            out[column.name] = _read_uniform(pd, series, read, column, problem)
            continue
        memo: dict[object, object] = {}
        values: list[object] = []
        for row, value in enumerate(series.tolist()):
            if _is_missing(value):
                if column.required:
                    problem(row, column.name, "missing value", _EXPECTED[column.kind], "nothing")
                values.append(None)
                continue
            # Keyed by type too: 1, 1.0 and True are equal keys, but not equally valid.
            memo_key = (type(value), value)
            try:
                result = memo[memo_key]
            except (KeyError, TypeError):
                result = read(value)
                with contextlib.suppress(TypeError):  # an unhashable value is not kept
                    memo[memo_key] = result
            if isinstance(result, _Bad):
                problem(row, column.name, "malformed value", _EXPECTED[column.kind], result.found)
                values.append(None)
            else:
                values.append(result)
        out[column.name] = values
    # Object columns: a missing value stays None, and whole numbers stay ints.
    return pd.DataFrame(out, columns=list(out), dtype=object)


#: The kinds of column ``pandas.api.types.infer_dtype`` gives whose values are all of one
#: Python type (besides missing ones), so that equal values read alike.
_UNIFORM_KINDS = frozenset({"string", "integer", "floating", "date", "datetime", "datetime64"})


def _uniform(pd: Any, series: pd.Series) -> bool:
    """Whether every value present in ``series`` has one type (so factorising is safe).

    Factorising merges equal values, and ``1``, ``1.0`` and ``True`` are equal in Python
    but not equally valid here: a column of mixed types is read value by value instead.
    """
    return bool(pd.api.types.infer_dtype(series, skipna=True) in _UNIFORM_KINDS)


def _read_uniform(
    pd: Any,
    series: pd.Series,
    read: Callable[[object], object],
    column: Column,
    problem: Callable[[int | None, str, str, str, str], None],
) -> list[object]:
    """Read a column of one type by its distinct values: each is read once.

    The values are factorised (in C), each distinct value read (in Python), and the
    results spread back to the rows; only rows with a problem are visited one by one.
    """
    import numpy as np  # noqa: PLC0415 - comes with pandas

    codes, distinct = pd.factorize(series, use_na_sentinel=True)
    results: list[object] = []
    flags: list[int] = []  # 0 fine, 1 missing, 2 malformed
    for value in distinct.tolist() if hasattr(distinct, "tolist") else list(distinct):
        if _is_missing(value):
            results.append(None)
            flags.append(1)
            continue
        result = read(value)
        if isinstance(result, _Bad):
            results.append(result)
            flags.append(2)
        else:
            results.append(result)
            flags.append(0)
    # The sentinel -1 (a missing value pandas recognised) takes the last slot.
    results.append(None)
    flags.append(1)
    taken = np.asarray(codes, dtype=np.intp)
    taken[taken < 0] = len(results) - 1
    table = np.empty(len(results), dtype=object)
    table[:] = results
    values = table[taken]
    flag_of_row = np.asarray(flags, dtype=np.int8)[taken]
    for row in np.flatnonzero(flag_of_row).tolist():
        if flag_of_row[row] == 2:
            bad = values[row]
            problem(row, column.name, "malformed value", _EXPECTED[column.kind], bad.found)
            values[row] = None
        elif column.required:
            problem(row, column.name, "missing value", _EXPECTED[column.kind], "nothing")
    return list(values)


def read_tables(
    source: object, ledger: Ledger, *, tables: Iterable[Table] = TABLES
) -> dict[str, pd.DataFrame]:
    """Read and normalise each known table of ``source``.

    Args:
        source: A mapping of table names (``"MHS502WardStay"`` or ``"MHS502"``) to data
            frames, or the path of a folder of CSV or parquet files named by table.
        ledger: The working account, counting each row read and refusing bad ones.
        tables: The tables wanted.

    Returns:
        Each table given, by its full name: one frame of every row, its values read
        into Python types (``None`` where missing or refused) and three columns saying
        where each row came from (source, row, and CSV line).

    Raises:
        ValidationError: ``source`` is neither a mapping nor a folder, a file cannot be
            read, or a required table is missing (its name is the problem's path).
    """
    pd = _pandas()
    wanted = {table.name: table for table in tables}
    pieces, not_read = _pieces(source)
    ledger.not_read.extend(not_read)
    result: dict[str, Any] = {}
    for name, table in wanted.items():
        if name not in pieces:
            if table.required:
                raise ValidationError.single(
                    name,
                    f"the table {name} (a frame keyed {name} or {table.prefix}, "
                    f"or a file {name}.csv or {name}.parquet)",
                    "no such table",
                )
            continue
        frames = [_normalise(table, piece, ledger) for piece in pieces[name]]
        result[name] = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    for name in pieces:
        if name not in wanted:
            ledger.not_read.append(name)
    return result
