"""HoNOS and HoNOS-secure: instruments, scores, change, and the record and data-frame forms.

Worked examples are computed by hand from the sources page: each scale 0-4, 9 = not known
and left out; subscales behaviour 1-3, impairment 4-5, symptoms 6-8, social 9-12;
complete = all 12 rated 0-4; security scales A-G with their own total; reliable change
8 points; paired items low 0-2, high 3-4.
"""

from __future__ import annotations

import collections
import datetime as dt
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pathway_model import UnknownCodeError, ValidationError, WrongTypeError
from pathway_model.fhir import InstrumentRating
from pathway_model.scoring import (
    HONOS,
    HONOS_SECURE,
    Batch,
    HonosChange,
    HonosScore,
    HonosSecureScore,
    Instrument,
    InstrumentScale,
    honos_change,
    honos_change_records,
    score_honos,
    score_honos_records,
    score_honos_secure,
    score_honos_secure_records,
)
from pathway_model.scoring.frames import (
    honos_change_frame,
    score_honos_frame,
    score_honos_secure_frame,
)

H = [f"h{n}" for n in range(1, 13)]
S = [f"s{letter}" for letter in "abcdefg"]
SECRET = "low mood since his brother Alasdair died"
"""Clinical free text that must never appear in a message."""

HONOS_SNOMED_CT = [
    "979641000000103",
    "979651000000100",
    "979661000000102",
    "979671000000109",
    "979681000000106",
    "979691000000108",
    "979701000000108",
    "979711000000105",
    "979721000000104",
    "979731000000102",
    "979741000000106",
    "979751000000109",
]
SECURITY_SNOMED_CT = [
    "981391000000108",
    "981401000000106",
    "981411000000108",
    "981421000000102",
    "981431000000100",
    "981441000000109",
    "981451000000107",
]

#: Worked example: behaviour 2+1+0=3, impairment 3+1=4, symptoms 2+0+4=6,
#: social 1+2+3+0=6, total 19, all 12 rated.
EXAMPLE = [2, 1, 0, 3, 1, 2, 0, 4, 1, 2, 3, 0]


def honos(values: list[int], **extra: Any) -> dict[str, Any]:
    """A HoNOS record from 12 ratings in scale order."""
    return {**dict(zip(H, values, strict=True)), **extra}


def secure(values: list[int], security: list[int], **extra: Any) -> dict[str, Any]:
    """A HoNOS-secure record from 12 ratings and 7 security ratings."""
    return {**honos(values), **dict(zip(S, security, strict=True)), **extra}


def pair(before: list[int], after: list[int], **extra: Any) -> dict[str, Any]:
    """A record holding two assessments side by side, as a merge gives them."""
    return {
        **{f"{key}_before": value for key, value in zip(H, before, strict=True)},
        **{f"{key}_after": value for key, value in zip(H, after, strict=True)},
        **extra,
    }


def paths(error: ValidationError) -> list[str]:
    return [problem.path for problem in error.problems]


# --- Strategies ---------------------------------------------------------------------------

ratings = st.sampled_from([0, 1, 2, 3, 4, 9])
valid_ratings = st.integers(min_value=0, max_value=4)
twelve = st.lists(ratings, min_size=12, max_size=12)
seven = st.lists(ratings, min_size=7, max_size=7)
honos_records = twelve.map(honos)
#: Security ratings: 0-4 only, no "not known".
security_ratings = st.lists(st.integers(min_value=0, max_value=4), min_size=7, max_size=7)
secure_records = st.builds(secure, twelve, security_ratings)
pair_records = st.builds(pair, twelve, twelve)
bad_values = st.one_of(
    st.integers(min_value=5, max_value=8),
    st.integers(min_value=10, max_value=10**9),
    st.integers(max_value=-1),
    st.booleans(),
    st.floats(allow_nan=True),
    st.text(max_size=3),
    st.none(),
)
#: Records that are valid, or broken in one rating.
maybe_bad_records = st.one_of(
    honos_records,
    st.builds(
        lambda record, key, bad: {**record, key: bad}, honos_records, st.sampled_from(H), bad_values
    ),
)


