"""Scoring for analysts: instruments, outcome progress and agreement, cohort measures, payments.

The record and batch forms are here; every data-frame form is in
[`pathway_model.scoring.frames`][pathway_model.scoring.frames], under one convention for
missing values, the problems column and the cap. The instruments themselves (HoNOS,
HoNOS-secure, DUNDRUM-1 to -4) are data in
[`pathway_model.catalogue`][pathway_model.catalogue], re-exported here beside the
functions that score them. The modules inside this package are private.

Examples:
    >>> from pathway_model.scoring import HONOS, score_honos
    >>> score = score_honos(dict.fromkeys(HONOS.codes, 1))
    >>> score.total
    12
"""

from pathway_model.catalogue import (
    DUNDRUM_1,
    DUNDRUM_2,
    DUNDRUM_3,
    DUNDRUM_4,
    HONOS,
    HONOS_SECURE,
)
from pathway_model.model._seam import DundrumInstrument, Instrument, InstrumentScale
from pathway_model.scoring._batch import Batch, OnError, RowProblem, score_records
from pathway_model.scoring._cohort import (
    COHORT_MEASURES,
    SECURE_COMBINED_LONG_STAY,
    TOTAL_UNIT,
    BenchmarkRow,
    CohortGroup,
    CohortMeasure,
    CohortMonth,
    CohortPartial,
    CohortReport,
    CohortRow,
    CombinedLongStay,
    IntervalNote,
    SpcRow,
    benchmark_table,
    cohort_report,
    merge_partials,
    spc_table,
)
from pathway_model.scoring._dundrum import (
    DEFAULT_D3_BANDS,
    DEFAULT_D4_BANDS,
    BandResult,
    Dundrum1Score,
    DundrumScore,
    HeuristicBands,
    PlacementBand,
    score_dundrum_1,
    score_dundrum_2,
    score_dundrum_3,
    score_dundrum_4,
    score_dundrum_records,
)
from pathway_model.scoring._honos import (
    HonosChange,
    HonosScore,
    HonosSecureScore,
    honos_change,
    honos_change_records,
    score_honos,
    score_honos_records,
    score_honos_secure,
    score_honos_secure_records,
)
from pathway_model.scoring._payment import OutcomeCurrency, Payment, payments
from pathway_model.scoring._progress import (
    Agreement,
    CohortAgreement,
    ReviewProgress,
    TrajectoryPoint,
    agreement_records,
    agreement_summary,
    cohort_agreement,
    progress_trajectory,
    review_agreement,
    review_progress,
)
from pathway_model.scoring._recorded import (
    RecordedDelay,
    StayReconciliation,
    readiness_reconciliation,
)
from pathway_model.scoring._survival import KaplanMeier, kaplan_meier

__all__ = [
    "Agreement",
    "BandResult",
    "Batch",
    "BenchmarkRow",
    "COHORT_MEASURES",
    "CohortAgreement",
    "CohortGroup",
    "CohortMeasure",
    "CohortMonth",
    "CohortPartial",
    "CohortReport",
    "CohortRow",
    "CombinedLongStay",
    "DEFAULT_D3_BANDS",
    "DEFAULT_D4_BANDS",
    "DUNDRUM_1",
    "DUNDRUM_2",
    "DUNDRUM_3",
    "DUNDRUM_4",
    "Dundrum1Score",
    "DundrumInstrument",
    "DundrumScore",
    "HONOS",
    "HONOS_SECURE",
    "HeuristicBands",
    "HonosChange",
    "HonosScore",
    "HonosSecureScore",
    "Instrument",
    "InstrumentScale",
    "IntervalNote",
    "KaplanMeier",
    "OnError",
    "OutcomeCurrency",
    "Payment",
    "PlacementBand",
    "RecordedDelay",
    "ReviewProgress",
    "RowProblem",
    "SECURE_COMBINED_LONG_STAY",
    "SpcRow",
    "StayReconciliation",
    "TOTAL_UNIT",
    "TrajectoryPoint",
    "agreement_records",
    "agreement_summary",
    "benchmark_table",
    "cohort_agreement",
    "cohort_report",
    "honos_change",
    "honos_change_records",
    "kaplan_meier",
    "merge_partials",
    "payments",
    "progress_trajectory",
    "readiness_reconciliation",
    "review_agreement",
    "review_progress",
    "score_dundrum_1",
    "score_dundrum_2",
    "score_dundrum_3",
    "score_dundrum_4",
    "score_dundrum_records",
    "score_honos",
    "score_honos_records",
    "score_honos_secure",
    "score_honos_secure_records",
    "score_records",
    "spc_table",
]
