"""Every row of an MHSDS extract accounted for: read, used, dropped as a duplicate, or refused.

The reader never drops a row silently. Each row it reads ends in exactly one of three
places: *used* (it became part of a record or a typed row), *dropped as a duplicate* by
one of the three named layers of de-duplication, or *refused* for a named reason, with
the table, row and field of each problem. See the docs page "Reading MHSDS extracts".
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping

import attrs

__all__ = [
    "Accounting",
    "DuplicateLayer",
    "RowProblem",
    "TableAccount",
]


class DuplicateLayer(enum.Enum):
    """The three layers of de-duplication, in the order they are applied.

    The layers follow the national processing code of MHSDS (see "Reading MHSDS
    extracts" and "Domain facts and sources").
    """

    SUBMISSION = "submission"
    """Layer 1: a row of a submission other than the one kept for its provider-month."""
    MONTH_SNAPSHOT = "month_snapshot"
    """Layer 2: a second row for the same item within one provider-month."""
    LATEST_VERSION = "latest_version"
    """Layer 3: an earlier month's version of an item that a later month sends again."""


@attrs.frozen(kw_only=True)
class RowProblem:
    """One problem with one row (or, with ``row`` ``None``, with a whole table).

    Values are never shown: a problem says what was expected and describes what was
    found by its kind and length, as a value may hold clinical free text.

    Attributes:
        table: The table's name, e.g. ``"MHS502WardStay"``.
        source: Where the rows came from: the file's name, or the key of the mapping.
        row: The row's position in its source, counted from 0 (as ``frame.iloc``
            counts); ``None`` for a problem with the whole table.
        line: For a CSV file, the row's line in the file (the header is line 1, so
            row 0 is line 2 when no value spans lines); ``None`` otherwise.
        field: The column, e.g. ``"WardSecLevel"``.
        reason: Why the row was refused, one of the reasons counted in
            ``TableAccount.refused``.
        expected: What the reader expected there, in words.
        found: What it found, in words (never the value of a free-text cell).
    """

    table: str
    source: str
    row: int | None
    line: int | None
    field: str
    reason: str
    expected: str
    found: str

    def __str__(self) -> str:
        where = "table" if self.row is None else f"row {self.row}"
        if self.line is not None:
            where += f" (line {self.line})"
        return (
            f"{self.table} [{self.source}] {where}, {self.field}: {self.reason}: "
            f"expected {self.expected}; found {self.found}"
        )


@attrs.frozen(kw_only=True)
class TableAccount:
    """What became of the rows of one table.

    ``read == used + sum(duplicates.values()) + sum(refused.values())`` always holds.

    Attributes:
        table: The table's name.
        read: Rows read.
        used: Rows that became part of a record or a typed row.
        duplicates: Rows dropped as duplicates, by layer (every layer is present, 0
            when it dropped nothing).
        refused: Rows refused, by reason.
    """

    table: str
    read: int
    used: int
    duplicates: Mapping[DuplicateLayer, int]
    refused: Mapping[str, int]


@attrs.frozen(kw_only=True)
class Accounting:
    """The account of every row an MHSDS reading read.

    Attributes:
        tables: One account per table read, by table name, in table order.
        problems: The problems of refused rows, in table and row order: the first
            ``MAX_PROBLEMS_PER_TABLE`` of each table (every refusal is counted in the
            table's account, kept here or not).
        not_read: Tables given that the reader does not use, by name (their rows are
            not counted as read).
        conventions: The named conventions the reading applied, e.g. which
            submission rule chose a provider-month's submission.
    """

    #: The most problems kept per table; every refusal is counted all the same.
    MAX_PROBLEMS_PER_TABLE = 1_000

    tables: Mapping[str, TableAccount]
    problems: tuple[RowProblem, ...]
    not_read: tuple[str, ...] = ()
    conventions: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def read(self) -> int:
        """Rows read, over every table."""
        return sum(account.read for account in self.tables.values())

    @property
    def used(self) -> int:
        """Rows used, over every table."""
        return sum(account.used for account in self.tables.values())

    @property
    def duplicates(self) -> int:
        """Rows dropped as duplicates, over every table and layer."""
        return sum(sum(account.duplicates.values()) for account in self.tables.values())

    @property
    def refused(self) -> int:
        """Rows refused, over every table and reason."""
        return sum(sum(account.refused.values()) for account in self.tables.values())

    def summary(self) -> str:
        """The account in a few lines of text, one a table (never a value of a row).

        Examples:
            >>> account = TableAccount(
            ...     table="MHS502WardStay", read=3, used=2,
            ...     duplicates={layer: 0 for layer in DuplicateLayer} | {
            ...         DuplicateLayer.LATEST_VERSION: 1},
            ...     refused={},
            ... )
            >>> print(Accounting(tables={"MHS502WardStay": account}, problems=()).summary())
            MHS502WardStay: 3 read, 2 used, 1 duplicate (latest_version 1), 0 refused
        """
        lines = []
        for name, account in self.tables.items():
            duplicates = sum(account.duplicates.values())
            layers = ", ".join(
                f"{layer.value} {count:,}" for layer, count in account.duplicates.items() if count
            )
            refused = sum(account.refused.values())
            reasons = ", ".join(f"{reason} {count:,}" for reason, count in account.refused.items())
            lines.append(
                f"{name}: {account.read:,} read, {account.used:,} used, "
                f"{duplicates:,} duplicate{'' if duplicates == 1 else 's'}"
                + (f" ({layers})" if layers else "")
                + f", {refused:,} refused"
                + (f" ({reasons})" if reasons else "")
            )
        return "\n".join(lines)


@attrs.define
class Ledger:
    """The reader's working account: which rows were read, dropped and refused.

    Rows are identified by ``(table, source, row)``; a row is refused or dropped at
    most once (the first reason wins), so the counts always add up.
    """

    read: dict[str, int] = attrs.field(factory=dict)
    dropped: dict[tuple[str, str, int], DuplicateLayer] = attrs.field(factory=dict)
    refused: dict[tuple[str, str, int], str] = attrs.field(factory=dict)
    problems: list[RowProblem] = attrs.field(factory=list)
    table_problems: list[RowProblem] = attrs.field(factory=list)
    not_read: list[str] = attrs.field(factory=list)
    conventions: dict[str, str] = attrs.field(factory=dict)

    def add_read(self, table: str, count: int) -> None:
        """Count ``count`` rows read from ``table``."""
        self.read[table] = self.read.get(table, 0) + count

    def drop(self, table: str, source: str, row: int, layer: DuplicateLayer) -> None:
        """Count a row as dropped by ``layer`` (unless it was already dropped or refused)."""
        key = (table, source, row)
        if key not in self.dropped and key not in self.refused:
            self.dropped[key] = layer

    def refuse(self, problem: RowProblem) -> None:
        """Refuse the problem's row for its reason, and keep the problem.

        A row already refused keeps its first reason; its further problems are kept too.
        A problem with no row (a whole table) is kept and counts no row.
        """
        if problem.row is None:
            self.table_problems.append(problem)
            return
        key = (problem.table, problem.source, problem.row)
        if key in self.dropped:
            return
        self.refused.setdefault(key, problem.reason)
        self.problems.append(problem)

    def is_out(self, table: str, source: str, row: int) -> bool:
        """Whether a row was already dropped or refused."""
        key = (table, source, row)
        return key in self.dropped or key in self.refused

    def copy(self) -> Ledger:
        """A copy to add to without changing this one (its items are immutable)."""
        return Ledger(
            read=dict(self.read),
            dropped=dict(self.dropped),
            refused=dict(self.refused),
            problems=list(self.problems),
            table_problems=list(self.table_problems),
            not_read=list(self.not_read),
            conventions=dict(self.conventions),
        )

    def finish(self) -> Accounting:
        """The account as it stands: every row read not dropped or refused counts as used."""
        dropped = Counter((name, layer) for (name, _, _), layer in self.dropped.items())
        refusals = Counter((name, reason) for (name, _, _), reason in self.refused.items())
        tables: dict[str, TableAccount] = {}
        for table in sorted(self.read):
            duplicates = {layer: dropped[table, layer] for layer in DuplicateLayer}
            refused = {reason: count for (name, reason), count in refusals.items() if name == table}
            out = sum(duplicates.values()) + sum(refused.values())
            tables[table] = TableAccount(
                table=table,
                read=self.read[table],
                used=self.read[table] - out,
                duplicates=duplicates,
                refused=dict(sorted(refused.items())),
            )
        kept: list[RowProblem] = list(self.table_problems)
        per_table: dict[str, int] = {}
        ordered = sorted(
            self.problems, key=lambda p: (p.table, p.source, p.row if p.row is not None else -1)
        )
        for problem in ordered:
            seen = per_table.get(problem.table, 0)
            if seen < Accounting.MAX_PROBLEMS_PER_TABLE:
                kept.append(problem)
            per_table[problem.table] = seen + 1
        return Accounting(
            tables=tables,
            problems=tuple(kept),
            not_read=tuple(sorted(self.not_read)),
            conventions=dict(self.conventions),
        )
