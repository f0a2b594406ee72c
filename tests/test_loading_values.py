"""Values at the edges: what the model accepts, the loader reads, and what it writes it reads.

Numbers too large to hold, amounts with more places than the format has, text that is not
valid Unicode and zone offsets that do not exist are refused at every entry point with a
`ValidationError` naming the path, never with Python's own exceptions.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import runpy
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import cli, fhir
from pathway_model.catalogue import FRAMEWORKS, SECURE_PATHWAY
from pathway_model.io._converter import CONVERTER, make_converter
from pathway_model.io._json import DOCUMENTS, parse
from tests import strategies as s

#: Every test here runs twice: with the fast path, and by the validated constructors.
pytestmark = pytest.mark.usefixtures("loading_mode")

ROOT = Path(__file__).resolve().parents[1]
RECORD: pm.Pathway = runpy.run_path(str(ROOT / "examples" / "medium_secure.py"))["build_pathway"]()
ASSESSMENT = pm.assess(RECORD, dt.date(2025, 1, 15), definition=SECURE_PATHWAY)
SECRET = "Zanzibar-secret-wording"

#: A number whose exponent no Decimal holds.
HUGE_EXPONENT = "1e9999999999999999999"
#: An integer of more digits than Python converts from text (4,300 by default).
HUGE_INTEGER = "7" * 5000


def problems(call: Any, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
    """The (path, found) of each problem ``call`` raises; it must raise ValidationError."""
    with pytest.raises(pm.ValidationError) as caught:
        call(*args, **kwargs)
    return [(problem.path, problem.found) for problem in caught.value.problems]


def definition_doc(cost: object) -> dict[str, Any]:
    """The built-in secure pathway as a dict, the second stage's bed-day cost replaced."""
    doc = pm.to_dict(SECURE_PATHWAY)
    doc["stages"][1]["bed_day_cost"] = cost
    return doc


def with_cost(cost: object) -> pm.PathwayDefinition:
    """The built-in secure pathway with the second stage's bed-day cost replaced."""
    stages = list(SECURE_PATHWAY.stages)
    stages[1] = attrs.evolve(stages[1], bed_day_cost=cost)
    return attrs.evolve(SECURE_PATHWAY, stages=stages)


def model_accepts(cost: object) -> bool:
    try:
        with_cost(cost)
    except pm.ValidationError:
        return False
    return True


def loader_accepts(text: str, cls: type[Any]) -> bool:
    try:
        pm.loads(text, cls)
    except pm.ValidationError:
        return False
    return True


