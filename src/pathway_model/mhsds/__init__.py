"""MHSDS: the Mental Health Services Data Set, its national conventions and measures.

Every NHS-funded mental health provider in England submits MHSDS every month. This
subpackage reproduces the national measures exactly, each result naming the
[`Convention`][pathway_model.mhsds.Convention] it was computed by: reporting months
(``UniqMonthID``) and versions, length of stay, bed days, ready-for-discharge days
(measure MHS26), restrictive interventions per 1,000 bed days, and HoNOS read from
long-format coded rows with its validity, duplicate and completeness rules. It reads
extracts (frames, or a folder of CSV or parquet files named by table) into pathway
records, one per person and provider, with the three national layers of de-duplication
and an account of every row (see "Reading MHSDS extracts"). The measures
take plain Python values (dates, small attrs rows) and need no pandas; the data-frame form
imports pandas only when called. The modules inside this package are private.

Examples:
    >>> import datetime as dt
    >>> from pathway_model.mhsds import StayDates, bed_days, reporting_month
    >>> reporting_month(1496).start
    datetime.date(2024, 11, 1)
    >>> bed_days([StayDates(start=dt.date(2024, 11, 4))], 1496).days
    27
"""

from pathway_model.mhsds._accounting import Accounting, DuplicateLayer, RowProblem, TableAccount
from pathway_model.mhsds._conventions import (
    BED_DAYS,
    CONVENTIONS,
    HONOS_AMH04,
    HONOS_DUPLICATES,
    HONOS_FULL,
    LENGTH_OF_STAY,
    LENGTH_OF_STAY_CENSORED,
    MHSDS_VERSIONS,
    PERS_SCORE_VALIDITY,
    READY_DAYS,
    READY_DAYS_GUARD,
    READY_DAYS_REASONS,
    RESTRICTIVE_INTERVENTIONS,
    UNIQ_MONTH_ID,
    Convention,
)
from pathway_model.mhsds._honos import (
    AMH04_LEAST_SCALES,
    CodedScore,
    HonosAssessment,
    HonosCompleteness,
    HonosLong,
    HonosStayChange,
    honos_change_by_stay,
    honos_completeness,
    pers_score,
    score_honos_long,
    score_honos_long_frame,
)
from pathway_model.mhsds._measures import (
    UNKNOWN,
    BedDays,
    InterventionDates,
    LengthOfStay,
    MonthBedDays,
    MonthReadyDays,
    MonthRestrictiveInterventions,
    ReadyDays,
    ReadyPeriod,
    RestrictiveInterventions,
    StayDates,
    attributable_to_in_window,
    bed_days,
    delay_reason_in_window,
    length_of_stay,
    ready_days,
    restrictive_interventions,
)
from pathway_model.mhsds._months import (
    V5_FIRST_MONTH,
    V6_FIRST_MONTH,
    ReportingMonth,
    mhsds_version,
    month_id,
    month_id_of,
    reporting_month,
)
from pathway_model.mhsds._pathways import (
    DEFAULT_STAGE_MAPPING,
    ClassWindow,
    MhsdsPathways,
    StageMapping,
    build_pathways,
    read_pathways,
)
from pathway_model.mhsds._report import (
    ENGLAND,
    LengthsOfStay,
    MeasureRow,
    NationalMeasures,
    ProviderMeasures,
    national_measures,
)
from pathway_model.mhsds._rows import (
    CodedScoreRow,
    CpaReviewRow,
    Extract,
    Origin,
    ReadinessRow,
    RestrictiveRow,
    SpellRow,
    SubmissionRule,
    WardStayRow,
    read_extract,
    readiness_rows,
    restrictive_rows,
)
from pathway_model.mhsds._writer import (
    EXTRACT_COLUMNS,
    V5_TO_V6_DELAY_REASONS,
    WrittenExtract,
    extract_tables,
    write_extract,
)

__all__ = [
    "AMH04_LEAST_SCALES",
    "Accounting",
    "BED_DAYS",
    "BedDays",
    "CONVENTIONS",
    "ClassWindow",
    "CodedScore",
    "CodedScoreRow",
    "Convention",
    "CpaReviewRow",
    "DEFAULT_STAGE_MAPPING",
    "DuplicateLayer",
    "ENGLAND",
    "EXTRACT_COLUMNS",
    "Extract",
    "HONOS_AMH04",
    "HONOS_DUPLICATES",
    "HONOS_FULL",
    "HonosAssessment",
    "HonosCompleteness",
    "HonosLong",
    "HonosStayChange",
    "InterventionDates",
    "LENGTH_OF_STAY",
    "LENGTH_OF_STAY_CENSORED",
    "LengthOfStay",
    "LengthsOfStay",
    "MHSDS_VERSIONS",
    "MeasureRow",
    "MhsdsPathways",
    "MonthBedDays",
    "MonthReadyDays",
    "MonthRestrictiveInterventions",
    "NationalMeasures",
    "Origin",
    "PERS_SCORE_VALIDITY",
    "ProviderMeasures",
    "READY_DAYS",
    "READY_DAYS_GUARD",
    "READY_DAYS_REASONS",
    "RESTRICTIVE_INTERVENTIONS",
    "ReadinessRow",
    "ReadyDays",
    "ReadyPeriod",
    "ReportingMonth",
    "RestrictiveInterventions",
    "RestrictiveRow",
    "RowProblem",
    "SpellRow",
    "StageMapping",
    "StayDates",
    "SubmissionRule",
    "TableAccount",
    "UNIQ_MONTH_ID",
    "UNKNOWN",
    "V5_FIRST_MONTH",
    "V5_TO_V6_DELAY_REASONS",
    "V6_FIRST_MONTH",
    "WardStayRow",
    "WrittenExtract",
    "attributable_to_in_window",
    "bed_days",
    "build_pathways",
    "delay_reason_in_window",
    "extract_tables",
    "honos_change_by_stay",
    "honos_completeness",
    "length_of_stay",
    "mhsds_version",
    "month_id",
    "month_id_of",
    "national_measures",
    "pers_score",
    "read_extract",
    "read_pathways",
    "readiness_rows",
    "ready_days",
    "reporting_month",
    "restrictive_interventions",
    "restrictive_rows",
    "score_honos_long",
    "score_honos_long_frame",
    "write_extract",
]
