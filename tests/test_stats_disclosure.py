"""Disclosure control: the MHSDS rule's published examples, and what no policy may ever do."""

from __future__ import annotations

import subprocess
import sys

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pathway_model import ValidationError, WrongTypeError
from pathway_model.stats import (
    MHSDS_SUPPRESSION,
    Cell,
    CellKind,
    SuppressionPolicy,
    SuppressionReason,
)


class TestTheMhsdsRule:
    @pytest.mark.parametrize(
        ("count", "shown"),
        [(254, "255"), (3, "*"), (0, "*"), (4, "*"), (5, "5"), (7, "5"), (8, "10"), (12, "10")],
    )
    def test_counts(self, count: int, shown: str) -> None:
        """NHS England's count_suppression (mhsds_functions.py): 254 -> 255, 3 -> *, 0-4 -> *."""
        assert MHSDS_SUPPRESSION.apply(Cell.count(count)).shown == shown

    def test_a_percentage_goes_with_its_numerator(self) -> None:
        """3 of 40 (7.5%): the numerator is suppressed, so the percentage is too."""
        cell = MHSDS_SUPPRESSION.apply(Cell.percentage(3, 40))

        assert (cell.suppressed, cell.reason) == (True, SuppressionReason.NUMERATOR_BELOW_THRESHOLD)
        assert (cell.value, cell.numerator, cell.denominator) == (None, None, None)

    @pytest.mark.parametrize(
        ("numerator", "denominator", "shown"),
        [(12, 40, "30"), (13, 41, "32"), (1, 8, "*"), (5, 200, "3"), (5, 8, "63")],
    )
    def test_percentages_are_shown_to_whole_numbers(
        self, numerator: int, denominator: int, shown: str
    ) -> None:
        """Others are shown to 0 places, rounded half up from the unrounded counts: 62.5 -> 63."""
        assert MHSDS_SUPPRESSION.apply(Cell.percentage(numerator, denominator)).shown == shown

    def test_a_percentage_keeps_its_counts_rounded(self) -> None:
        """The counts a published percentage holds are rounded like any count: 13/41 -> 15/40."""
        cell = MHSDS_SUPPRESSION.apply(Cell.percentage(13, 41))

        assert (cell.numerator, cell.denominator, cell.value) == (15, 40, 32.0)

    @pytest.mark.parametrize(
        ("count", "bed_days", "reason"),
        [
            (12, 99.5, SuppressionReason.EXPOSURE_BELOW_MINIMUM),
            (4, 1000.0, SuppressionReason.NUMERATOR_BELOW_THRESHOLD),
            (12, 100.0, None),
        ],
    )
    def test_restraint_rates(
        self, count: int, bed_days: float, reason: SuppressionReason | None
    ) -> None:
        """Rates are suppressed under 100 bed days or 5 interventions (restraint publication)."""
        cell = MHSDS_SUPPRESSION.apply(Cell.rate(count, bed_days))

        assert cell.reason is reason
        assert cell.suppressed is (reason is not None)

    def test_a_rate_is_shown_to_a_whole_number(self) -> None:
        """12 interventions in 1,000 bed days: 12 per 1,000, its count rounded to 10."""
        cell = MHSDS_SUPPRESSION.apply(Cell.rate(12, 1000.0))

        assert (cell.shown, cell.numerator, cell.denominator) == ("12", 10, 1000.0)

    def test_england_is_neither_rounded_nor_suppressed(self) -> None:
        """England's totals are published as they are, and say which policy passed them."""
        cells = {"people": Cell.count(3), "share": Cell.percentage(3, 7)}
        protected = MHSDS_SUPPRESSION.apply_all(cells, unit="England")

        assert protected["people"].shown == "3"
        assert protected["share"].value == pytest.approx(300 / 7)
        assert {cell.policy for cell in protected.values()} == {"mhsds"}

    def test_a_provider_row(self) -> None:
        """A provider's row: each cell protected and named, none left silent."""
        row = {
            "people": Cell.count(37),
            "ready": Cell.count(4),
            "ready_share": Cell.percentage(4, 37),
            "restraint_rate": Cell.rate(9, 2_480.0),
        }
        protected = MHSDS_SUPPRESSION.apply_all(row, unit="RXX")

        assert [cell.shown for cell in protected.values()] == ["35", "*", "*", "4"]
        assert all(cell.policy == "mhsds" for cell in protected.values())


