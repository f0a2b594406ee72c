"""Statistics an NHS analyst can publish: intervals, funnels, control charts, disclosure control.

Each method is the one NHS analysts already use, matched to its reference implementation
and named in its result; "Domain facts and sources" (section "Statistical methods") gives
every formula's source and the published examples it was checked against.

- Intervals: [`proportion_interval`][pathway_model.stats.proportion_interval] (Wilson
  score), [`count_interval`][pathway_model.stats.count_interval] and
  [`rate_interval`][pathway_model.stats.rate_interval] (exact Poisson below 10 events,
  Byar's method from 10, as PHE's Fingertips indicators),
  [`median_interval`][pathway_model.stats.median_interval] (a Kaplan-Meier median with
  Brookmeyer and Crowley's interval, log-log transform), and
  [`mean_interval`][pathway_model.stats.mean_interval] (the mean of a skewed quantity,
  by a seeded percentile bootstrap).
- Funnel plots: [`funnel`][pathway_model.stats.funnel] places each unit within, above or
  below the 95% and 99.8% limits for proportions, ratios and indirectly standardised
  ratios, with optional overdispersion adjustment, as NHS-R's FunnelPlotR does.
- Control charts: [`xmr_chart`][pathway_model.stats.xmr_chart] in the NHS "Making Data
  Count" form, with its special-cause rules and assurance, as NHS-R's NHSRplotthedots
  does.
- Disclosure control: a [`SuppressionPolicy`][pathway_model.stats.SuppressionPolicy]
  applied to [`Cell`][pathway_model.stats.Cell]s; `MHSDS_SUPPRESSION` is NHS England's
  rule for MHSDS publications.

Results are small frozen values holding plain Python numbers. numpy and scipy (the extra
``stats``) are imported only when a function needs them; disclosure control needs
neither. The modules inside this package are private.

Examples:
    >>> from pathway_model.stats import MHSDS_SUPPRESSION, Cell, proportion_interval
    >>> interval = proportion_interval(20, 100)
    >>> round(interval.lower, 4), round(interval.upper, 4)
    (0.1334, 0.2888)
    >>> MHSDS_SUPPRESSION.apply(Cell.count(3)).shown
    '*'
"""

from __future__ import annotations

from pathway_model.stats._disclosure import (
    MHSDS_SUPPRESSION,
    Cell,
    CellKind,
    SuppressionPolicy,
    SuppressionReason,
)
from pathway_model.stats._funnel import (
    Funnel,
    FunnelKind,
    FunnelLimits,
    FunnelPosition,
    FunnelUnit,
    Overdispersion,
    RatioMethod,
    funnel,
)
from pathway_model.stats._intervals import (
    EXACT_BELOW,
    Interval,
    IntervalMethod,
    MedianInterval,
    count_interval,
    mean_interval,
    median_interval,
    proportion_interval,
    rate_interval,
)
from pathway_model.stats._spc import (
    Assurance,
    Improvement,
    SpecialCause,
    Variation,
    XmrChart,
    XmrPoint,
    XmrSegment,
    lag_one_autocorrelation,
    xmr_chart,
)
from pathway_model.stats._support import StatisticsUnavailableError

__all__ = [
    "Assurance",
    "Cell",
    "CellKind",
    "EXACT_BELOW",
    "Funnel",
    "FunnelKind",
    "FunnelLimits",
    "FunnelPosition",
    "FunnelUnit",
    "Improvement",
    "Interval",
    "IntervalMethod",
    "MHSDS_SUPPRESSION",
    "MedianInterval",
    "Overdispersion",
    "RatioMethod",
    "SpecialCause",
    "StatisticsUnavailableError",
    "SuppressionPolicy",
    "SuppressionReason",
    "Variation",
    "XmrChart",
    "XmrPoint",
    "XmrSegment",
    "count_interval",
    "funnel",
    "lag_one_autocorrelation",
    "mean_interval",
    "median_interval",
    "proportion_interval",
    "rate_interval",
    "xmr_chart",
]
