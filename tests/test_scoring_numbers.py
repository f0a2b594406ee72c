"""Numbers of any size: every scoring entry point refuses them with our own error.

Python will not write an integer of more than 4,300 digits as text, and cannot turn one
into a float. A rating, a threshold or an amount that large must be refused with a
``PathwayModelError`` naming where it is, never escape as ``ValueError`` or
``OverflowError``, and the message must stay short.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import scoring
from pathway_model.catalogue import SECURE_PATHWAY

HUGE = 10**5000
H = [f"h{n}" for n in range(1, 13)]
HONOS = dict.fromkeys(H, 1)


def dundrum_3(value: int) -> Any:
    return scoring.score_dundrum_3([value, 1, 1, 1, 1, 1, 1])


def bands(value: int) -> Any:
    return scoring.HeuristicBands(name="x", source="local", thresholds=(value,), labels=("a", "b"))


def currency_payment(value: int) -> Any:
    return scoring.OutcomeCurrency(goal_payment=value)


def cohort_with_cost(value: int) -> Any:
    stages = [
        attrs.evolve(stage, bed_day_cost=value) if stage.code == "low_secure" else stage
        for stage in SECURE_PATHWAY.stages
    ]
    definition = attrs.evolve(SECURE_PATHWAY, stages=stages)
    record = pm.Pathway.start(
        definition, person_id="P-1", stage="low_secure", provider="R", on=dt.date(2024, 1, 1)
    )
    return scoring.cohort_report([record], as_of=dt.date(2024, 3, 1), definition=definition)


#: (entry point, the path its error names), each called with the huge number.
ENTRY_POINTS: list[tuple[str, Callable[[int], Any], str]] = [
    ("score_dundrum_3 rating", dundrum_3, "$.d3_1"),
    ("score_dundrum_1 rating", lambda v: scoring.score_dundrum_1([v] + [1] * 10), "$.d1_1"),
    (
        "score_dundrum_records rating",
        lambda v: scoring.score_dundrum_records(
            [{f"d4_{i}": v for i in range(1, 7)}], instrument=4
        ),
        "$[0].d4_1",
    ),
    ("min_rated", lambda v: scoring.score_dundrum_3([1] * 7, min_rated=v), "min_rated"),
    ("band_for", scoring.DEFAULT_D3_BANDS.band_for, "mean"),
    ("HeuristicBands thresholds", bands, "HeuristicBands.thresholds[0]"),
    ("PlacementBand.for_level", scoring.PlacementBand.for_level, "level"),
    ("score_honos rating", lambda v: scoring.score_honos({**HONOS, "h1": v}), "$.h1"),
    (
        "honos_change rating",
        lambda v: scoring.honos_change({**HONOS, "h2": v}, HONOS),
        "before.h2",
    ),
    (
        "InstrumentScale maximum",
        lambda v: scoring.InstrumentScale(code="x", label="x", subscale="x", maximum=v),
        "InstrumentScale.maximum",
    ),
    ("kaplan_meier duration", lambda v: scoring.kaplan_meier([1, v]), "durations[1]"),
    ("OutcomeCurrency amount", currency_payment, "OutcomeCurrency.goal_payment"),
    (
        "OutcomeCurrency bed days",
        lambda v: scoring.OutcomeCurrency(step_down_bed_days=v),
        "OutcomeCurrency.step_down_bed_days",
    ),
    (
        "cohort_report bed-day cost",
        cohort_with_cost,
        "Stage.bed_day_cost",
    ),
]

#: Entry points where only a huge negative number is out of range.
NEGATIVE_ONLY: list[tuple[str, Callable[[int], Any], str]] = [
    ("honos_change threshold", lambda v: scoring.honos_change(HONOS, HONOS, reliable_change=v), ""),
]


def assert_refused(call: Callable[[], Any], path: str) -> None:
    with pytest.raises(pm.PathwayModelError) as caught:
        call()
    assert isinstance(caught.value, pm.ValidationError)
    if path:
        assert path in [problem.path for problem in caught.value.problems]
    message = str(caught.value)
    assert len(message) < 1_000
    assert re.search(r"[0-9]{13}", message) is None


#: Every entry point with a huge positive and a huge negative number; a negative bed-day
#: cost is the stage's own business (refused when the stage is made), so it is left out.
CASES = [
    pytest.param(call, path, sign * HUGE, id=f"{name}, {'positive' if sign > 0 else 'negative'}")
    for name, call, path in ENTRY_POINTS
    for sign in (1, -1)
    if not (sign < 0 and name == "cohort_report bed-day cost")
]


class TestHugeNumbers:
    @pytest.mark.parametrize(("call", "path", "value"), CASES)
    def test_an_integer_of_thousands_of_digits_is_refused_as_our_error(
        self, call: Callable[[int], Any], path: str, value: int
    ) -> None:
        """A number too long to write is refused with a ValidationError naming its path."""
        assert_refused(lambda: call(value), path)

    @pytest.mark.parametrize(
        "call", [c for _, c, _ in NEGATIVE_ONLY], ids=[n for n, _, _ in NEGATIVE_ONLY]
    )
    def test_a_huge_negative_threshold_is_refused(self, call: Callable[[int], Any]) -> None:
        """A reliable-change threshold of minus thousands of digits is refused, not crashed on."""
        assert_refused(lambda: call(-HUGE), "reliable_change")

    def test_an_amount_beyond_any_decimal_exponent_is_refused(self) -> None:
        """An amount written '1e999999999999' is refused, not an Overflow from decimal."""
        assert_refused(
            lambda: scoring.OutcomeCurrency(base_share="1e999999999999"),
            "OutcomeCurrency.base_share",
        )

    def test_a_payment_never_overflows_its_precision(self) -> None:
        """The largest amounts allowed still price a stay without a decimal error."""
        record = pm.Pathway.start(
            SECURE_PATHWAY,
            person_id="P-1",
            stage="low_secure",
            provider="R",
            on=dt.date(2024, 1, 1),
        )
        most = Decimal("999999999999.999999")
        currency = scoring.OutcomeCurrency(
            base_share=most,
            goal_payment=most,
            outcome_payment=most,
            ready_day_deduction=most,
            step_down_bed_days=3_652_058,
        )
        (row, _everyone) = scoring.payments([record], as_of=dt.date(2024, 3, 1), currency=currency)
        assert (Decimal(60 * 411) * most).quantize(Decimal("0.01")) == row.base_payment

    @given(st.integers() | st.sampled_from([HUGE, -HUGE, 10**4300, -(10**4300)]))
    def test_any_integer_rating_is_scored_or_refused_as_our_error(self, value: int) -> None:
        """Whatever integer a rating holds, it is scored when valid and refused otherwise."""
        if 0 <= value <= 4:
            assert value + 6 == dundrum_3(value).total
        else:
            assert_refused(lambda: dundrum_3(value), "$.d3_1")
        if 0 <= value <= 4 or value == 9:
            assert (
                11 + (value if value <= 4 else 0)
                == scoring.score_honos({**HONOS, "h5": value}).total
            )
        else:
            assert_refused(lambda: scoring.score_honos({**HONOS, "h5": value}), "$.h5")
