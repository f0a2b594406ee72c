"""Versioned national code lists that a record's own codes are checked against.

Each list is held once, here, as data: its codes with short neutral labels, the group
each belongs to, and the months each is valid in, as MHSDS counts months (``UniqMonthID``:
1 is April 1900, 1459 October 2021, 1489 April 2024). The model checks a recorded
readiness period's codes against them; `pathway_model.catalogue` offers them publicly,
and readers of MHSDS extracts choose a code's meaning by the month it was submitted in.
The codes and their windows are those of the national publication code: see the sources
page, "Domain facts and sources".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

import attrs

from pathway_model.model import _checks

__all__ = [
    "ATTRIBUTABLE_TO",
    "DELAY_REASONS_V5",
    "DELAY_REASONS_V6",
    "DELAY_REASON_LISTS",
    "CodeList",
    "ListedCode",
]


#: A month number (``UniqMonthID``) that may be ``None``.
_optional_month = attrs.validators.optional(_checks.integer(minimum=1))
#: A group's name that may be ``None``.
_optional_group = _checks.TextValidator(limit=_checks.MAX_NAME_LENGTH, optional=True)


@attrs.frozen(kw_only=True)
class ListedCode:
    """One code of a national code list, with the months it is valid in.

    Attributes:
        code: The code as submitted (always text: ``"04"``, not ``4``).
        label: A short, neutral label (the national wording, shortened).
        group: The group the code belongs to, e.g. ``"Housing"``; ``None`` if ungrouped.
        first_month: The first month (``UniqMonthID``) the code is valid in, or ``None``
            when the source gives no first month.
        last_month: The last month it is valid in, or ``None`` while it is current.
    """

    code: str = attrs.field(validator=_checks.code)
    label: str = attrs.field(validator=_checks.name)
    group: str | None = attrs.field(default=None, validator=_optional_group)
    first_month: int | None = attrs.field(default=None, validator=_optional_month)
    last_month: int | None = attrs.field(default=None, validator=_optional_month)

    def valid_in(self, month: int) -> bool:
        """Whether the code is valid in ``month`` (a ``UniqMonthID``)."""
        return (self.first_month is None or self.first_month <= month) and (
            self.last_month is None or month <= self.last_month
        )


def _listed(value: Iterable[ListedCode]) -> tuple[ListedCode, ...]:
    return _checks.tuple_of(value)


@attrs.frozen(kw_only=True)
class CodeList:
    """A versioned national code list, named by the data element that carries it.

    Attributes:
        id: The list's name: the MHSDS data element, e.g.
            ``"ClinReadyforDischDelayReason"``.
        title: What the list is, in words.
        codes: Every code the list has held, each with its months.
    """

    id: str = attrs.field(validator=_checks.code)
    title: str = attrs.field(validator=_checks.name)
    codes: tuple[ListedCode, ...] = attrs.field(
        converter=_listed, validator=_checks.items_of(ListedCode, "a ListedCode")
    )

    def __attrs_post_init__(self) -> None:
        _checks.raise_problems(
            _checks.unique_codes(f"{self.id}.codes", (item.code for item in self.codes), "code")
        )

    def __contains__(self, code: object) -> bool:
        return any(item.code == code for item in self.codes)

    def __iter__(self) -> Iterator[ListedCode]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def code_values(self) -> tuple[str, ...]:
        """Every code of the list, in its order."""
        return tuple(item.code for item in self.codes)

    def get(self, code: str) -> ListedCode | None:
        """Return the entry for ``code``, or ``None`` if the list never held it."""
        return next((item for item in self.codes if item.code == code), None)

    def valid_in(self, month: int) -> tuple[ListedCode, ...]:
        """The codes valid in ``month`` (a ``UniqMonthID``)."""
        return tuple(item for item in self.codes if item.valid_in(month))


def _codes(
    group: str | None, first: int | None, last: int | None, entries: Iterable[tuple[str, str]]
) -> list[ListedCode]:
    return [
        ListedCode(code=code, label=label, group=group, first_month=first, last_month=last)
        for code, label in entries
    ]


#: The month MHSDS v6 began (April 2024), when the v6 list replaced the v5 one.
_V6 = 1489

DELAY_REASONS_V6 = CodeList(
    id="ClinReadyforDischDelayReason",
    title="MHSDS v6 reason a person clinically ready for discharge is still in hospital",
    codes=[
        *_codes(
            "Allocation and funding",
            _V6,
            None,
            [
                ("01", "Awaiting care coordinator allocation"),
                ("02", "Awaiting community psychiatrist allocation"),
                ("03", "Awaiting social worker allocation"),
                ("04", "Awaiting public funding or a funding panel"),
                ("05", "Awaiting further community or mental health NHS care"),
            ],
        ),
        *_codes(
            "Placement and care",
            _V6,
            None,
            [
                ("06", "Awaiting a prison or Immigration Removal Centre placement"),
                ("07", "Awaiting a care home without nursing"),
                ("08", "Awaiting a care home with nursing"),
                ("09", "Awaiting a care package at home"),
                ("10", "Awaiting equipment or adaptations"),
            ],
        ),
        *_codes(
            "Choice and disputes",
            _V6,
            None,
            [
                ("11", "Patient or family choice"),
                ("12", "Dispute over the responsible commissioner"),
                ("13", "Dispute over the post-discharge pathway"),
            ],
        ),
        *_codes(
            "Housing",
            _V6,
            None,
            [
                ("14", "Awaiting private rented housing"),
                ("15", "Awaiting social rented housing"),
                ("16", "Awaiting own home"),
                ("17", "Not eligible for funded support"),
                ("18", "Awaiting supported accommodation"),
                ("19", "Awaiting local-authority temporary accommodation"),
            ],
        ),
        *_codes(
            "Children",
            _V6,
            None,
            [
                ("20", "Awaiting a non-secure children's home"),
                ("21", "Awaiting a secure children's home"),
                ("22", "Awaiting a Youth Offender Institution placement"),
                ("23", "Awaiting a foster placement"),
            ],
        ),
        *_codes(
            "Legal",
            _V6,
            None,
            [
                ("24", "Awaiting Ministry of Justice agreement to the placement"),
                ("25", "Awaiting mental health legislation proceedings"),
                ("26", "Awaiting Court of Protection proceedings"),
                ("27", "Awaiting a Deprivation of Liberty Safeguards application"),
                ("28", "Consideration of court judgements"),
            ],
        ),
        *_codes(
            "Education",
            _V6,
            None,
            [
                ("29", "Awaiting a residential special school or college"),
                ("30", "Lack of local education support"),
            ],
        ),
        *_codes(
            "Community support",
            _V6,
            None,
            [
                ("31", "Public-safety concern unrelated to clinical need"),
                ("32", "Highly bespoke housing or care not available"),
                ("33", "No lawful community support"),
                ("34", "No social care support"),
            ],
        ),
        *_codes(
            "Other",
            _V6,
            None,
            [
                ("35", "Delayed NHS-led assessments"),
                ("36", "Hospital staff shortages"),
                ("37", "Delayed non-NHS-led assessments"),
                ("98", "Reason not known"),
            ],
        ),
    ],
)
"""MHSDS v6 ``ClinReadyforDischDelayReason`` (table MHS518), valid from month 1489."""

#: The months of the v5 list: from 1429, and the codes added with v5 from 1459; to 1488.
_V5_FIRST, _V5_ADDED, _V5_LAST = 1429, 1459, 1488

DELAY_REASONS_V5 = CodeList(
    id="DelayDischReason",
    title="MHSDS v5 delayed discharge reason",
    codes=[
        *_codes(
            "Allocation and funding",
            _V5_FIRST,
            _V5_LAST,
            [
                ("A2", "Awaiting care coordinator allocation"),
                ("B1", "Awaiting public funding"),
                ("C1", "Awaiting further non-acute NHS care"),
            ],
        ),
        *_codes(
            "Placement and care",
            _V5_FIRST,
            _V5_LAST,
            [
                ("D1", "Awaiting a care home without nursing"),
                ("D2", "Awaiting a care home with nursing"),
                ("E1", "Awaiting a care package at home"),
                ("F2", "Awaiting equipment or adaptations"),
            ],
        ),
        *_codes(
            "Choice and disputes",
            _V5_FIRST,
            _V5_LAST,
            [
                ("G2", "Patient or family choice (reason not stated)"),
                ("G3", "Patient or family choice: non-acute NHS care"),
                ("G4", "Patient or family choice: care home without nursing"),
                ("G5", "Patient or family choice: care home with nursing"),
                ("G6", "Patient or family choice: care package at home"),
                ("G7", "Patient or family choice: equipment or adaptations"),
                ("G8", "Patient or family choice: general-needs housing"),
                ("G9", "Patient or family choice: supported accommodation"),
                ("G10", "Patient or family choice: local-authority emergency accommodation"),
                ("G11", "Patient or family choice: child's social care or family placement"),
                ("G12", "Patient or family choice: Ministry of Justice placement"),
                ("H1", "Disputes"),
            ],
        ),
        *_codes(
            "Housing",
            _V5_FIRST,
            _V5_LAST,
            [
                ("I2", "Awaiting general-needs housing"),
                ("I3", "Single homeless or asylum seeker"),
                ("J2", "Awaiting supported accommodation"),
                ("K2", "Awaiting local-authority emergency accommodation"),
            ],
        ),
        *_codes(
            "Children",
            _V5_FIRST,
            _V5_LAST,
            [("L1", "Child awaiting social care or family placement")],
        ),
        *_codes(
            "Legal",
            _V5_FIRST,
            _V5_LAST,
            [
                ("M1", "Awaiting Ministry of Justice agreement"),
                ("N1", "Awaiting legal requirements (capacity or mental health legislation)"),
            ],
        ),
        *_codes(
            "Education",
            _V5_ADDED,
            _V5_LAST,
            [
                ("P1", "Awaiting a residential special school or college"),
                ("Q1", "Lack of local education support"),
            ],
        ),
        *_codes(
            "Community support",
            _V5_ADDED,
            _V5_LAST,
            [
                ("R1", "Public-safety concern unrelated to clinical need (care team)"),
                ("R2", "Public-safety concern unrelated to clinical need (Ministry of Justice)"),
                ("S1", "No lawful community care package"),
                ("T1", "Lack of health care provision"),
                ("T2", "Lack of social care support"),
            ],
        ),
        *_codes("Other", _V5_ADDED, _V5_LAST, [("98", "No reason given")]),
    ],
)
"""MHSDS v5 ``DelayDischReason`` (table MHS504), valid in months 1429 to 1488."""

ATTRIBUTABLE_TO = CodeList(
    id="AttribToIndic",
    title="MHSDS: who a delay is attributable to",
    codes=[
        *_codes(
            None,
            _V5_FIRST,
            None,
            [("04", "NHS"), ("05", "Social care"), ("06", "Both NHS and social care")],
        ),
        *_codes(None, _V5_FIRST, _V5_LAST, [("07", "Housing")]),
    ],
)
"""MHSDS ``AttribToIndic``: ``04`` NHS, ``05`` social care, ``06`` both; ``07`` housing
until month 1488."""

DELAY_REASON_LISTS: Mapping[str, CodeList] = MappingProxyType(
    {code_list.id: code_list for code_list in (DELAY_REASONS_V6, DELAY_REASONS_V5)}
)
"""The delay reason lists a recorded readiness period may name, by id."""
