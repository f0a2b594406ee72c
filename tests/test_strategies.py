"""The shared strategies build valid values of every shape the model allows."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import Phase, find, given, settings

import pathway_model as pm
from pathway_model.catalogue import SECURE_PATHWAY
from tests import strategies as s


class TestStrategies:
    @given(s.definitions_and_pathways())
    def test_generated_pathways_are_valid_on_their_definition(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway]
    ) -> None:
        """Every generated record passes every check against its definition."""
        definition, pathway = case
        assert pm.check_pathway(pathway, definition) == ()

    @given(s.ready_cases())
    def test_ready_cases_are_valid_and_ready_on_their_day(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway, dt.date]
    ) -> None:
        """A built ready case is a valid record, ready on its day, with a day of its stay left."""
        definition, pathway, day = case
        stay = pathway.placement_on(day)

        assert () == pm.check_pathway(pathway, definition)
        assert pm.ready_on(pathway, day, definition=definition)
        assert stay is not None
        assert stay.end is None or day + dt.timedelta(days=1) < stay.end

    @given(s.pathway_definitions())
    def test_generated_definitions_step_down_along_their_stages(
        self, definition: pm.PathwayDefinition
    ) -> None:
        """Each stage of a generated definition may move to the next one."""
        for before, after in zip(definition.stages, definition.stages[1:], strict=False):
            assert definition.allows(before.code, after.code)

    @pytest.mark.parametrize(
        ("shape", "condition"),
        [
            ("several stays, the last open", lambda p: len(p.placements) >= 3 and p.end is None),
            ("several stays, all closed", lambda p: len(p.placements) >= 2 and p.end is not None),
            (
                "a gap between stays",
                lambda p: any(
                    a.end != b.start for a, b in zip(p.placements, p.placements[1:], strict=False)
                ),
            ),
            ("reviews, goals and incidents", lambda p: p.reviews and p.goals and p.incidents),
            (
                "a review without the person's levels",
                lambda p: any(r.person is None for review in p.reviews for r in review.ratings),
            ),
            ("goal progress", lambda p: any(review.goal_progress for review in p.reviews)),
        ],
    )
    def test_generated_pathways_reach_every_shape(
        self, shape: str, condition: Callable[[pm.Pathway], bool]
    ) -> None:
        """The record strategy reaches each shape the rules must handle.

        The search has its own budget, whatever the profile: the fast profile's ten
        examples would miss the rarer shapes. It stops at the first record found.
        """
        found = find(
            s.pathways(SECURE_PATHWAY),
            condition,
            settings=settings(database=None, phases=[Phase.generate], max_examples=1_000),
        )
        assert condition(found), shape


class TestProfiles:
    @pytest.mark.parametrize(("chosen", "examples"), [(None, 100), ("fast", 10)])
    def test_the_environment_chooses_the_profile(self, chosen: str | None, examples: int) -> None:
        """CI's default runs 100 examples a property; HYPOTHESIS_PROFILE=fast runs 10."""
        environment = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_PROFILE"}
        if chosen is not None:
            environment["HYPOTHESIS_PROFILE"] = chosen
        script = (
            "import tests.conftest; from hypothesis import settings; print(settings().max_examples)"
        )
        ran = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            env=environment,
            cwd=Path(__file__).resolve().parents[1],
            check=True,
        )

        assert str(examples) == ran.stdout.strip()
