"""Podium's baselines: TF-IDF, similarity and transformer methods behind one API and CLI.

Standalone (no Django). Importing this package is cheap: sklearn, torch and transformers are
imported only when a method runs, so the web process can list ``METHODS``.
"""

from baselines.api import RunResult, run
from baselines.errors import BaselineError
from baselines.registry import METHODS, Method

__all__ = ["METHODS", "BaselineError", "Method", "RunResult", "run"]
