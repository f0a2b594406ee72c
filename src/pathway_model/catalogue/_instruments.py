"""The built-in rating instruments, as data: HoNOS, HoNOS-secure and the DUNDRUM toolkit.

Codes, short neutral labels, ranges, SNOMED CT codes and licence status only: the
instruments' own wording is licensed and is not shipped. Every fact cites its source on
the docs page "Domain facts and sources".
"""

from __future__ import annotations

from pathway_model.model._seam import (
    NOT_KNOWN,
    DundrumInstrument,
    Instrument,
    InstrumentScale,
)

_LICENCE = (
    "© Royal College of Psychiatrists; this library ships codes, short neutral labels "
    "and arithmetic only, never the instrument's wording"
)

#: HoNOS scale number → subscale (see "Domain facts and sources" in the docs).
_SUBSCALE_OF = (
    *["behaviour"] * 3,
    *["impairment"] * 2,
    *["symptoms"] * 3,
    *["social"] * 4,
)
#: SNOMED CT codes for HoNOS scales 1-12, as used by the Mental Health Services Data Set
#: (NHS Digital mental-health-monthly-statistics reference tables).
_HONOS_SNOMED_CT = (
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
)
#: HoNOS-secure security scales A-G: topic in neutral words, and SNOMED CT code
#: (see "Domain facts and sources" in the docs).
_SECURITY = (
    ("a", "risk of harm to others", "981391000000108"),
    ("b", "risk of self-harm", "981401000000106"),
    ("c", "need for building security", "981411000000108"),
    ("d", "need for a safely staffed setting", "981421000000102"),
    ("e", "need for escort on leave", "981431000000100"),
    ("f", "risk to the person from others", "981441000000109"),
    ("g", "need for risk-management procedures", "981451000000107"),
)

_HONOS_SCALES = tuple(
    InstrumentScale(
        code=f"h{number}",
        label=f"Scale {number} ({subscale})",
        subscale=subscale,
        snomed_ct=snomed_ct,
    )
    for number, (subscale, snomed_ct) in enumerate(
        zip(_SUBSCALE_OF, _HONOS_SNOMED_CT, strict=True), 1
    )
)

HONOS = Instrument(
    code="honos",
    name="HoNOS",
    licence_holder="Royal College of Psychiatrists",
    licence=_LICENCE,
    scales=_HONOS_SCALES,
    not_known=NOT_KNOWN,
)
"""HoNOS (Health of the Nation Outcome Scales, working-age adults): 12 scales ``h1``-``h12``.

Each scale is rated 0-4, or 9 for not known; each carries its subscale and the SNOMED CT
code the Mental Health Services Data Set uses (see "Domain facts and sources" in the
docs). © Royal College of Psychiatrists: codes, short neutral labels and arithmetic only.
"""

HONOS_SECURE = Instrument(
    code="honos_secure",
    name="HoNOS-secure",
    licence_holder="Royal College of Psychiatrists",
    licence=_LICENCE,
    scales=(
        *_HONOS_SCALES,
        *(
            InstrumentScale(
                code=f"s{letter}",
                label=f"Scale {letter.upper()} ({topic})",
                subscale="security",
                snomed_ct=snomed_ct,
                allows_not_known=False,
            )
            for letter, topic, snomed_ct in _SECURITY
        ),
    ),
    not_known=NOT_KNOWN,
)
"""HoNOS-secure: the 12 HoNOS scales ``h1``-``h12`` and 7 security scales ``sa``-``sg``.

The security scales are rated 0-4, with no "not known" rating (see "Domain facts and
sources" in the docs; the Mental Health Services Data Set counts only 0-4 as valid), and
sum to a separate security total, 0-28. HoNOS-secure is not a risk assessment tool.
© Royal College of Psychiatrists: codes, short neutral labels and arithmetic only.
"""


def _instrument(number: int, title: str, items: int) -> DundrumInstrument:
    return DundrumInstrument(
        number=number,
        code=f"dundrum_{number}",
        name=f"DUNDRUM-{number}",
        title=title,
        item_codes=tuple(f"d{number}_{item}" for item in range(1, items + 1)),
    )


DUNDRUM_1 = _instrument(1, "triage security", 11)
"""DUNDRUM-1, triage security: 11 items ``d1_1`` to ``d1_11``, each 0-4."""
DUNDRUM_2 = _instrument(2, "triage urgency", 6)
"""DUNDRUM-2, triage urgency: 6 items ``d2_1`` to ``d2_6``, each 0-4."""
DUNDRUM_3 = _instrument(3, "programme completion", 7)
"""DUNDRUM-3, programme completion: 7 items ``d3_1`` to ``d3_7`` over five pillars, each 0-4."""
DUNDRUM_4 = _instrument(4, "recovery", 6)
"""DUNDRUM-4, recovery: 6 items ``d4_1`` to ``d4_6``, each 0-4."""
