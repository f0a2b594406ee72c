"""Batch scoring: tidy rows for valid records, problems per row for the rest."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import scoring
from pathway_model.scoring import frames


def double(record: Mapping[str, Any]) -> dict[str, Any] | list[tuple[str, str, str]]:
    """A tiny scorer: doubles ``x`` when it is a whole number from 0 to 9."""
    value = record.get("x")
    if type(value) is not int or not 0 <= value <= 9:
        return [("x", "a whole number from 0 to 9", type(value).__name__)]
    return {"double": value * 2}


class TestScoreRecords:
    def test_valid_records_become_tidy_rows(self) -> None:
        """Each valid record gives one row: its position, kept fields, then its scores."""
        batch = scoring.score_records(
            [{"id": "a", "x": 1}, {"id": "b", "x": 4}], double, keep=("id",)
        )
        assert (
            {"row": 0, "id": "a", "double": 2},
            {"row": 1, "id": "b", "double": 8},
        ) == batch.rows
        assert () == batch.problems

    def test_collect_returns_problems_beside_the_rows(self) -> None:
        """With on_error='collect', invalid records are left out and their problems returned."""
        records = [{"x": 1}, {"x": 12}, "not a record", {"x": 3}]
        batch = scoring.score_records(records, double, on_error="collect")
        assert [0, 3] == [row["row"] for row in batch.rows]
        expected = [
            scoring.RowProblem(
                row=1, field="x", expected="a whole number from 0 to 9", found="int"
            ),
            scoring.RowProblem(row=2, field="", expected="a record (a mapping)", found="str"),
        ]
        assert expected == list(batch.problems)

    def test_raise_lists_every_row_problem_with_its_path(self) -> None:
        """By default one ValidationError lists every problem as $[row].field."""
        with pytest.raises(pm.ValidationError) as caught:
            scoring.score_records([{"x": -1}, {"x": 2}, {"x": None}], double)
        assert ["$[0].x", "$[2].x"] == [p.path for p in caught.value.problems]

    def test_a_missing_kept_field_is_a_problem(self) -> None:
        """A field asked to be kept but absent is reported, not filled in."""
        batch = scoring.score_records([{"x": 1}], double, keep=("id",), on_error="collect")
        assert () == batch.rows
        assert ["id"] == [p.field for p in batch.problems]

    @pytest.mark.parametrize("records", ["abc", {"x": 1}, 5])
    def test_refuses_input_that_is_not_records(self, records: object) -> None:
        """A string, a single mapping or a number is not an iterable of records."""
        with pytest.raises(pm.WrongTypeError):
            scoring.score_records(records, double)  # type: ignore[arg-type]

    def test_refuses_an_unknown_error_choice(self) -> None:
        """on_error is 'raise' or 'collect'."""
        with pytest.raises(pm.WrongTypeError, match="'raise' or 'collect'"):
            scoring.score_records([], double, on_error="ignore")  # type: ignore[arg-type]

    @given(st.lists(st.integers(-3, 12), max_size=30))
    def test_every_record_is_either_a_row_or_a_problem(self, values: list[int]) -> None:
        """Nothing is lost: each input position is a row or has a problem, never both."""
        batch = scoring.score_records([{"x": v} for v in values], double, on_error="collect")
        scored = {row["row"] for row in batch.rows}
        refused = {problem.row for problem in batch.problems}
        assert set(range(len(values))) == scored | refused
        assert not scored & refused

    def test_rows_become_a_data_frame(self) -> None:
        """frames.batch_frame gives a pandas DataFrame of the rows."""
        pd = pytest.importorskip("pandas")
        frame = frames.batch_frame(scoring.score_records([{"x": 1}, {"x": 2}], double))
        assert isinstance(frame, pd.DataFrame)
        assert [2, 4] == frame["double"].tolist()

    def test_the_frame_holds_the_valid_rows_and_their_columns_in_order(self) -> None:
        """One frame row per valid record: its position, the kept fields, then the scores."""
        pytest.importorskip("pandas")
        records = [{"id": "a", "x": 1}, {"id": "b", "x": 12}, {"id": "c", "x": 3}]
        batch = scoring.score_records(records, double, keep=("id",), on_error="collect")
        frame = frames.batch_frame(batch)
        assert ["row", "id", "double"] == list(frame.columns)
        assert [[0, "a", 2], [2, "c", 6]] == frame.to_numpy().tolist()

    def test_to_frame_is_the_same_table(self) -> None:
        """Batch.to_frame is a convenience: the very table frames.batch_frame gives."""
        pytest.importorskip("pandas")
        batch = scoring.score_records([{"id": "a", "x": 1}], double, keep=("id",))
        assert frames.batch_frame(batch).equals(batch.to_frame())

    def test_only_a_batch_becomes_a_batch_frame(self) -> None:
        """Anything but a Batch is refused with the library's own error, before pandas loads."""
        with pytest.raises(pm.WrongTypeError, match="batch: expected a Batch; found list"):
            frames.batch_frame([{"row": 0}])  # type: ignore[arg-type]


class TestWithoutPandas:
    def test_the_core_imports_and_scores_without_pandas_or_numpy(self) -> None:
        """pandas and numpy are optional: the library imports and scores records without them."""
        code = (
            "import sys; sys.modules['pandas'] = None; sys.modules['numpy'] = None\n"
            "from pathway_model import scoring\n"
            "batch = scoring.score_records([{'x': 1}], lambda r: {'y': r['x']})\n"
            "print(batch.rows)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert 0 == result.returncode, result.stderr
        assert "[{'row': 0, 'y': 1}]" in result.stdout or "({'row': 0, 'y': 1},)" in result.stdout
