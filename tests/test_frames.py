"""One convention for every scoring data-frame function, and the record forms beside them.

Each data-frame function reads a cell as its record form reads the same value: a missing
cell is ``None``, a whole float (``3.0``) or a numpy integer is the ``int``, a fraction is
refused. Raising lists the first 100 problems and counts the rest; collecting adds a
``problems`` column that is ``""`` for a valid row. The scoring reference describes the
convention once ("Data frames and records: one convention").
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest

import pathway_model as pm
from pathway_model import scoring
from pathway_model.catalogue import MY_SHARED_PATHWAY
from pathway_model.scoring import frames
from pathway_model.stats import MHSDS_SUPPRESSION

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")

H = [f"h{n}" for n in range(1, 13)]
S = [f"s{letter}" for letter in "abcdefg"]


@attrs.frozen(kw_only=True)
class Case:
    """One data-frame function, with a valid row, a broken one and its record form."""

    name: str
    frame: Callable[..., Any]
    records: Callable[..., scoring.Batch]
    valid: dict[str, Any]
    bad_field: str
    bad_value: Any
    score: str
    number_field: str | None = None  # a column of whole numbers, if the function has one

    def bad(self) -> dict[str, Any]:
        return {**self.valid, self.bad_field: self.bad_value}


CASES = [
    Case(
        name="honos",
        frame=frames.score_honos_frame,
        records=scoring.score_honos_records,
        valid=dict.fromkeys(H, 2),
        bad_field="h1",
        bad_value=7,
        score="total",
        number_field="h3",
    ),
    Case(
        name="honos_secure",
        frame=frames.score_honos_secure_frame,
        records=scoring.score_honos_secure_records,
        valid={**dict.fromkeys(H, 2), **dict.fromkeys(S, 1)},
        bad_field="sa",
        bad_value=7,
        score="security_total",
        number_field="sc",
    ),
    Case(
        name="honos_change",
        frame=frames.honos_change_frame,
        records=scoring.honos_change_records,
        valid={
            **{f"{key}_before": 3 for key in H},
            **{f"{key}_after": 2 for key in H},
        },
        bad_field="h1_after",
        bad_value=7,
        score="total_before",
        number_field="h3_before",
    ),
    Case(
        name="dundrum",
        frame=lambda frame, **kw: frames.score_dundrum_frame(frame, instrument=3, **kw),
        records=lambda records, **kw: scoring.score_dundrum_records(records, instrument=3, **kw),
        valid={f"d3_{item}": 2 for item in range(1, 8)},
        bad_field="d3_1",
        bad_value=7,
        score="total",
        number_field="d3_2",
    ),
    Case(
        name="agreement",
        frame=lambda frame, **kw: frames.agreement_frame(
            frame, scale=MY_SHARED_PATHWAY.scale, **kw
        ),
        records=lambda records, **kw: scoring.agreement_records(
            records, scale=MY_SHARED_PATHWAY.scale, **kw
        ),
        valid={"team": "partly_met", "person": "met"},
        bad_field="team",
        bad_value="great",
        score="difference",
    ),
]
NUMERIC = [case for case in CASES if case.number_field is not None]


def ids(case: Case) -> str:
    return case.name


def frame_of(rows: list[dict[str, Any]], **kwargs: Any) -> Any:
    return pd.DataFrame(rows, **kwargs)


class TestOneConvention:
    @pytest.mark.parametrize("case", CASES, ids=ids)
    def test_a_valid_rows_problems_cell_is_empty_text(self, case: Case) -> None:
        """A valid row's problems cell is "" (a known absence of problems), never NA."""
        result = case.frame(frame_of([case.valid, case.bad()]), on_error="collect")
        assert "string" == str(result["problems"].dtype)
        assert "" == result["problems"].iloc[0]
        assert not result["problems"].isna().any()

    @pytest.mark.parametrize("case", CASES, ids=ids)
    def test_an_invalid_rows_problems_cell_says_what_the_error_would(self, case: Case) -> None:
        """An invalid row's cell holds its problems as raising lists them, without the row."""
        result = case.frame(frame_of([case.valid, case.bad()]), on_error="collect")
        with pytest.raises(pm.ValidationError) as caught:
            case.frame(frame_of([case.valid, case.bad()]))
        (problem,) = caught.value.problems
        assert f"$[1].{case.bad_field}" == problem.path
        expected = f"{case.bad_field}: expected {problem.expected}; found {problem.found}"
        assert expected == result["problems"].iloc[1]
        assert pd.isna(result[case.score].iloc[1])

    @pytest.mark.parametrize("case", CASES, ids=ids)
    def test_raising_lists_the_first_100_problems_and_counts_the_rest(self, case: Case) -> None:
        """Every frame function lists the same number of problems: 100, and counts them all."""
        with pytest.raises(pm.ValidationError) as caught:
            case.frame(frame_of([case.bad()] * 130))
        problems = caught.value.problems
        assert (100, 130) == (len(problems), caught.value.total)
        assert f"$[99].{case.bad_field}" == problems[99].path
        assert "100 of 130 problems shown:" == str(caught.value).splitlines()[0]

    @pytest.mark.parametrize("case", CASES, ids=ids)
    def test_the_record_form_lists_the_same_number(self, case: Case) -> None:
        """The record forms raise with the same cap as the frame forms."""
        with pytest.raises(pm.ValidationError) as caught:
            case.records([case.bad()] * 130)
        assert (100, 130) == (len(caught.value.problems), caught.value.total)

    @pytest.mark.parametrize("case", CASES, ids=ids)
    @pytest.mark.parametrize("missing", [None, float("nan"), "NA"])
    def test_a_missing_cell_is_read_as_none(self, case: Case, missing: Any) -> None:
        """A missing cell (None, NaN, pd.NA) is what None is to the record form."""
        gap = pd.NA if missing == "NA" else missing
        field = case.number_field or "person"
        frame = frame_of([{**case.valid, field: gap}], dtype=object)
        result = case.frame(frame, on_error="collect")
        batch = case.records([{**case.valid, field: None}], on_error="collect")
        texts = [
            (f"{p.field}: " if p.field else "") + f"expected {p.expected}; found {p.found}"
            for p in batch.problems
        ]
        assert [" | ".join(texts)] == result["problems"].tolist()