class TestConfigurablePolicies:
    def test_a_stricter_local_policy(self) -> None:
        """Threshold 10, rounding to 10: 9 hidden, 14 shown as 10, 15 as 20 (halves up)."""
        policy = SuppressionPolicy(name="local", threshold=10, rounding_base=10)

        assert [policy.apply(Cell.count(n)).shown for n in (9, 10, 14, 15)] == [
            "*",
            "10",
            "10",
            "20",
        ]

    def test_a_smallest_denominator_for_percentages(self) -> None:
        """A policy may hide percentages of fewer than 30 people, whatever the numerator."""
        policy = SuppressionPolicy(name="local", min_denominator=30)
        cell = policy.apply(Cell.percentage(12, 25))

        assert cell.reason is SuppressionReason.DENOMINATOR_BELOW_THRESHOLD

    def test_rounding_that_could_show_a_small_count_is_refused(self) -> None:
        """Threshold 7 with rounding to 5 would show 7 as 5: the policy is refused when built."""
        with pytest.raises(ValidationError, match="rounding_base"):
            SuppressionPolicy(name="bad", threshold=7, rounding_base=5)

    def test_no_rounding(self) -> None:
        """A base of 1 suppresses small counts and leaves the others as they are."""
        policy = SuppressionPolicy(name="suppress-only", rounding_base=1, decimals=1)

        assert [policy.apply(Cell.count(n)).shown for n in (4, 5, 13)] == ["*", "5", "13"]
        assert policy.apply(Cell.percentage(13, 41)).shown == "31.7"

    def test_a_suppressed_cell_stays_suppressed_under_another_policy(self) -> None:
        """A hidden figure is gone: a later, looser policy cannot bring it back."""
        hidden = MHSDS_SUPPRESSION.apply(Cell.count(3))
        again = SuppressionPolicy(name="loose", threshold=1, rounding_base=1).apply(hidden)

        assert (again.suppressed, again.reason, again.policy) == (
            True,
            SuppressionReason.COUNT_BELOW_THRESHOLD,
            "loose",
        )


@st.composite
def _policies(draw: st.DrawFn) -> SuppressionPolicy:
    threshold = draw(st.integers(1, 20))
    base = draw(st.integers(1, 10))
    try:
        return SuppressionPolicy(
            name="drawn",
            threshold=threshold,
            rounding_base=base,
            min_denominator=draw(st.integers(0, 50)),
            min_exposure=draw(st.floats(0, 500)),
            decimals=draw(st.integers(0, 3)),
        )
    except ValidationError:
        return SuppressionPolicy(name="drawn", threshold=threshold, rounding_base=1)


@st.composite
def _cells(draw: st.DrawFn) -> Cell:
    kind = draw(st.sampled_from(CellKind))
    if kind is CellKind.COUNT:
        return Cell.count(draw(st.integers(0, 10_000)))
    if kind is CellKind.PERCENTAGE:
        denominator = draw(st.integers(1, 10_000))
        return Cell.percentage(draw(st.integers(0, denominator)), denominator)
    return Cell.rate(
        draw(st.integers(0, 10_000)),
        draw(st.floats(0.5, 1e6)),
        per=draw(st.sampled_from([1.0, 1000.0])),
    )