class TestInstruments:
    def test_honos_has_twelve_scales_h1_to_h12(self) -> None:
        """HoNOS's scale codes, which are also the record keys, are h1 to h12."""
        assert tuple(H) == HONOS.codes

    def test_honos_secure_adds_security_scales_a_to_g(self) -> None:
        """HoNOS-secure is the 12 HoNOS scales followed by sa to sg."""
        assert (*H, *S) == HONOS_SECURE.codes
        assert HONOS.scales == HONOS_SECURE.scales[:12]

    def test_honos_snomed_ct_codes_are_those_reference_lists(self) -> None:
        """Scales 1-12 carry the MHSDS SNOMED CT codes, in order (the sources page)."""
        assert HONOS_SNOMED_CT == [scale.snomed_ct for scale in HONOS.scales]

    def test_security_snomed_ct_codes_are_those_reference_lists(self) -> None:
        """Security scales A-G carry their SNOMED CT codes, in order (the sources page)."""
        assert SECURITY_SNOMED_CT == [scale.snomed_ct for scale in HONOS_SECURE.scales[12:]]

    def test_all_nineteen_snomed_ct_codes_are_distinct(self) -> None:
        """No two scales share a SNOMED CT code."""
        codes = [scale.snomed_ct for scale in HONOS_SECURE.scales]
        assert 19 == len(set(codes))

    @pytest.mark.parametrize("instrument", [HONOS, HONOS_SECURE])
    def test_licence_status_is_carried(self, instrument: Instrument) -> None:
        """Each instrument names its licence holder and what the library ships."""
        assert "Royal College of Psychiatrists" == instrument.licence_holder
        assert "© Royal College of Psychiatrists" in instrument.licence
        assert "codes, short neutral labels and arithmetic only" in instrument.licence

    @pytest.mark.parametrize("scale", HONOS_SECURE.scales, ids=HONOS_SECURE.codes)
    def test_every_scale_is_rated_zero_to_four(self, scale: InstrumentScale) -> None:
        """Every scale runs 0-4 (9 is not a rating but "not known")."""
        assert (0, 4) == (scale.minimum, scale.maximum)

    @pytest.mark.parametrize("scale", HONOS_SECURE.scales, ids=HONOS_SECURE.codes)
    def test_labels_are_short(self, scale: InstrumentScale) -> None:
        """Labels are short and neutral: a number or letter and a topic, never wording."""
        assert len(scale.label) <= 50
        assert scale.label.startswith("Scale ")

    def test_subscales_are_those_reference_lists(self) -> None:
        """Scales 1-3 behaviour, 4-5 impairment, 6-8 symptoms, 9-12 social, A-G security."""
        expected = ["behaviour"] * 3 + ["impairment"] * 2 + ["symptoms"] * 3 + ["social"] * 4
        assert expected + ["security"] * 7 == [s.subscale for s in HONOS_SECURE.scales]

    def test_not_known_is_nine(self) -> None:
        """Both instruments use 9 for not known."""
        assert (9, 9) == (HONOS.not_known, HONOS_SECURE.not_known)

    def test_scale_looks_up_by_code(self) -> None:
        """A scale is found by its code."""
        assert "981411000000108" == HONOS_SECURE.scale("sc").snomed_ct

    def test_unknown_scale_code_is_an_unknown_code_error(self) -> None:
        """Looking up a code that is not a scale names the known codes."""
        with pytest.raises(UnknownCodeError) as caught:
            HONOS.scale("sa")
        assert HONOS.codes == caught.value.known

    def test_duplicate_scale_codes_are_refused(self) -> None:
        """An instrument's scale codes are unique."""
        scale = InstrumentScale(code="x1", label="Scale 1", subscale="all")
        with pytest.raises(ValidationError) as caught:
            Instrument(code="x", name="X", licence_holder="X", licence="free", scales=[scale] * 2)
        assert ["Instrument.scales[1]"] == paths(caught.value)

    def test_not_known_inside_the_range_is_refused(self) -> None:
        """A "not known" rating that is also a valid rating would be ambiguous."""
        scale = InstrumentScale(code="x1", label="Scale 1", subscale="all")
        with pytest.raises(ValidationError) as caught:
            Instrument(
                code="x", name="X", licence_holder="X", licence="free", scales=[scale], not_known=4
            )
        assert ["Instrument.not_known"] == paths(caught.value)

    @pytest.mark.parametrize("snomed_ct", ["12345", "97964100000010x", "1" * 19])
    def test_malformed_snomed_ct_is_refused(self, snomed_ct: str) -> None:
        """A SNOMED CT identifier is 6-18 digits."""
        with pytest.raises(ValidationError):
            InstrumentScale(code="x1", label="Scale 1", subscale="all", snomed_ct=snomed_ct)

    def test_snomed_ct_as_an_int_is_a_wrong_type(self) -> None:
        """A SNOMED CT identifier is kept as a string, never as a number."""
        with pytest.raises(WrongTypeError):
            InstrumentScale(code="x1", label="Scale 1", subscale="all", snomed_ct=979641000000103)  # type: ignore[arg-type]

    def test_maximum_must_exceed_minimum(self) -> None:
        """A scale has at least two ratings."""
        with pytest.raises(ValidationError) as caught:
            InstrumentScale(code="x1", label="Scale 1", subscale="all", minimum=2, maximum=2)
        assert ["InstrumentScale.maximum"] == paths(caught.value)


