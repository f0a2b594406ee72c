"""Spark: the same per-person figures, MHSDS records and cohort report, on Spark DataFrames.

The extra ``spark`` (pyspark, pandas, pyarrow). National analysts work where MHSDS lives,
on Spark; trust analysts on a laptop. Both get the same answer: the executors run the
library itself on pandas batches, and only what the library's own results hold travels
between them.

- [`assessment_rows`][pathway_model.spark.assessment_rows]: from a column of pathway
  documents, each person's readiness and progression decision at a date, one row each,
  with a ``problems`` column for documents that cannot be read;
- [`read_pathways`][pathway_model.spark.read_pathways]: from MHSDS tables, the records
  of each person and provider, equal to those
  [`mhsds.read_pathways`][pathway_model.mhsds.read_pathways] reads on one machine, with
  the account of every row;
- [`cohort_report`][pathway_model.spark.cohort_report] and
  [`cohort_partial`][pathway_model.spark.cohort_partial]: the cohort report, merged from
  one [`CohortPartial`][pathway_model.scoring.CohortPartial] a partition, equal to
  [`scoring.cohort_report`][pathway_model.scoring.cohort_report] on the same records.

Only pandas and Arrow functions (``mapInPandas``, ``applyInPandas``) and the DataFrame
API are used: no RDD and no ``SparkContext``, as Spark Connect and Databricks shared
clusters require. Dates are explicit (``as_of``); results do not depend on
partitions or order. pyspark is imported when a function is called, not with this
package. The modules inside this package are private.
"""

from pathway_model.spark._documents import assessment_rows, cohort_partial, cohort_report
from pathway_model.spark._mhsds import PathwaysFrame, read_pathways

__all__ = [
    "PathwaysFrame",
    "assessment_rows",
    "cohort_partial",
    "cohort_report",
    "read_pathways",
]