class TestNumbersInFrames:
    @pytest.mark.parametrize("case", NUMERIC, ids=ids)
    @pytest.mark.parametrize("dtype", [object, "float64", "Float64"])
    def test_a_whole_float_is_its_integer(self, case: Case, dtype: Any) -> None:
        """3.0 in an object, float or nullable float column scores as the integer 3."""
        assert case.number_field is not None
        ints = case.frame(frame_of([{**case.valid, case.number_field: 3}]))
        floats = frame_of([case.valid])
        floats[case.number_field] = pd.Series([3.0], dtype=dtype)
        result = case.frame(floats, on_error="collect")
        assert ints[case.score].tolist() == result[case.score].tolist()
        assert [""] == result["problems"].tolist()

    @pytest.mark.parametrize("case", NUMERIC, ids=ids)
    @pytest.mark.parametrize("dtype", [object, "float64"])
    def test_a_fraction_is_refused(self, case: Case, dtype: Any) -> None:
        """2.5 is no rating, in any column, and is shown as the number it is."""
        assert case.number_field is not None
        frame = frame_of([case.valid])
        frame[case.number_field] = pd.Series([2.5], dtype=dtype)
        result = case.frame(frame, on_error="collect")
        text = result["problems"].iloc[0]
        assert text.startswith(f"{case.number_field}: expected ")
        assert text.endswith("; found 2.5 (float)")

    @pytest.mark.parametrize("case", NUMERIC, ids=ids)
    def test_numpy_integers_are_ints_in_records(self, case: Case) -> None:
        """A numpy integer is accepted by every record form wherever an int is."""
        plain = case.records([case.valid])
        numpy = case.records([{key: np.int64(value) for key, value in case.valid.items()}])
        assert plain.rows == numpy.rows

    @pytest.mark.parametrize("case", NUMERIC, ids=ids)
    def test_numpy_integers_are_ints_in_object_columns(self, case: Case) -> None:
        """A numpy integer in an object column is its int."""
        assert case.number_field is not None
        frame = frame_of([case.valid], dtype=object)
        frame[case.number_field] = pd.Series([np.int32(2)], dtype=object)
        result = case.frame(frame, on_error="collect")
        assert [""] == result["problems"].tolist()

    @pytest.mark.parametrize("case", NUMERIC, ids=ids)
    def test_records_stay_strict_about_floats(self, case: Case) -> None:
        """A record is plain Python: a float there is refused, whole or not."""
        assert case.number_field is not None
        batch = case.records([{**case.valid, case.number_field: 2.0}], on_error="collect")
        assert [(case.number_field, "2.0 (float)")] == [(p.field, p.found) for p in batch.problems]