class TestScoreHonos:
    def test_worked_example(self) -> None:
        """2 1 0 | 3 1 | 2 0 4 | 1 2 3 0 scores 3, 4, 6, 6 and totals 19, complete."""
        expected = HonosScore(
            ratings=tuple(EXAMPLE),
            total=19,
            behaviour=3,
            impairment=4,
            symptoms=6,
            social=6,
            rated=12,
            complete=True,
        )
        assert expected == score_honos(honos(EXAMPLE))

    def test_nines_are_left_out_and_make_it_incomplete(self) -> None:
        """With scales 2 and 10 not known: behaviour 2, social 4, total 16, 10 rated."""
        values = [2, 9, 0, 3, 1, 2, 0, 4, 1, 9, 3, 0]
        score = score_honos(honos(values))
        assert (16, 2, 4, 6, 4, 10, False) == (
            score.total,
            score.behaviour,
            score.impairment,
            score.symptoms,
            score.social,
            score.rated,
            score.complete,
        )

    def test_all_not_known_scores_zero_and_rates_nothing(self) -> None:
        """Twelve 9s: every sum 0, nothing rated, incomplete."""
        score = score_honos(honos([9] * 12))
        assert (0, 0, False) == (score.total, score.rated, score.complete)

    def test_all_fours_reach_every_maximum(self) -> None:
        """Twelve 4s: 48 in total, subscales at 12, 8, 12 and 16."""
        score = score_honos(honos([4] * 12))
        assert (48, 12, 8, 12, 16) == (
            score.total,
            score.behaviour,
            score.impairment,
            score.symptoms,
            score.social,
        )

    def test_all_zeros_are_complete(self) -> None:
        """Twelve 0s: total 0, and complete — a zero is a rating, not a gap."""
        score = score_honos(honos([0] * 12))
        assert (0, 12, True) == (score.total, score.rated, score.complete)

    def test_other_fields_are_ignored(self) -> None:
        """Ids, dates and security scales beside the ratings do not matter."""
        record = honos(EXAMPLE, person_id="P-1", date="2024-01-01", sa=4)
        assert score_honos(honos(EXAMPLE)) == score_honos(record)

    @pytest.mark.parametrize("letter", ["A", "J", "K", None])
    def test_problem_type_letter_is_accepted(self, letter: str | None) -> None:
        """Scale 8's problem type is a letter A-K (K since 2018), or absent."""
        assert 19 == score_honos(honos(EXAMPLE, problem_8=letter)).total

    @pytest.mark.parametrize(
        ("letter", "found"),
        [("L", "'L'"), ("a", "'a'"), (1, "int"), (SECRET, "text of 40 characters")],
    )
    def test_invalid_problem_type_letter_is_refused(self, letter: object, found: str) -> None:
        """A problem type is an upper-case letter A-K; free text is never echoed."""
        with pytest.raises(ValidationError) as caught:
            score_honos(honos(EXAMPLE, problem_8=letter))
        assert [("$.problem_8", found)] == [(p.path, p.found) for p in caught.value.problems]
        assert SECRET not in str(caught.value)

    def test_numpy_integers_are_ratings(self) -> None:
        """Ratings read from numpy arrays count as integers."""
        np = pytest.importorskip("numpy")
        record = honos([np.int64(v) for v in EXAMPLE])
        assert score_honos(honos(EXAMPLE)) == score_honos(record)

    @pytest.mark.parametrize(
        ("value", "found"),
        [
            (5, "5"),
            (-1, "-1"),
            (8, "8"),
            (10**12, "an integer out of range"),
            (True, "bool"),
            (3.0, "3.0 (float)"),
            ("3", "str"),
            (None, "no value"),
        ],
    )
    def test_invalid_rating_names_path_expectation_and_finding(
        self, value: object, found: str
    ) -> None:
        """A bad rating is reported at ``$.h3`` with what was expected and found."""
        with pytest.raises(ValidationError) as caught:
            score_honos(honos(EXAMPLE, h3=value))
        expected = f"$.h3: expected an integer 0-4, or 9 for not known; found {found}"
        assert expected == str(caught.value)

    def test_numpy_bool_is_not_a_rating(self) -> None:
        """numpy's bool is refused like Python's."""
        np = pytest.importorskip("numpy")
        with pytest.raises(ValidationError) as caught:
            score_honos(honos(EXAMPLE, h3=np.True_))
        assert "bool" == caught.value.problems[0].found

    def test_missing_rating_is_reported(self) -> None:
        """A record without h7 is not scored: 9 must be given, never assumed."""
        record = honos(EXAMPLE)
        del record["h7"]
        with pytest.raises(ValidationError) as caught:
            score_honos(record)
        assert [("$.h7", "no field")] == [(p.path, p.found) for p in caught.value.problems]

    def test_every_problem_is_listed_at_once(self) -> None:
        """Three bad ratings give three problems, in scale order."""
        with pytest.raises(ValidationError) as caught:
            score_honos(honos(EXAMPLE, h12=5, h1=None, h6="x"))
        assert ["$.h1", "$.h6", "$.h12"] == paths(caught.value)

    @pytest.mark.parametrize("ratings", [EXAMPLE, "h1", 3, None])
    def test_non_mapping_is_a_wrong_type(self, ratings: object) -> None:
        """The ratings come as a record (a mapping)."""
        with pytest.raises(WrongTypeError):
            score_honos(ratings)  # type: ignore[arg-type]

    def test_score_is_frozen(self) -> None:
        """A score cannot be changed after it is made."""
        score = score_honos(honos(EXAMPLE))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            score.total = 0  # type: ignore[misc]


class TestScoreHonosSecure:
    def test_worked_example(self) -> None:
        """HoNOS part as EXAMPLE; security 4 3 2 2 1 0 9 totals 12 over 6 rated, incomplete."""
        expected = HonosSecureScore(
            ratings=tuple(EXAMPLE),
            total=19,
            behaviour=3,
            impairment=4,
            symptoms=6,
            social=6,
            rated=12,
            complete=True,
            security_ratings=(4, 3, 2, 2, 1, 0, 1),
            security_total=13,
        )
        assert expected == score_honos_secure(secure(EXAMPLE, [4, 3, 2, 2, 1, 0, 1]))

    def test_all_fours_give_a_security_total_of_28(self) -> None:
        """Seven security 4s reach the security maximum, 28."""
        score = score_honos_secure(secure([0] * 12, [4] * 7))
        assert (0, 28) == (score.total, score.security_total)

    def test_not_known_on_scales_1_to_12_leaves_the_security_total_whole(self) -> None:
        """An incomplete HoNOS part does not touch the security total."""
        score = score_honos_secure(secure([9] * 12, [1] * 7))
        assert (False, 0, 7) == (score.complete, score.total, score.security_total)

    @pytest.mark.parametrize("scale", S)
    def test_a_security_scale_has_no_not_known_rating(self, scale: str) -> None:
        """A 9 on security scales A-G is refused: the sources rate them 0-4 only."""
        record = {**secure(EXAMPLE, [1] * 7), scale: 9}
        with pytest.raises(ValidationError) as caught:
            score_honos_secure(record)
        expected = (
            f"$.{scale}: expected an integer 0-4 (a security scale has no 'not known' "
            "rating); found 9"
        )
        assert expected == str(caught.value)

    def test_every_form_refuses_a_not_known_security_rating(self) -> None:
        """The record, batch and data-frame forms all refuse a 9 on a security scale."""
        record = {**secure(EXAMPLE, [1] * 7), "sc": 9}
        batch = score_honos_secure_records([record], on_error="collect")
        assert [(0, "sc", "9")] == [(p.row, p.field, p.found) for p in batch.problems]
        pd = pytest.importorskip("pandas")
        for frame in (pd.DataFrame([record]), pd.DataFrame([record]).astype(object)):
            result = score_honos_secure_frame(frame, on_error="collect")
            assert pd.isna(result.loc[0, "security_total"])
            assert result.loc[0, "problems"].startswith("sc: expected an integer 0-4 (a security")

    def test_an_exported_rating_refuses_not_known_on_a_security_scale(self) -> None:
        """A HoNOS-secure rating for FHIR export refuses a 9 on security scale A, like scoring."""
        with pytest.raises(ValidationError) as caught:
            InstrumentRating(
                id="r-1",
                instrument=HONOS_SECURE,
                date=dt.date(2024, 3, 28),
                ratings=[9] * 12 + [9] + [0] * 6,
            )
        assert ["InstrumentRating.ratings[12]"] == paths(caught.value)

    def test_security_scales_do_not_allow_not_known_in_the_instrument(self) -> None:
        """The instrument says, scale by scale, which scales take the "not known" rating."""
        assert [True] * 12 + [False] * 7 == [s.allows_not_known for s in HONOS_SECURE.scales]

    def test_security_scales_are_not_in_the_honos_total(self) -> None:
        """The HoNOS total is the same with or without the security scales."""
        assert (
            score_honos(honos(EXAMPLE)).total == score_honos_secure(secure(EXAMPLE, [4] * 7)).total
        )

    def test_missing_security_scale_is_reported(self) -> None:
        """A HoNOS record is not a HoNOS-secure record: sa-sg are required."""
        with pytest.raises(ValidationError) as caught:
            score_honos_secure(honos(EXAMPLE))
        assert [f"$.{key}" for key in S] == paths(caught.value)

    def test_a_secure_score_is_a_honos_score(self) -> None:
        """Anything that takes a HoNOS score takes a HoNOS-secure one."""
        assert isinstance(score_honos_secure(secure(EXAMPLE, [0] * 7)), HonosScore)


