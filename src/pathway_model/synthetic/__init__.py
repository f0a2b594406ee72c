"""Seeded synthetic cohorts: realistic pathways through secure care, for demos, docs and tests.

[`synthetic_cohort`][pathway_model.synthetic.synthetic_cohort] makes the records of a
whole population on the built-in secure pathway: several providers, a few thousand
people in secure hospital care at a date, stays across the secure levels, reviews
every few months with the team's and the person's views, goals, incidents, long stays,
moves back to a more secure level, and people who are ready to move on but have not
been moved. In hospital the team records when it judged the person clinically ready
(with the delay reason, as MHSDS tables MHS518 and MHS504 hold it), and staff use
restrictive interventions (MHS505 and MHS515). The shape of the population is set by
[`CohortParameters`][pathway_model.synthetic.CohortParameters]; every default names
its source, a fact listed on the docs page "Domain facts and sources", or is marked as
an illustrative assumption. "Synthetic cohorts" explains what the generator
models and what it leaves out.

Nobody in a synthetic cohort is real. Person ids are ``SYN-`` and six digits (never an
NHS number), provider names are invented ("Provider A"), and goal wording is written
for the generator.

The same seed and parameters give equal records, and so the same JSON bytes, on every
machine: the generator draws from ``random.Random`` streams seeded from the seed, each in
a fixed order (recorded readiness and restrictive interventions from streams of their
own, so they change nothing else), and never touches the global random state, the clock
or any process-wide setting, so cohorts may be made on several threads at once.

The parameters live in one private module and the generator in another; this package
names what is public:

- [`synthetic_cohort`][pathway_model.synthetic.synthetic_cohort]: the records of a
  population;
- [`CohortParameters`][pathway_model.synthetic.CohortParameters] and
  [`StageParameters`][pathway_model.synthetic.StageParameters]: its shape;
- `DEFAULT_STAGES` and `DEFAULT_PROVIDERS`: the defaults of the parameters.

Examples:
    >>> import datetime as dt
    >>> import pathway_model as pm
    >>> from pathway_model.catalogue import SECURE_PATHWAY
    >>> from pathway_model.synthetic import CohortParameters, synthetic_cohort
    >>> cohort = synthetic_cohort(
    ...     CohortParameters(people_in_care=50), seed=1, as_of=dt.date(2025, 1, 1)
    ... )
    >>> cohort[0].person_id
    'SYN-000001'
    >>> all(pm.check_pathway(pathway, SECURE_PATHWAY) == () for pathway in cohort)
    True
"""

from __future__ import annotations

from pathway_model.synthetic._generator import synthetic_cohort
from pathway_model.synthetic._parameters import (
    DEFAULT_PROVIDERS,
    DEFAULT_STAGES,
    CohortParameters,
    StageParameters,
)

__all__ = [
    "CohortParameters",
    "DEFAULT_PROVIDERS",
    "DEFAULT_STAGES",
    "StageParameters",
    "synthetic_cohort",
]