def _stored(frame: Any) -> Any:
    """The frame written with ``to_parquet`` and read back with ``read_parquet``."""
    pytest.importorskip("pyarrow")
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    buffer.seek(0)
    return pd.read_parquet(buffer)


#: The dtypes a frame the library gives may hold: nullable numbers, flags and text.
STORABLE = {"Int64", "Float64", "boolean", "string", "datetime64[ns]"}


def _results() -> dict[str, Any]:
    """One frame of each function that gives one, from valid and invalid rows alike."""
    frames_given = {
        case.name: case.frame(frame_of([case.valid, case.bad()]), on_error="collect")
        for case in CASES
    }
    report = scoring.cohort_report(_cohort(), as_of=AS_OF)
    frames_given["report"] = report.to_frame()
    frames_given["benchmark"] = frames.cohort_frame(scoring.benchmark_table(report))
    frames_given["report_suppressed"] = report.to_frame(suppress=MHSDS_SUPPRESSION)
    frames_given["benchmark_suppressed"] = frames.cohort_frame(
        scoring.benchmark_table(report, suppress=MHSDS_SUPPRESSION)
    )
    frames_given["spc"] = frames.cohort_frame(scoring.spc_table(report))
    frames_given["payments"] = frames.cohort_frame(scoring.payments(report, by_stage=True))
    frames_given["delays"] = frames.cohort_frame(report.recorded_delays())
    frames_given["batch"] = frames.batch_frame(
        scoring.score_honos_records(
            [{"id": "a", **dict.fromkeys(H, 2)}, {"id": "b", **dict.fromkeys(H, 9)}], keep=("id",)
        )
    )
    return frames_given


AS_OF = dt.date(2025, 3, 31)


def _cohort() -> list[pm.Pathway]:
    from pathway_model import synthetic

    return synthetic.synthetic_cohort(
        synthetic.CohortParameters(people_in_care=40), seed=7, as_of=AS_OF
    )


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return _results()


RESULT_NAMES = [
    *(case.name for case in CASES),
    *("report", "benchmark", "payments", "delays", "batch"),
]