class TestHonosChange:
    def test_worked_example_reliable_improvement(self) -> None:
        """All 3s (36) to all 2s but 3, 4 in scales 1-2 (27): -9, improved; 10 items improved."""
        before = [3] * 12
        after = [3, 4] + [2] * 10
        change = honos_change(honos(before), honos(after))
        expected = ("no change", "no change") + ("improvement",) * 10
        assert (-9, "improved", expected) == (change.total_change, change.reliable, change.items)
        assert (10, 0, 2, 12) == (
            change.items_improved,
            change.items_deteriorated,
            change.items_unchanged,
            change.items_paired,
        )

    @pytest.mark.parametrize(
        ("after_total", "expected"),
        [
            (2, "improved"),
            (3, "no reliable change"),
            (17, "no reliable change"),
            (18, "deteriorated"),
        ],
    )
    def test_reliable_change_is_eight_points_inclusive(
        self, after_total: int, expected: str
    ) -> None:
        """From a total of 10: down 8 is improved, 7 is not; up 8 is deteriorated, 7 is not."""
        before = [1] * 10 + [0, 0]  # 10

        def of_total(total: int) -> list[int]:
            values = [0] * 12
            for index in range(total):
                values[index % 12] += 1
            return values

        change = honos_change(honos(before), honos(of_total(after_total)))
        assert (after_total - 10, expected) == (change.total_change, change.reliable)

    def test_threshold_is_configurable(self) -> None:
        """With a threshold of 10, a 9-point fall is no reliable change."""
        change = honos_change(honos([3] * 12), honos([3, 4] + [2] * 10), reliable_change=10)
        assert ("no reliable change", 10) == (change.reliable, change.reliable_change)

    @pytest.mark.parametrize("incomplete", ["before", "after"])
    def test_incomplete_assessment_has_no_total_change(self, incomplete: str) -> None:
        """If either assessment has a 9, the totals are not compared."""
        full, partial = honos([4] * 12), honos([0] * 11 + [9])
        before, after = (partial, full) if incomplete == "before" else (full, partial)
        change = honos_change(before, after)
        assert (None, None) == (change.total_change, change.reliable)

    def test_paired_items_are_judged_by_band(self) -> None:
        """3→1 improvement, 2→4 deterioration, 9→0 unpaired, 2→0 and 4→3 no change."""
        before = [3, 2, 9, 2, 4] + [0] * 7
        after = [1, 4, 0, 0, 3] + [0] * 7
        change = honos_change(honos(before), honos(after))
        expected = ("improvement", "deterioration", None, "no change", "no change")
        assert expected == change.items[:5]
        assert (1, 1, 9, 11) == (
            change.items_improved,
            change.items_deteriorated,
            change.items_unchanged,
            change.items_paired,
        )

    def test_scores_are_accepted_and_kept_as_evidence(self) -> None:
        """Scores (HoNOS-secure ones too) can be compared, and the change carries them."""
        before = score_honos_secure(secure([2] * 12, [4] * 7))
        after = score_honos(honos([1] * 12))
        change = honos_change(before, after)
        assert (before, after, -12) == (change.before, change.after, change.total_change)

    def test_invalid_records_are_reported_under_before_and_after(self) -> None:
        """Problems in both records are listed at once, each under its argument's name."""
        with pytest.raises(ValidationError) as caught:
            honos_change(honos(EXAMPLE, h2=5), honos(EXAMPLE, h11=True))
        assert ["before.h2", "after.h11"] == paths(caught.value)

    @pytest.mark.parametrize("threshold", [0, -8])
    def test_threshold_below_one_is_refused(self, threshold: int) -> None:
        """A reliable change is at least one point."""
        with pytest.raises(ValidationError) as caught:
            honos_change(honos(EXAMPLE), honos(EXAMPLE), reliable_change=threshold)
        assert ["reliable_change"] == paths(caught.value)

    @pytest.mark.parametrize("threshold", [True, 8.0, "8"])
    def test_threshold_of_another_type_is_a_wrong_type(self, threshold: object) -> None:
        """The threshold is an int of points."""
        with pytest.raises(WrongTypeError):
            honos_change(honos(EXAMPLE), honos(EXAMPLE), reliable_change=threshold)  # type: ignore[arg-type]

    def test_an_assessment_of_another_type_is_a_wrong_type(self) -> None:
        """An assessment is a score or a record."""
        with pytest.raises(WrongTypeError) as caught:
            honos_change(EXAMPLE, honos(EXAMPLE))  # type: ignore[arg-type]
        assert ["before"] == paths(caught.value)


