"""Golden files: the FHIR export of one worked pathway, byte for byte.

The worked record is the example of ``examples/medium_secure.py`` with what that example
leaves out: notes, goal progress, a person's note without a level, a move to low secure,
an incident with a note, and a HoNOS-secure rating with a scale not known. If the export
changes on purpose, regenerate the files and review the difference:

    python -m tests.test_fhir_golden

A test fails while today's export and the committed files differ.
"""

from __future__ import annotations

import datetime as dt
import json
import runpy
from pathlib import Path
from typing import Any

import pathway_model as pm
from pathway_model import scoring
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.fhir import (
    InstrumentRating,
    fhir_code_systems,
    from_fhir_with_instruments,
    to_fhir,
)

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "fixtures" / "fhir"
BUNDLE = GOLDEN / "worked-bundle.json"
CODE_SYSTEMS = GOLDEN / "secure-pathway-code-systems.json"
EXAMPLE = runpy.run_path(str(ROOT / "examples" / "medium_secure.py"))


def worked_pathway() -> pm.Pathway:
    """The example record, with notes, progress, a move and an incident note added."""
    example: pm.Pathway = EXAMPLE["build_pathway"]()
    first, second, third = example.reviews
    third = pm.Review(
        id=third.id,
        date=third.date,
        kind=third.kind,
        ratings=(
            pm.DomainRating(
                domain="mental_health_recovery",
                team="partly_met",
                person="met",
                team_note="Settled on the ward; engaging with psychology.",
                person_note="I feel much better than last year.",
            ),
            *third.ratings[1:],
            pm.DomainRating(
                domain="life_skills",
                team="partly_met",
                person_note="I would rather talk about this next time.",
            ),
        ),
        goal_progress=(
            pm.GoalProgress(
                goal="goal-1",
                achievement_status=pm.GoalAchievementStatus.IMPROVING,
                note="Cooked with staff twice this month.",
            ),
        ),
        next_review_date=third.next_review_date,
    )
    moved = pm.Pathway(
        person_id=example.person_id,
        definition_id=example.definition_id,
        definition_version=example.definition_version,
        placements=example.placements,
        goals=example.goals,
        reviews=(first, second, third),
        incidents=(
            pm.Incident(
                id="incident-1",
                date=dt.date(2024, 4, 15),
                kind=pm.IncidentKind.VIOLENCE,
                severity=pm.IncidentSeverity.MODERATE,
                note="Pushed another patient during an argument.",
            ),
        ),
    ).moved_to(
        SECURE_PATHWAY,
        stage="low_secure",
        on=dt.date(2025, 1, 20),
        provider="Ashby Low Secure",
        placement_id="placement-2",
    )
    return moved.with_reviews(
        pm.Review.from_levels(
            id="review-4",
            date=dt.date(2025, 4, 14),
            kind=pm.ReviewKind.CLINICAL,
            team={"mental_health_recovery": "met", "life_skills": "partly_met"},
            person={"mental_health_recovery": "met"},
        )
    )


def worked_ratings() -> tuple[InstrumentRating, ...]:
    """Two ratings: a HoNOS with every scale rated, a HoNOS-secure with one not known."""
    return (
        InstrumentRating.from_record(
            id="honos-1",
            instrument=scoring.HONOS,
            date=dt.date(2024, 3, 28),
            record={**{f"h{n}": 2 for n in range(1, 13)}, "problem_8": "A"},
        ),
        InstrumentRating.from_record(
            id="honos-secure-1",
            instrument=scoring.HONOS_SECURE,
            date=dt.date(2024, 9, 26),
            record={
                **{f"h{n}": 1 for n in range(1, 13)},
                "h5": 9,
                **{f"s{letter}": 2 for letter in "abcdefg"},
            },
        ),
    )


def render(document: Any) -> str:
    """The text of a golden file: indented JSON in the library's key order, then a newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def bundle_text() -> str:
    return render(to_fhir(worked_pathway(), instrument_ratings=worked_ratings()))


def code_systems_text() -> str:
    return render(fhir_code_systems(SECURE_PATHWAY))


class TestGoldenFiles:
    def test_the_worked_bundle_is_what_is_committed(self) -> None:
        """Today's export of the worked pathway is the committed golden file, byte for byte."""
        assert BUNDLE.read_text(encoding="utf-8") == bundle_text()

    def test_the_code_systems_are_what_is_committed(self) -> None:
        """Today's code systems of the secure pathway are the committed golden file."""
        assert CODE_SYSTEMS.read_text(encoding="utf-8") == code_systems_text()

    def test_the_committed_bundle_reads_back_to_the_worked_pathway(self) -> None:
        """The committed Bundle imports to the worked pathway and its instrument ratings."""
        imported = from_fhir_with_instruments(BUNDLE.read_bytes())
        assert worked_pathway() == imported.pathway
        assert worked_ratings() == imported.instrument_ratings

    def test_the_worked_pathway_is_valid_on_the_secure_pathway(self) -> None:
        """The worked record passes every check against its definition."""
        assert () == pm.check_pathway(worked_pathway(), SECURE_PATHWAY)


def main() -> None:
    """Write the golden files from today's export."""
    GOLDEN.mkdir(parents=True, exist_ok=True)
    BUNDLE.write_text(bundle_text(), encoding="utf-8")
    CODE_SYSTEMS.write_text(code_systems_text(), encoding="utf-8")
    print(f"wrote {BUNDLE.relative_to(ROOT)} and {CODE_SYSTEMS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
