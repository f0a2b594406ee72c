"""Every data-frame form of the scoring functions, under one convention.

Each function here takes or gives a pandas ``DataFrame`` (pandas and numpy are imported
only when one is called) and agrees with the record form beside it in
[`pathway_model.scoring`][pathway_model.scoring]. The convention, documented once in the
scoring reference ("Data frames and records: one convention"):

- **Missing values.** A cell is read as the record form reads the same value: ``None``,
  ``NaN``, ``pd.NA`` and ``pd.NaT`` are a gap (``None``); a whole float such as ``3.0``
  and a numpy integer are the ``int``; a fraction, a ``bool`` and text are refused. What
  a gap means is the instrument's rule: a problem for a HoNOS rating, *not rated* for a
  DUNDRUM item, *no level* for a person's level.
- **The problems column.** With ``on_error="collect"`` invalid rows get missing (NA)
  scores, and a ``problems`` column (pandas ``string`` dtype) gives each invalid row's
  problems joined by `` | ``; a valid row's cell is ``""``, never NA.
- **The cap.** With ``on_error="raise"`` (the default) one
  [`ValidationError`][pathway_model.ValidationError] lists the first
  ``ValidationError.MAX_PROBLEMS`` problems, each at ``$[row].field`` (``row`` counts from
  0, as in ``frame.iloc``), and counts every one in its ``total``.

- **What comes out.** Every frame given has nullable dtypes: whole numbers ``Int64``,
  other numbers ``Float64``, flags ``boolean``, codes and text ``string``; an amount of
  money is ``Float64`` pounds beside its exact pence as ``Int64`` (``cost_of_delay`` and
  ``cost_of_delay_pence``). So ``to_parquet`` and ``read_parquet`` round-trip.

[`batch_frame`][pathway_model.scoring.frames.batch_frame] and
[`cohort_frame`][pathway_model.scoring.frames.cohort_frame] only turn result rows into a
table; they read no cells. ``Batch.to_frame()`` and ``CohortReport.to_frame()`` are
conveniences that call them.
"""

from pathway_model.scoring._batch import batch_frame
from pathway_model.scoring._cohort import cohort_frame
from pathway_model.scoring._dundrum import score_dundrum_frame
from pathway_model.scoring._honos import (
    honos_change_frame,
    score_honos_frame,
    score_honos_secure_frame,
)
from pathway_model.scoring._progress import agreement_frame

__all__ = [
    "agreement_frame",
    "batch_frame",
    "cohort_frame",
    "honos_change_frame",
    "score_dundrum_frame",
    "score_honos_frame",
    "score_honos_secure_frame",
]