class TestProperties:
    @given(twelve)
    def test_total_is_the_sum_of_the_known_ratings(self, values: list[int]) -> None:
        """9s are never counted: the total is the sum of the ratings that are not 9."""
        assert sum(v for v in values if v != 9) == score_honos(honos(values)).total

    @given(twelve)
    def test_totals_and_subscales_are_within_range(self, values: list[int]) -> None:
        """Total 0-48; subscales within 0-12, 0-8, 0-12, 0-16; rated 0-12."""
        score = score_honos(honos(values))
        assert 0 <= score.total <= 48
        assert 0 <= score.behaviour <= 12
        assert 0 <= score.impairment <= 8
        assert 0 <= score.symptoms <= 12
        assert 0 <= score.social <= 16
        assert 0 <= score.rated <= 12

    @given(twelve, seven)
    def test_security_total_is_within_range_and_never_counts_nines(
        self, values: list[int], security: list[int]
    ) -> None:
        """The security total is 0-28, the sum of the security ratings; a 9 there is refused."""
        if 9 in security:
            with pytest.raises(ValidationError) as caught:
                score_honos_secure(secure(values, security))
            nines = [f"$.{key}" for key, value in zip(S, security, strict=True) if value == 9]
            assert nines == paths(caught.value)
            return
        score = score_honos_secure(secure(values, security))
        assert sum(security) == score.security_total
        assert 0 <= score.security_total <= 28

    @given(st.lists(valid_ratings, min_size=12, max_size=12))
    def test_subscales_sum_to_the_total_of_a_complete_assessment(self, values: list[int]) -> None:
        """For a complete assessment, the four subscales add up to the total."""
        score = score_honos(honos(values))
        assert score.complete
        assert score.total == score.behaviour + score.impairment + score.symptoms + score.social

    @given(twelve)
    def test_complete_exactly_when_nothing_is_not_known(self, values: list[int]) -> None:
        """Complete means all 12 rated 0-4; rated counts the ratings that are not 9."""
        score = score_honos(honos(values))
        assert (9 not in values, 12 - values.count(9)) == (score.complete, score.rated)

    @given(twelve, st.integers(min_value=0, max_value=11))
    def test_replacing_a_rating_with_nine_takes_it_off_the_total(
        self, values: list[int], index: int
    ) -> None:
        """Marking one scale not known lowers the total by exactly its old rating."""
        old = values[index]
        unknown = [*values[:index], 9, *values[index + 1 :]]
        lost = 0 if old == 9 else old
        assert score_honos(honos(values)).total - lost == score_honos(honos(unknown)).total

    @given(twelve, twelve)
    def test_change_counts_add_up(self, before: list[int], after: list[int]) -> None:
        """Improved + deteriorated + unchanged = paired = scales rated 0-4 in both."""
        change = honos_change(honos(before), honos(after))
        paired = sum(1 for b, a in zip(before, after, strict=True) if 9 not in (b, a))
        assert paired == change.items_paired
        assert paired == change.items_improved + change.items_deteriorated + change.items_unchanged

    @given(twelve, twelve)
    def test_swapping_before_and_after_mirrors_the_change(
        self, before: list[int], after: list[int]
    ) -> None:
        """Reversed in time, improvements become deteriorations and the change flips sign."""
        forward = honos_change(honos(before), honos(after))
        backward = honos_change(honos(after), honos(before))
        mirror = {"improved": "deteriorated", "deteriorated": "improved"}
        assert (forward.items_improved, forward.items_deteriorated) == (
            backward.items_deteriorated,
            backward.items_improved,
        )
        if forward.total_change is None:
            assert backward.total_change is None
        else:
            assert -forward.total_change == backward.total_change
            assert mirror.get(forward.reliable or "", forward.reliable) == backward.reliable

    @given(st.lists(honos_records, max_size=20))
    def test_batch_and_single_forms_agree(self, records: list[dict[str, Any]]) -> None:
        """Each batch row holds the single form's scores."""
        batch = score_honos_records(records)
        expected = [_honos_row(score_honos(record)) for record in records]
        assert expected == [_scores(row) for row in batch.rows]

    @given(st.lists(secure_records, max_size=20))
    def test_secure_batch_and_single_forms_agree(self, records: list[dict[str, Any]]) -> None:
        """Each HoNOS-secure batch row holds the single form's scores."""
        batch = score_honos_secure_records(records)
        expected = [_secure_row(score_honos_secure(record)) for record in records]
        assert expected == [_scores(row) for row in batch.rows]

    @given(st.lists(pair_records, max_size=20))
    def test_change_batch_and_single_forms_agree(self, records: list[dict[str, Any]]) -> None:
        """Each change row holds the single form's change."""
        batch = honos_change_records(records)
        expected = [_change_row(_change_of(record)) for record in records]
        assert expected == [_scores(row) for row in batch.rows]

    @given(st.lists(maybe_bad_records, max_size=20))
    def test_collected_batch_scores_exactly_the_valid_records(
        self, records: list[dict[str, Any]]
    ) -> None:
        """With problems collected, every record is either scored or reported, never both."""
        batch = score_honos_records(records, on_error="collect")
        scored = {row["row"] for row in batch.rows}
        reported = {problem.row for problem in batch.problems}
        valid = {index for index, record in enumerate(records) if _is_valid(record)}
        assert (valid, set(range(len(records))) - valid) == (scored, reported)


def _honos_row(score: HonosScore) -> dict[str, Any]:
    return {name: getattr(score, name) for name in _HONOS_COLUMNS}


def _secure_row(score: HonosSecureScore) -> dict[str, Any]:
    return {name: getattr(score, name) for name in _SECURE_COLUMNS}


def _change_row(change: HonosChange) -> dict[str, Any]:
    return {
        "total_before": change.before.total,
        "total_after": change.after.total,
        **{name: getattr(change, name) for name in _CHANGE_COLUMNS[2:]},
    }