class TestFramesAnAnalystCanStore:
    @pytest.mark.parametrize("name", RESULT_NAMES)
    def test_every_column_is_nullable_numbers_flags_or_text(
        self, results: dict[str, Any], name: str
    ) -> None:
        """No column of a result frame is object: each is Int64, Float64, boolean or string."""
        frame = results[name]
        assert len(frame.columns) > 0
        assert {} == {
            column: str(dtype)
            for column, dtype in frame.dtypes.items()
            if str(dtype) not in STORABLE
        }

    @pytest.mark.parametrize("name", RESULT_NAMES)
    def test_to_parquet_and_read_parquet_give_the_same_frame(
        self, results: dict[str, Any], name: str
    ) -> None:
        """A result frame stored as parquet reads back equal, dtypes and all."""
        frame = results[name]
        pd.testing.assert_frame_equal(frame, _stored(frame))

    def test_money_is_pounds_and_exact_pence(self, results: dict[str, Any]) -> None:
        """Each amount is a Float64 column of pounds beside an Int64 column of its pence."""
        report = scoring.cohort_report(_cohort(), as_of=AS_OF)
        bills = results["payments"]
        first = scoring.payments(report, by_stage=True)[0]
        assert ("Float64", "Int64") == (
            str(bills["difference"].dtype),
            str(bills["difference_pence"].dtype),
        )
        assert (float(first.difference), int(first.difference * 100)) == (
            bills["difference"].iloc[0],
            bills["difference_pence"].iloc[0],
        )

    def test_a_report_rows_value_is_a_number_and_amounts_keep_their_pence(
        self, results: dict[str, Any]
    ) -> None:
        """value is Float64 for every measure; value_pence holds an amount's pence, NA else."""
        frame = results["report"]
        money = frame[frame["unit"] == "GBP"]
        others = frame[frame["unit"] != "GBP"]
        assert not money["value_pence"].isna().any()
        assert others["value_pence"].isna().all()
        assert (money["value"] * 100).round().astype("Int64").tolist() == money[
            "value_pence"
        ].tolist()

    def test_the_report_frame_has_the_rows_values(self) -> None:
        """The frame holds each row's value as a number: a count exactly, an amount in pounds."""
        report = scoring.cohort_report(_cohort(), as_of=AS_OF)
        frame = report.to_frame()
        expected = [None if row.value is None else float(row.value) for row in report.rows()]
        found = [None if pd.isna(value) else value for value in frame["value"]]
        assert expected == found

    def test_a_batch_frame_types_each_column_by_its_values(self) -> None:
        """Whole numbers Int64, fractions Float64, text string, flags boolean, amounts in pence."""
        batch = scoring.score_records(
            [{"x": 1}, {"x": 2}],
            lambda r: {
                "n": r["x"],
                "mean": r["x"] / 2,
                "code": "a",
                "ok": r["x"] > 1,
                "cost": Decimal("1.25") * r["x"],
                "gap": None,
            },
        )
        frame = frames.batch_frame(batch)
        assert {
            "row": "Int64",
            "n": "Int64",
            "mean": "Float64",
            "code": "string",
            "ok": "boolean",
            "cost": "Float64",
            "cost_pence": "Int64",
            "gap": "object",
        } == {column: str(dtype) for column, dtype in frame.dtypes.items()}
        assert [125, 250] == frame["cost_pence"].tolist()

    def test_cohort_frame_refuses_rows_of_two_kinds(self) -> None:
        """Rows of one kind make one table; a second kind is refused, naming the row."""
        report = scoring.cohort_report(_cohort(), as_of=AS_OF)
        mixed = [report.rows()[0], scoring.payments(report)[0]]
        with pytest.raises(pm.WrongTypeError, match=r"rows\[1\]: expected a CohortRow"):
            frames.cohort_frame(mixed)

    def test_the_mhsds_frame_form_is_stored_as_it_is(self) -> None:
        """score_honos_long_frame gives nullable dtypes and round-trips through parquet."""
        from pathway_model import mhsds

        codes = [scale.snomed_ct for scale in scoring.HONOS_SECURE.scales]
        frame = pd.DataFrame(
            {
                "person_id": ["P1"] * len(codes) + ["P2"],
                "assessment_id": ["A1"] * len(codes) + ["A2"],
                "date": [dt.date(2024, 5, 1)] * (len(codes) + 1),
                "code": [*codes, codes[0]],
                "score": ["2"] * len(codes) + ["9"],
            }
        )
        result = mhsds.score_honos_long_frame(frame)
        assert {} == {
            column: str(dtype)
            for column, dtype in result.dtypes.items()
            if str(dtype) not in STORABLE and column != "date"
        }
        pd.testing.assert_frame_equal(result, _stored(result))
