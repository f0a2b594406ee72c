"""Scoring for notebooks: instruments, outcome progress and agreement, one record or many.

Import from `pathway_model`; this package's layout is private.
"""

from pathway_model.scoring._batch import Batch, OnError, RowProblem, score_records

__all__ = ["Batch", "OnError", "RowProblem", "score_records"]