class TestNumbersTooLargeToHold:
    @pytest.mark.parametrize("cls", list(DOCUMENTS))
    def test_a_huge_exponent_is_a_validation_error(self, cls: type[Any]) -> None:
        """A document that is a number with a huge exponent is refused, whatever is asked for."""
        assert [("$", "a number with an exponent too large to hold")] == problems(
            pm.loads, HUGE_EXPONENT, cls
        )

    def test_each_number_too_large_is_named_by_its_path(self) -> None:
        """Every such number in a document is reported where it is, in one pass."""
        text = (
            '{"schema_version": 1, "document": "pathway", '
            f'"person_id": {HUGE_EXPONENT}, "placements": [{{"id": -{HUGE_INTEGER}}}]}}'
        )
        assert [
            ("$.person_id", "a number with an exponent too large to hold"),
            ("$.placements[0].id", "a whole number of 5,000 digits"),
        ] == problems(pm.loads, text, pm.Pathway)

    def test_a_syntax_error_after_a_huge_number_is_reported(self) -> None:
        """A document broken after such a number is reported as broken, not as a crash."""
        found = problems(pm.loads, f"[{HUGE_EXPONENT}, {{", pm.Pathway)
        assert [("$", "Expecting property name enclosed in double quotes at line 1 column 26")] == (
            found
        )

    def test_validate_exits_2_on_a_huge_exponent(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The command line reports the document's problem and exits 2, not 3 (a bug)."""
        path = tmp_path / "big.json"
        path.write_text(
            '{"schema_version": 1, "document": "pathway", "person_id": ' + HUGE_EXPONENT + "}"
        )
        code = cli.main(["validate", str(path)])
        out = capsys.readouterr().out
        assert 2 == code
        assert "$.person_id: expected a number of ordinary size" in out

    @pytest.mark.parametrize(
        ("change", "path"),
        [
            (lambda d: d.update(schema_version=10**5000), "$.schema_version"),
            (lambda d: d.update(schema_version=-(10**5000)), "$.schema_version"),
            (lambda d: d["stages"][1].update(security_rank=10**5000), "$.stages[1].security_rank"),
            (lambda d: d["stages"][1].update(bed_day_cost=10**5000), "$.stages[1].bed_day_cost"),
            (
                lambda d: d["framework"]["scale"]["levels"][0].update(rank=-(10**5000)),
                "$.framework.scale.levels[0].rank",
            ),
        ],
        ids=["version", "negative version", "security rank", "bed-day cost", "level rank"],
    )
    def test_from_dict_refuses_integers_too_long_to_show(self, change: Any, path: str) -> None:
        """An integer of thousands of digits given to from_dict is a ValidationError at its path."""
        doc = pm.to_dict(SECURE_PATHWAY)
        change(doc)
        [(found_path, found)] = problems(pm.from_dict, doc, pm.PathwayDefinition)
        assert path == found_path
        assert "about 5,000 digits" in found

    @pytest.mark.parametrize(
        "value",
        [10**5000, -(10**5000), 2**53, -(2**53)],
        ids=["5,000 digits", "-5,000 digits", "2**53", "-2**53"],
    )
    def test_the_model_refuses_integers_beyond_what_doubles_hold(self, value: int) -> None:
        """A rank beyond 2**53 - 1 either way is refused by the model, as by the loader."""
        with pytest.raises(pm.ValidationError, match=r"RatingLevel\.rank: expected an integer"):
            pm.RatingLevel(code="met", label="Met", rank=value)

    def test_a_result_refuses_an_integer_beyond_what_doubles_hold(self) -> None:
        """A count of days in a result is read only as far as every reader holds it exactly."""
        doc = pm.to_dict(ASSESSMENT.readiness)
        doc["ready_days"] = 2**53
        assert [("$.ready_days", "9007199254740992")] == problems(pm.from_dict, doc, pm.Readiness)

    def test_a_period_of_a_huge_negative_part_is_a_validation_error(self) -> None:
        """Showing a part too long to print does not crash the message."""
        with pytest.raises(pm.ValidationError, match=r"Period\.years: expected an integer >= 0"):
            pm.Period(years=-(10**5000))


class TestAmounts:
    @pytest.mark.parametrize(
        ("cost", "problem"),
        [
            (Decimal(452) / Decimal(7), "more decimal places"),
            (Decimal("-0"), "a zero with a minus sign"),
            (Decimal(10**12), "more digits before the point"),
            (Decimal("0.0000001"), "more decimal places"),
        ],
        ids=["a seventh", "-0", "13 digits", "7 places"],
    )
    def test_the_model_refuses_what_the_loader_cannot_read(
        self, cost: Decimal, problem: str
    ) -> None:
        """A bed-day cost dumps would write and loads would refuse is refused when it is made."""
        with pytest.raises(pm.ValidationError, match=r"Stage\.bed_day_cost: expected an amount"):
            with_cost(cost)
        with pytest.raises(pm.ValidationError) as caught:
            with_cost(cost)
        assert caught.value.problems[0].found.endswith(problem)

    @pytest.mark.parametrize(
        "cost", ["452", "452.00", "452.0000000", "0452", Decimal("4.52E+2"), Decimal("45200E-2")]
    )
    def test_equal_amounts_are_written_the_same_way(self, cost: object) -> None:
        """452 and 452.00 are one amount, written "452" however it was given."""
        written = pm.to_dict(with_cost(Decimal(cost)))["stages"][1]["bed_day_cost"]
        assert "452" == written

    @pytest.mark.parametrize(
        ("text", "kept"),
        [("452.50", "452.5"), ("0.000001", "0.000001"), ("0E-9", "0"), ("999999999999.999999", "")],
    )
    def test_an_amount_is_kept_in_its_one_form(self, text: str, kept: str) -> None:
        """Trailing zeros go, an exponent is written out, and a long figure stays whole."""
        cost = with_cost(text).stages[1].bed_day_cost
        assert (kept or text) == format(cost, "f")

    @pytest.mark.parametrize(
        ("written", "path", "found"),
        [
            ('"452.1234567"', "$.stages[1].bed_day_cost", "'452.1234567': more decimal places"),
            ('"1000000000000"', "$.stages[1].bed_day_cost", "more digits before the point"),
            ('"-0"', "$.stages[1].bed_day_cost", "'-0'"),
            ("452.5", "$.stages[1].bed_day_cost", "a number with a fraction or exponent"),
            ("4.52e2", "$.stages[1].bed_day_cost", "a number with a fraction or exponent"),
            ("1000000000000", "$.stages[1].bed_day_cost", "1000000000000"),
        ],
        ids=["7 places", "13 digits", "minus zero", "fraction", "exponent", "13-digit number"],
    )
    def test_the_loader_refuses_with_the_path(self, written: str, path: str, found: str) -> None:
        """An amount the model refuses, or a number a reader of doubles reads inexactly."""
        text = json.dumps(definition_doc("X")).replace('"X"', written)
        [(found_path, found_text)] = problems(pm.loads, text, pm.PathwayDefinition)
        assert path == found_path
        assert found_text.endswith(found)

    @given(s.amounts)
    def test_what_the_model_accepts_round_trips_and_what_it_refuses_is_never_read(
        self, cost: Decimal
    ) -> None:
        """For every amount: accepted by the model, it reads back equal; refused, it is unread."""
        if model_accepts(cost):
            definition = with_cost(cost)
            text = pm.dumps(definition)
            assert definition == pm.loads(text, pm.PathwayDefinition)
            assert cost == pm.loads(text, pm.PathwayDefinition).stages[1].bed_day_cost
            # Written one way: the same amount with trailing zeros gives the same text.
            assert text == pm.dumps(with_cost(cost.quantize(Decimal(10) ** -8)))
        else:
            finite = cost.is_finite() and abs(cost.adjusted()) < 100
            written = format(cost, "f") if finite else str(cost)
            assert not loader_accepts(json.dumps(definition_doc(written)), pm.PathwayDefinition)

    @given(s.amounts)
    def test_the_loader_reads_a_string_exactly_when_the_model_takes_its_value(
        self, cost: Decimal
    ) -> None:
        """The string of any finite amount is read if and only if the model accepts the amount."""
        assume(cost.is_finite() and abs(cost.adjusted()) <= 40)
        written = format(cost, "f")
        loaded = loader_accepts(json.dumps(definition_doc(written)), pm.PathwayDefinition)
        assert model_accepts(cost) == loaded

    @given(st.integers(-(10**15), 10**15))
    def test_a_whole_number_is_read_when_the_model_takes_it(self, cost: int) -> None:
        """A whole JSON number is read as an amount exactly when the model accepts it."""
        loaded = loader_accepts(json.dumps(definition_doc(cost)), pm.PathwayDefinition)
        assert model_accepts(cost) == loaded

    def test_a_figure_of_a_million_trailing_zeros_is_read_at_once(self) -> None:
        """Zeros after the last place cost no loop: the amount is read as 452 in C time."""
        text = json.dumps(definition_doc("452." + "0" * 1_000_000))
        assert Decimal(452) == pm.loads(text, pm.PathwayDefinition).stages[1].bed_day_cost

    def test_an_amount_is_judged_whatever_the_decimal_context(self) -> None:
        """A caller's low decimal precision neither rounds an amount nor lets one through."""
        with decimal.localcontext(decimal.Context(prec=3)):
            assert (
                Decimal("999999999999.999999")
                == with_cost("999999999999.999999").stages[1].bed_day_cost
            )
            assert not model_accepts(Decimal("452.1234567"))

    def test_a_cost_of_delay_of_a_costly_stay_reads_back(self) -> None:
        """A total longer than a bed-day cost (the cost times the days) is written and read."""
        stages = list(SECURE_PATHWAY.stages)
        stages[1] = attrs.evolve(stages[1], bed_day_cost=Decimal("999999999999.999999"))
        definition = attrs.evolve(SECURE_PATHWAY, stages=stages)
        readiness = pm.assess(RECORD, dt.date(2025, 1, 15), definition=definition).readiness
        assert readiness.cost_of_delay is not None
        assert readiness == pm.loads(pm.dumps(readiness), pm.Readiness)


class TestLoneSurrogates:
    @pytest.mark.parametrize(
        ("make", "path"),
        [
            (lambda t: attrs.evolve(RECORD.incidents[0], note=t), "Incident.note"),
            (lambda t: attrs.evolve(RECORD.goals[0], description=t), "Goal.description"),
            (lambda t: attrs.evolve(RECORD.placements[0], provider=t), "Placement.provider"),
            (lambda t: attrs.evolve(FRAMEWORKS[0], description=t), "OutcomeFramework.description"),
        ],
        ids=["note", "goal wording", "name", "description"],
    )
    @given(text=s.text_with_lone_surrogates)
    def test_the_model_refuses_text_that_is_not_unicode(
        self, make: Any, path: str, text: str
    ) -> None:
        """Text holding a lone surrogate is refused when made, its position named, never shown."""
        text = SECRET + text
        with pytest.raises(pm.ValidationError) as caught:
            make(text)
        [problem] = caught.value.problems
        assert (path, "valid Unicode text (no lone surrogate code points)") == (
            problem.path,
            problem.expected,
        )
        assert SECRET not in str(caught.value)

    @pytest.mark.parametrize("fast", [True, False], ids=["fast way", "ordinary way"])
    @pytest.mark.parametrize(
        ("where", "path"),
        [
            (("incidents", 0, "note"), "$.incidents[0].note"),
            (("goals", 0, "description"), "$.goals[0].description"),
            (("reviews", 0, "ratings", 0, "team_note"), "$.reviews[0].ratings[0].team_note"),
            (("placements", 0, "provider"), "$.placements[0].provider"),
        ],
    )
    def test_the_loader_refuses_an_escaped_lone_surrogate(
        self, fast: bool, where: tuple[str | int, ...], path: str
    ) -> None:
        """A "\\ud800" escape in JSON text is refused with its path, whichever way is taken."""
        doc = pm.to_dict(RECORD)
        parent: Any = doc
        for step in where[:-1]:
            parent = parent[step]
        parent[where[-1]] = SECRET + "\ud800"
        text = json.dumps(doc)  # ASCII: the surrogate is an escape
        assert "\\ud800" in text
        converter = make_converter(fast=fast)
        body = {k: v for k, v in doc.items() if k not in ("schema_version", "document")}
        tree = parse(json.dumps(body))
        with pytest.raises(pm.ValidationError) as caught:
            converter.structure(tree, pm.Pathway)
        assert [(path, "a lone surrogate at character 24")] == [
            (p.path, p.found) for p in caught.value.problems
        ]
        assert SECRET not in str(caught.value)
        assert [(path, "a lone surrogate at character 24")] == problems(pm.loads, text, pm.Pathway)

    def test_a_result_refuses_a_lone_surrogate(self) -> None:
        """Strings of the rules' results are refused too, so dumps never meets one."""
        doc = pm.to_dict(ASSESSMENT)
        doc["criteria"][0]["expected"] = "\udfff"
        assert [("$.criteria[0].expected", "a lone surrogate at character 1")] == problems(
            pm.from_dict, doc, pm.Assessment
        )

    def test_validate_refuses_what_fhir_export_could_not_write(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A record with a lone surrogate fails validate, so no FHIR export ever meets it."""
        doc = pm.to_dict(RECORD)
        doc["incidents"][0]["note"] = SECRET + "\ud83d"
        path = tmp_path / "record.json"
        path.write_text(json.dumps(doc))
        code = cli.main(["validate", str(path)])
        out = capsys.readouterr().out
        assert 2 == code
        assert "$.incidents[0].note: expected valid Unicode text" in out
        assert SECRET not in out

    def test_a_fhir_bundle_with_a_lone_surrogate_is_refused(self) -> None:
        """Text read from FHIR is held to the same rule, its position named, never shown."""
        text = json.dumps(fhir.to_fhir(RECORD))
        start = text.index('"text": "') + len('"text": "')
        broken = text[:start] + SECRET + "\\ud800" + text[start:]
        with pytest.raises(pm.ValidationError) as caught:
            fhir.from_fhir(broken)
        [problem] = caught.value.problems
        assert (problem.expected, problem.found) == (
            "valid Unicode text (no lone surrogate code points)",
            "a lone surrogate at character 24",
        )
        assert SECRET not in str(caught.value)

    def test_a_paired_surrogate_is_one_character_and_read(self) -> None:
        """An escaped pair is an ordinary character (here an emoji), read and written back."""
        doc = pm.to_dict(RECORD)
        doc["incidents"][0]["note"] = "calm \U0001f600"
        text = json.dumps(doc)
        assert "\\ud83d\\ude00" in text
        assert "calm \U0001f600" == pm.loads(text, pm.Pathway).incidents[0].note


class TestZoneOffsets:
    @pytest.mark.parametrize("offset", ["+01:99", "+00:60", "+24:00", "-24:00", "+99:00", "-1:00"])
    def test_an_offset_that_does_not_exist_is_refused(self, offset: str) -> None:
        """Offset hours run 00-23 and minutes 00-59 (RFC 3339); anything else is refused."""
        doc = pm.to_dict(RECORD)
        doc["reviews"][0]["date"] = "2024-03-28T10:00" + offset
        assert [("$.reviews[0].date", f"'2024-03-28T10:00{offset}'")] == problems(
            pm.from_dict, doc, pm.Pathway
        )

    @given(s.zone_offsets, st.datetimes(dt.datetime(2000, 1, 2), dt.datetime(2045, 12, 30)))
    def test_every_offset_that_exists_is_read_as_its_date_in_england(
        self, offset: str, moment: dt.datetime
    ) -> None:
        """From -23:59 to +23:59, a zoned datetime becomes its calendar date in England."""
        sign = -1 if offset[0] == "-" else 1
        zone = dt.timezone(sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:])))
        written = moment.strftime("%Y-%m-%dT%H:%M:%S") + offset
        assert pm.uk_date(moment.replace(tzinfo=zone)) == CONVERTER.structure(written, dt.date)

    @pytest.mark.parametrize("offset", ["+14:00", "-12:00", "+23:59", "-23:59", "-00:00"])
    def test_offsets_at_the_edges_are_read(self, offset: str) -> None:
        """The widest offsets in use (+14:00, -12:00) and the largest RFC 3339 allows are read."""
        doc = pm.to_dict(RECORD)
        doc["reviews"][0]["date"] = "2024-03-28T12:00" + offset
        assert pm.from_dict(doc, pm.Pathway)

    @pytest.mark.parametrize(("offset", "read"), [("+01:99", False), ("+01:00", True)])
    def test_a_fhir_datetime_offset_is_held_to_the_same_rule(self, offset: str, read: bool) -> None:
        """A FHIR dateTime with an offset that does not exist is refused with its path."""
        text = json.dumps(fhir.to_fhir(RECORD))
        start = text.index('"effectiveDateTime": "') + len('"effectiveDateTime": "')
        changed = text[: start + 10] + "T10:00:00" + offset + text[start + 10 :]
        if read:
            assert fhir.from_fhir(changed)
        else:
            [(path, _)] = problems(fhir.from_fhir, changed)
            assert path.endswith(".effectiveDateTime")

    def test_uk_date_refuses_a_zone_whose_offset_is_a_day_or_more(self) -> None:
        """A tzinfo giving an offset Python refuses is a ValidationError, not a ValueError."""

        class Skewed(dt.tzinfo):
            def utcoffset(self, moment: dt.datetime | None) -> dt.timedelta:
                return dt.timedelta(hours=25)

            def dst(self, moment: dt.datetime | None) -> dt.timedelta:
                return dt.timedelta(0)

        with pytest.raises(pm.ValidationError, match=r"uk_date: expected a datetime whose zone"):
            pm.uk_date(dt.datetime(2024, 3, 28, 10, tzinfo=Skewed()))