def _change_of(record: Mapping[str, Any]) -> HonosChange:
    before = {key: record[f"{key}_before"] for key in H}
    after = {key: record[f"{key}_after"] for key in H}
    return honos_change(before, after)


def _scores(row: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name != "row"}


def _is_valid(record: Mapping[str, Any]) -> bool:
    try:
        score_honos(record)
    except ValidationError:
        return False
    return True


_HONOS_COLUMNS = ("total", "behaviour", "impairment", "symptoms", "social", "rated", "complete")
_SECURE_COLUMNS = (*_HONOS_COLUMNS, "security_total")
#: How a data frame's ``problems`` cell writes a bad rating on scales 1-12, before the finding.
_BAD = "expected an integer 0-4, or 9 for not known; found "
_CHANGE_COLUMNS = (
    "total_before",
    "total_after",
    "total_change",
    "reliable",
    "items_improved",
    "items_deteriorated",
    "items_unchanged",
    "items_paired",
)


class TestRecords:
    def test_rows_hold_row_kept_fields_then_scores(self) -> None:
        """A row is ``row``, the kept fields, then the score columns, in that order."""
        batch = score_honos_records([honos(EXAMPLE, id="P-1", date="2024-01-01")], keep=("id",))
        expected = {
            "row": 0,
            "id": "P-1",
            "total": 19,
            "behaviour": 3,
            "impairment": 4,
            "symptoms": 6,
            "social": 6,
            "rated": 12,
            "complete": True,
        }
        assert [expected] == list(batch.rows)
        assert list(expected) == list(batch.rows[0])

    def test_secure_rows_add_the_security_columns(self) -> None:
        """HoNOS-secure rows end with the security total."""
        batch = score_honos_secure_records([secure(EXAMPLE, [4, 3, 2, 2, 1, 0, 1])])
        assert list(_SECURE_COLUMNS) == list(batch.rows[0])[1:]
        assert 13 == batch.rows[0]["security_total"]

    def test_invalid_records_raise_one_error_with_row_paths(self) -> None:
        """By default every problem in every record is raised at once, at ``$[row].field``."""
        records = [honos(EXAMPLE), honos(EXAMPLE, h3=5), "not a record", honos(EXAMPLE, h1=None)]
        with pytest.raises(ValidationError) as caught:
            score_honos_records(records)  # type: ignore[list-item]
        assert ["$[1].h3", "$[2]", "$[3].h1"] == paths(caught.value)

    def test_collected_problems_sit_beside_the_valid_rows(self) -> None:
        """With ``on_error="collect"`` the valid records are scored and the rest reported."""
        records = [honos(EXAMPLE), honos(EXAMPLE, h3=5, h4=True), honos([0] * 12)]
        batch = score_honos_records(records, on_error="collect")
        assert [0, 2] == [row["row"] for row in batch.rows]
        assert [(1, "h3", "5"), (1, "h4", "bool")] == [
            (p.row, p.field, p.found) for p in batch.problems
        ]

    def test_a_missing_kept_field_is_a_problem(self) -> None:
        """A field to keep must be in every record."""
        batch = score_honos_records([honos(EXAMPLE)], keep=("id",), on_error="collect")
        assert [(0, "id")] == [(p.row, p.field) for p in batch.problems]

    def test_change_rows_hold_the_change_columns(self) -> None:
        """A change row is ``row`` then the change columns; an incomplete pair has no change."""
        records = [pair([3] * 12, [3, 4] + [2] * 10), pair([9] + [3] * 11, [2] * 12)]
        batch = honos_change_records(records)
        assert list(_CHANGE_COLUMNS) == list(batch.rows[0])[1:]
        assert [(-9, "improved"), (None, None)] == [
            (row["total_change"], row["reliable"]) for row in batch.rows
        ]

    def test_change_records_take_a_threshold(self) -> None:
        """The batch change form passes its threshold on."""
        batch = honos_change_records([pair([3] * 12, [3, 4] + [2] * 10)], reliable_change=10)
        assert "no reliable change" == batch.rows[0]["reliable"]

    def test_change_record_problems_name_the_suffixed_field(self) -> None:
        """A bad rating in a pair is reported at its own column, e.g. ``h5_after``."""
        with pytest.raises(ValidationError) as caught:
            honos_change_records([pair(EXAMPLE, EXAMPLE, h5_after=7)])
        assert ["$[0].h5_after"] == paths(caught.value)

    def test_a_defaultdict_does_not_invent_missing_ratings(self) -> None:
        """A mapping with a default is still read key by key: a missing rating is reported."""
        record = collections.defaultdict(int, honos(EXAMPLE))
        del record["h9"]
        batch = score_honos_records([record], on_error="collect")
        assert [("h9", "no field")] == [(p.field, p.found) for p in batch.problems]

    def test_records_must_be_an_iterable_of_records(self) -> None:
        """A single record where many belong is a wrong type."""
        with pytest.raises(WrongTypeError):
            score_honos_records(honos(EXAMPLE))  # type: ignore[arg-type]

    def test_result_is_a_batch(self) -> None:
        """Every record form returns a Batch."""
        assert isinstance(score_honos_records([]), Batch)


