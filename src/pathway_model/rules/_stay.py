"""The one internal API of `rules` that other subpackages may use.

Scoring, FHIR, plotting, the booklet and the command line decide things the way the rules
do: they judge one stay's reviews and incidents, find its ready runs, and resolve the
definition a record follows; the booklet writes dates and periods to the person as the
person's explanation does. They import those pieces from here, and only from here: every other
module of `rules` is private to the package, and may change shape without notice.

A name joins this seam only when a subpackage outside `rules` needs it; the public names
(`assess`, `readiness`, ...) are imported from `pathway_model` instead. The rules these
pieces follow are those of "How readiness is decided".
"""

from __future__ import annotations

from pathway_model.rules._explain import long_date, period_words
from pathway_model.rules._readiness import (
    StayEvidence,
    check_date,
    placement_for,
    qualifies,
    readiness_of,
    ready_runs,
    resetting,
    resolve_definition,
    stay_evidence,
)

__all__ = [
    "StayEvidence",
    "check_date",
    "long_date",
    "period_words",
    "placement_for",
    "qualifies",
    "readiness_of",
    "ready_runs",
    "resetting",
    "resolve_definition",
    "stay_evidence",
]
