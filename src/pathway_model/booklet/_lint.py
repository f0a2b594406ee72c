"""A check of the team's words that reach the person: jargon and long sentences.

The person's goal text is theirs and is never changed or judged; a goal the team set, or
set together with the person, is the team's wording too and is checked. So are the
definition's everyday names, which the booklet reads out. The findings are warnings for
the team, never errors: the booklet is rendered whatever they say.
"""

from __future__ import annotations

import re

import attrs

from pathway_model.errors import WrongTypeError
from pathway_model.model import GoalSetter, Pathway, PathwayDefinition
from pathway_model.model._seam import type_name

__all__ = ["JARGON", "MAX_WORDS", "TextWarning", "lint_team_text"]

MAX_WORDS = 15
"""The most words a sentence the person reads should have (Easy Read asks for 15)."""

JARGON: dict[str, str] = {
    "absconding": "leaving without permission",
    "adherence": "taking your medicine as agreed",
    "cpa": "care plan review",
    "comorbid": "more than one health problem",
    "compliance": "taking your medicine as agreed",
    "compliant": "taking your medicine as agreed",
    "deteriorate": "get worse",
    "deterioration": "getting worse",
    "engagement": "taking part",
    "facilitate": "help",
    "formulation": "shared understanding",
    "insight": "understanding",
    "mdt": "your team",
    "mentally ill": "having a mental health problem",
    "non-compliant": "not taking your medicine as agreed",
    "psychoeducation": "learning about your health",
    "psychosis": "a mental health problem (say which one you mean)",
    "risk assessment": "a talk about staying safe",
    "s17": "leave",
    "section 17": "leave",
    "utilise": "use",
    "utilize": "use",
}
"""Words a team often uses that the person may not know, each with plainer words to try.

Matched as whole words, in any case. NHS content style asks for plain words first, and
never "mentally ill".
"""

_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_WORD = re.compile(r"[A-Za-z0-9'\u2019-]+")


@attrs.frozen(kw_only=True)
class TextWarning:
    """A finding about team-written words the person will read.

    The message names where the words are and what to change; it never repeats them
    (they may be clinical free text), only a word from `JARGON`.

    Attributes:
        path: Where the words are, e.g. ``$.goals[2].description`` or
            ``definition.stages[0].everyday_name``.
        message: What was found and what to try instead.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _findings(path: str, text: str) -> list[TextWarning]:
    lowered = text.lower()
    found = [
        TextWarning(
            path=path,
            message=f"uses the word {term!r}, which the person may not know; try {JARGON[term]!r}",
        )
        for term in sorted(JARGON)
        if re.search(rf"(?<![a-z0-9-]){re.escape(term)}(?![a-z0-9-])", lowered)
    ]
    for number, sentence in enumerate(_SENTENCE.findall(text), start=1):
        words = len(_WORD.findall(sentence))
        if words > MAX_WORDS:
            found.append(
                TextWarning(
                    path=path,
                    message=f"sentence {number} has {words} words; at most {MAX_WORDS} "
                    "read easily: split it",
                )
            )
    return found


def lint_team_text(pathway: Pathway, definition: PathwayDefinition) -> tuple[TextWarning, ...]:
    """Check the team's words that the person's booklet shows, for jargon and long sentences.

    Checked: the text of each goal the team set or set together with the person (a goal
    the person set is their own and is not judged), and the definition's everyday names
    of stages, outcome areas and levels. Notes are never shown, so never checked.

    Args:
        pathway: The person's record.
        definition: The definition the record follows.

    Returns:
        The warnings, in the order of the record and the definition; empty when all is well.

    Raises:
        WrongTypeError: An argument has the wrong type.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> pathway = pm.Pathway.start(
        ...     SECURE_PATHWAY, person_id="P-1", stage="medium_secure",
        ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
        ... ).with_goals(pm.Goal(
        ...     id="g1", domain="life_skills", set_by="team", set_on=dt.date(2024, 1, 9),
        ...     description="Improve medication compliance.",
        ... ))
        >>> for warning in lint_team_text(pathway, SECURE_PATHWAY):
        ...     print(warning)
        $.goals[0].description: uses the word 'compliance', which the person may not know; try 'taking your medicine as agreed'
    """  # noqa: E501 - a doctest line is as long as the warning it shows
    if not isinstance(pathway, Pathway):
        raise WrongTypeError.single("pathway", "a Pathway", type_name(pathway))
    if not isinstance(definition, PathwayDefinition):
        raise WrongTypeError.single("definition", "a PathwayDefinition", type_name(definition))
    warnings: list[TextWarning] = []
    for index, goal in enumerate(pathway.goals):
        if goal.set_by is not GoalSetter.PERSON:
            warnings += _findings(f"$.goals[{index}].description", goal.description)
    for index, stage in enumerate(definition.stages):
        warnings += _findings(f"definition.stages[{index}].everyday_name", stage.everyday_name)
    framework = definition.framework
    for index, domain in enumerate(framework.domains):
        warnings += _findings(
            f"definition.framework.domains[{index}].everyday_name", domain.everyday_name
        )
    for index, level in enumerate(framework.scale.levels):
        warnings += _findings(
            f"definition.framework.scale.levels[{index}].everyday_label", level.everyday_label
        )
    return tuple(warnings)
