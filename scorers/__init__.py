"""Podium's scoring library: readers, strict validation, metrics, breakdowns, CLI.

Standalone (no Django): it runs in the scoring sandbox with the standard library and numpy.
"""

from scorers.api import check_gold, compare_files, score_files
from scorers.errors import GoldError, SpecError, SubmissionError
from scorers.spec import Spec, load_spec

__all__ = [
    "GoldError",
    "Spec",
    "SpecError",
    "SubmissionError",
    "check_gold",
    "compare_files",
    "load_spec",
    "score_files",
]