class TestEveryPolicy:
    @given(_policies(), _cells())
    def test_applying_twice_changes_nothing(self, policy: SuppressionPolicy, cell: Cell) -> None:
        """A policy applied to its own output gives an equal cell."""
        once = policy.apply(cell)

        assert policy.apply(once) == once

    @given(_policies(), _cells())
    def test_no_published_count_is_below_the_threshold(
        self, policy: SuppressionPolicy, cell: Cell
    ) -> None:
        """A shown cell shows no count, numerator or percentage denominator below the threshold."""
        protected = policy.apply(cell)

        if not protected.suppressed:
            counts = [protected.numerator]
            if protected.kind is CellKind.COUNT:
                counts.append(protected.value)  # type: ignore[arg-type]
            if protected.kind is CellKind.PERCENTAGE:
                counts.append(protected.denominator)  # type: ignore[arg-type]
            assert all(count >= policy.threshold for count in counts if count is not None)

    @given(_policies(), _cells())
    def test_nothing_is_silent(self, policy: SuppressionPolicy, cell: Cell) -> None:
        """Every protected cell names its policy; a suppressed one has a reason and no figures."""
        protected = policy.apply(cell)

        assert protected.policy == policy.name
        assert protected.suppressed == (protected.reason is not None)
        if protected.suppressed:
            assert (protected.value, protected.numerator, protected.denominator) == (
                None,
                None,
                None,
            )
            assert protected.shown == "*"

    @given(st.integers(1, 50), st.integers(1, 50))
    def test_a_policy_is_built_only_if_rounding_keeps_counts_at_the_threshold(
        self, threshold: int, base: int
    ) -> None:
        """Built or refused: a built policy never rounds a count it shows below its threshold."""
        try:
            policy = SuppressionPolicy(name="p", threshold=threshold, rounding_base=base)
        except ValidationError:
            return
        shown = [policy.apply(Cell.count(n)) for n in range(threshold, threshold + 3 * base)]

        assert all(int(cell.shown) >= threshold for cell in shown)


class TestCells:
    def test_cells_are_checked_when_built(self) -> None:
        """A cell holding figures that do not fit its kind is refused."""
        with pytest.raises(ValidationError, match=r"Cell\.numerator"):
            Cell(kind=CellKind.COUNT, value=3, numerator=2)
        with pytest.raises(ValidationError, match=r"Cell\.reason"):
            Cell(kind=CellKind.COUNT, value=None, suppressed=True)
        with pytest.raises(ValidationError, match="numerator"):
            Cell.percentage(5, 4)

    def test_apply_refuses_what_is_not_a_cell(self) -> None:
        """Only cells are protected: anything else is a wrong type, never passed through."""
        with pytest.raises(WrongTypeError, match="cell"):
            MHSDS_SUPPRESSION.apply(3)  # type: ignore[arg-type]
        with pytest.raises(WrongTypeError, match=r"cells\['people'\]"):
            MHSDS_SUPPRESSION.apply_all({"people": 3})  # type: ignore[dict-item]

    def test_cells_are_values(self) -> None:
        """Cells are frozen: evolve makes a changed copy."""
        cell = Cell.count(12)

        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            cell.value = 13  # type: ignore[misc]
        assert attrs.evolve(cell, value=13).value == 13


class TestWithoutTheExtra:
    def test_disclosure_needs_neither_numpy_nor_scipy(self) -> None:
        """Without numpy and scipy, disclosure control works and a chart says what to install."""
        code = (
            "import sys; sys.modules['numpy'] = None; sys.modules['scipy'] = None\n"
            "import datetime as dt\n"
            "from pathway_model.stats import MHSDS_SUPPRESSION, Cell, xmr_chart\n"
            "from pathway_model import PathwayModelError\n"
            "print(MHSDS_SUPPRESSION.apply(Cell.count(12)).shown)\n"
            "try:\n"
            "    xmr_chart([dt.date(2024, 1, 1), dt.date(2024, 2, 1)], [1, 2])\n"
            "except PathwayModelError as error:\n"
            "    print(type(error).__name__, isinstance(error, ImportError), error.name)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )

        assert done.stdout.splitlines() == ["10", "StatisticsUnavailableError True numpy"]

    def test_importing_the_room_loads_neither(self) -> None:
        """``import pathway_model.stats`` loads no numpy nor scipy until a function needs them."""
        code = (
            "import sys, pathway_model.stats; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'numpy', 'scipy'}))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )

        assert done.stdout.strip() == "[]"