class TestFrames:
    @pytest.fixture
    def pd(self) -> Any:
        return pytest.importorskip("pandas")

    def test_scores_keep_the_index(self, pd: Any) -> None:
        """The result has the input's index and one column per score."""
        frame = pd.DataFrame([honos(EXAMPLE), honos([4] * 12)], index=["a", "b"])
        result = score_honos_frame(frame)
        assert ["a", "b"] == list(result.index)
        assert list(_HONOS_COLUMNS) == list(result.columns)
        assert [19, 48] == result["total"].tolist()

    def test_secure_frame_adds_the_security_columns(self, pd: Any) -> None:
        """The HoNOS-secure frame form gives the security total."""
        frame = pd.DataFrame([secure(EXAMPLE, [4, 3, 2, 2, 1, 0, 1])])
        result = score_honos_secure_frame(frame)
        assert list(_SECURE_COLUMNS) == list(result.columns)
        assert 13 == result.loc[0, "security_total"]

    def test_invalid_rows_raise_with_row_positions(self, pd: Any) -> None:
        """A bad value is reported at its row position (as in ``iloc``) and column."""
        frame = pd.DataFrame([honos(EXAMPLE), honos(EXAMPLE, h3=5)], index=[10, 20])
        with pytest.raises(ValidationError) as caught:
            score_honos_frame(frame)
        assert [("$[1].h3", "5")] == [(p.path, p.found) for p in caught.value.problems]

    def test_raised_problems_are_capped_and_the_rest_counted(self, pd: Any) -> None:
        """A table full of problems lists the first 100 and counts the rest."""
        frame = pd.DataFrame([honos(EXAMPLE, h1=5, h2=6)] * 60)
        with pytest.raises(ValidationError) as caught:
            score_honos_frame(frame)
        problems = caught.value.problems
        assert (100, 120) == (len(problems), caught.value.total)
        assert ("$[0].h1", "$[0].h2", "$[49].h2") == (
            problems[0].path,
            problems[1].path,
            problems[99].path,
        )
        assert "100 of 120 problems shown:" == str(caught.value).splitlines()[0]

    def test_collected_invalid_rows_have_missing_scores_and_a_problem_text(self, pd: Any) -> None:
        """Invalid rows get NA scores and their problems; valid rows an empty text."""
        frame = pd.DataFrame([honos(EXAMPLE), honos(EXAMPLE, h3=5, h12=-1)])
        result = score_honos_frame(frame, on_error="collect")
        assert 19 == result.loc[0, "total"]
        assert result.loc[1, list(_HONOS_COLUMNS)].isna().all()
        assert ["", f"h3: {_BAD}5 | h12: {_BAD}-1"] == result["problems"].tolist()

    def test_no_problems_column_when_raising(self, pd: Any) -> None:
        """The ``problems`` column is only added when problems are collected."""
        result = score_honos_frame(pd.DataFrame([honos(EXAMPLE)]))
        assert "problems" not in result.columns

    def test_a_missing_column_makes_every_row_invalid(self, pd: Any) -> None:
        """Without h12 no row can be scored."""
        frame = pd.DataFrame([honos(EXAMPLE)] * 2).drop(columns="h12")
        result = score_honos_frame(frame, on_error="collect")
        assert [f"h12: {_BAD}no column"] * 2 == result["problems"].tolist()

    def test_nullable_integers_are_read_and_missing_values_reported(self, pd: Any) -> None:
        """An ``Int64`` column is scored; its missing values are problems, not 9s."""
        frame = pd.DataFrame([honos(EXAMPLE)] * 2).astype("Int64")
        frame.loc[1, "h4"] = pd.NA
        result = score_honos_frame(frame, on_error="collect")
        assert [19, None] == [None if pd.isna(v) else v for v in result["total"]]
        assert ["", f"h4: {_BAD}no value"] == result["problems"].tolist()

    def test_whole_floats_are_ratings(self, pd: Any) -> None:
        """A float column (as ``read_csv`` gives for a column with gaps) is read if whole."""
        frame = pd.DataFrame([honos(EXAMPLE), honos([9] * 12)]).astype(float)
        assert [19, 0] == score_honos_frame(frame)["total"].tolist()

    def test_gaps_and_fractions_in_float_columns_are_problems(self, pd: Any) -> None:
        """A gap (NaN) is never taken for a 9, and 2.5 or 9.0001 is no rating."""
        frame = pd.DataFrame([honos(EXAMPLE, h2=v) for v in [float("nan"), 2.5, 9.0001, 7.0, 4.0]])
        result = score_honos_frame(frame, on_error="collect")
        expected = [
            f"h2: {_BAD}no value",
            f"h2: {_BAD}2.5 (float)",
            f"h2: {_BAD}9.0001 (float)",
            f"h2: {_BAD}7",
            "",
        ]
        assert expected == result["problems"].tolist()

    def test_nullable_floats_are_read_like_floats(self, pd: Any) -> None:
        """A ``Float64`` column with NA reads whole values and reports the gap."""
        frame = pd.DataFrame([honos(EXAMPLE)] * 2).astype("Float64")
        frame.loc[0, "h6"] = pd.NA
        result = score_honos_frame(frame, on_error="collect")
        assert [f"h6: {_BAD}no value", ""] == result["problems"].tolist()

    def test_records_stay_strict_about_floats(self) -> None:
        """In a record a float is refused: records come from code, not from a column of gaps."""
        with pytest.raises(ValidationError) as caught:
            score_honos(honos(EXAMPLE, h2=2.0))
        assert "2.0 (float)" == caught.value.problems[0].found

    def test_object_columns_are_checked_value_by_value(self, pd: Any) -> None:
        """A column of mixed values is checked as records are."""
        frame = pd.DataFrame([honos(EXAMPLE), honos(EXAMPLE, h5="2"), honos(EXAMPLE, h5=True)])
        result = score_honos_frame(frame, on_error="collect")
        assert ["", f"h5: {_BAD}str", f"h5: {_BAD}bool"] == result["problems"].tolist()

    def test_problem_type_column_is_checked_and_may_be_missing(self, pd: Any) -> None:
        """``problem_8`` may be a letter or missing; anything else is a problem."""
        frame = pd.DataFrame([honos(EXAMPLE, problem_8=v) for v in ["A", None, "Z", SECRET]])
        result = score_honos_frame(frame, on_error="collect")
        letter = "problem_8: expected a problem-type letter 'A'-'K', or no value; found "
        expected = ["", "", f"{letter}'Z'", f"{letter}text of 40 characters"]
        assert expected == result["problems"].tolist()

    def test_change_frame(self, pd: Any) -> None:
        """The change frame form gives the change columns, NA where a total change is not due."""
        frame = pd.DataFrame(
            [pair([3] * 12, [3, 4] + [2] * 10), pair([9] + [3] * 11, [2] * 12)], index=["x", "y"]
        )
        result = honos_change_frame(frame)
        assert list(_CHANGE_COLUMNS) == list(result.columns)
        assert ["x", "y"] == list(result.index)
        assert -9 == result.loc["x", "total_change"]
        assert pd.isna(result.loc["y", "total_change"])
        assert pd.isna(result.loc["y", "reliable"])
        assert [10, 11] == result["items_improved"].tolist()

    def test_not_a_frame_is_a_wrong_type(self, pd: Any) -> None:
        """The frame forms take a DataFrame."""
        with pytest.raises(WrongTypeError):
            score_honos_frame([honos(EXAMPLE)])

    def test_unknown_on_error_is_a_wrong_type(self, pd: Any) -> None:
        """``on_error`` is "raise" or "collect"."""
        with pytest.raises(WrongTypeError):
            score_honos_frame(pd.DataFrame([honos(EXAMPLE)]), on_error="ignore")  # type: ignore[arg-type]

    def test_empty_frame_gives_an_empty_result(self, pd: Any) -> None:
        """No rows in, no rows out, with every column."""
        result = score_honos_secure_frame(pd.DataFrame(columns=[*H, *S], dtype="int64"))
        assert (0, list(_SECURE_COLUMNS)) == (len(result), list(result.columns))

    @given(st.lists(honos_records, max_size=30))
    def test_frame_agrees_with_records(self, records: list[dict[str, Any]]) -> None:
        """The data-frame form gives the record form's scores, row for row."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame(records, columns=H, dtype="int64")
        expected = [_scores(row) for row in score_honos_records(records).rows]
        assert expected == _frame_rows(score_honos_frame(frame))

    @given(st.lists(secure_records, max_size=30))
    def test_secure_frame_agrees_with_records(self, records: list[dict[str, Any]]) -> None:
        """The HoNOS-secure data-frame form gives the record form's scores."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame(records, columns=[*H, *S], dtype="int64")
        expected = [_scores(row) for row in score_honos_secure_records(records).rows]
        assert expected == _frame_rows(score_honos_secure_frame(frame))

    @given(st.lists(secure_records, max_size=30))
    def test_whole_float_columns_score_as_integer_columns(
        self, records: list[dict[str, Any]]
    ) -> None:
        """A table stored as floats scores exactly as the same table stored as integers."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame(records, columns=[*H, *S], dtype="int64")
        expected = _frame_rows(score_honos_secure_frame(frame))
        assert expected == _frame_rows(score_honos_secure_frame(frame.astype("float64")))

    @given(st.lists(pair_records, max_size=30), st.integers(min_value=1, max_value=20))
    def test_change_frame_agrees_with_records(
        self, records: list[dict[str, Any]], threshold: int
    ) -> None:
        """The change data-frame form gives the record form's changes."""
        pd = pytest.importorskip("pandas")
        columns = [f"{key}_{when}" for when in ("before", "after") for key in H]
        frame = pd.DataFrame(records, columns=columns, dtype="int64")
        batch = honos_change_records(records, reliable_change=threshold)
        expected = [_scores(row) for row in batch.rows]
        assert expected == _frame_rows(honos_change_frame(frame, reliable_change=threshold))

    @given(st.lists(maybe_bad_records, max_size=30))
    def test_collected_frame_agrees_with_collected_records(
        self, records: list[dict[str, Any]]
    ) -> None:
        """Both forms find the same invalid rows and fields, and score the rest alike."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame(records, columns=H, dtype=object)
        # A frame reads a cell as the record form reads it, once a gap is None and a
        # whole float its integer (the shared data-frame convention).
        batch = score_honos_records([_as_frame_reads(r) for r in records], on_error="collect")
        result = score_honos_frame(frame, on_error="collect")
        bad_rows = {problem.row for problem in batch.problems}
        fields = [
            sorted(p.field for p in batch.problems if p.row == index)
            for index in range(len(records))
        ]
        found = [
            sorted(part.split(":")[0] for part in text.split(" | ")) if text else []
            for text in result["problems"].tolist()
        ]
        assert fields == found
        valid = result[result["problems"] == ""].drop(columns="problems")
        assert [_scores(row) for row in batch.rows] == _frame_rows(valid)
        assert len(records) - len(bad_rows) == len(valid)


def _as_frame_reads(record: dict[str, Any]) -> dict[str, Any]:
    """A record as a data frame reads its cells: NaN is None, a whole float its integer."""

    def cell(value: Any) -> Any:
        if type(value) is float and value != value:  # noqa: PLR0124 - NaN test
            return None
        if type(value) is float and value.is_integer():
            return int(value)
        return value

    return {key: cell(value) for key, value in record.items()}


def _frame_rows(frame: Any) -> list[dict[str, Any]]:
    """A result frame as plain rows: numpy and pandas scalars as Python values, NA as None."""
    import pandas as pd

    return [
        {k: (None if pd.isna(v) else _plain(v)) for k, v in record.items()}
        for record in frame.astype(object).to_dict("records")
    ]


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


class TestOptionalDependencies:
    def test_core_imports_without_numpy_or_pandas(self) -> None:
        """Scoring one record or many needs neither numpy nor pandas."""
        code = (
            "import sys; sys.modules['numpy'] = None; sys.modules['pandas'] = None\n"
            "from pathway_model.scoring._honos import score_honos, score_honos_records, HONOS\n"
            "record = dict.fromkeys(HONOS.codes, 2)\n"
            "assert score_honos(record).total == 24\n"
            "assert score_honos_records([record]).rows[0]['total'] == 24\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert "" == result.stderr
        assert 0 == result.returncode
