"""What a run predicts, inferred from the scorer spec, and the job handed to a method.

Methods return raw arrays (class scores, numbers or word indices); ``finalize`` turns them into
the values the submission format wants, so every method gets labels, ranges and integer rounding
right in one place.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from baselines.errors import BaselineError
from baselines.files import Value, write_predictions
from baselines.registry import BOUNDARY, CLASSIFICATION, REGRESSION, SPANS, TASKS

if TYPE_CHECKING:
    import numpy as np

    from scorers import Spec

Progress = Callable[[dict[str, Any]], None]
# Metrics where a smaller value is better; every other built-in metric grows with quality.
LOWER_IS_BETTER = frozenset({"mae", "mse", "rmse"})


def infer_task(
    spec: Spec, fields: tuple[str, ...], y: list[Any], texts: list[tuple[str, ...]]
) -> str:
    """label/score metrics -> classification; integers that index a word of the text ->
    boundary; other numbers -> regression."""
    if spec.kind in ("label", "score"):
        return CLASSIFICATION
    if spec.kind == "span":
        return SPANS
    if spec.kind != "number":
        raise BaselineError(f"no baseline predicts {spec.kind} values")
    if spec.value_type == "integer" and len(fields) == 1 and _is_boundary(y, texts):
        return BOUNDARY
    return REGRESSION


def _is_boundary(y: list[Any], texts: list[tuple[str, ...]]) -> bool:
    def word_index(v: Any, t: tuple[str, ...]) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= len(t[0].split())

    return all(word_index(v, t) for v, t in zip(y, texts, strict=True))


def answer_columns(spec: Spec) -> str | tuple[str, ...]:
    """The submission's answer column, or the (cause, effect) columns of a span subtask."""
    return spec.value_fields if spec.kind == "span" else spec.value_fields[0]


def check_task(task: str, spec: Spec) -> None:
    if task not in TASKS:
        raise BaselineError(f"unknown task {task!r}; tasks: {', '.join(TASKS)}")
    wants = {
        CLASSIFICATION: ("label", "score"),
        REGRESSION: ("number",),
        BOUNDARY: ("number",),
        SPANS: ("span",),
    }
    if spec.kind not in wants[task]:
        raise BaselineError(f"task {task!r} cannot produce the spec's {spec.kind} values")
    if task == BOUNDARY and spec.value_type != "integer":
        raise BaselineError('task "boundary" needs value_type "integer"')


def targets(task: str, spec: Spec, raw: list[Any], path: str) -> tuple[list[Any], tuple[str, ...]]:
    """Training targets in the task's type, and the class labels (classification only)."""
    if task == CLASSIFICATION:
        y = [str(v) for v in raw]
        labels = spec.labels or tuple(sorted(set(y)))
        unknown = sorted(set(y) - set(labels))
        if unknown:
            raise BaselineError(f"{path}: labels not in the spec: {', '.join(unknown[:5])}")
        return y, tuple(labels)
    if task == SPANS:
        bad = [n for n, v in enumerate(raw, 1) if not all(isinstance(x, str) for x in v)]
        if bad:
            raise BaselineError(f"{path}, row {bad[0]}: cause and effect must be strings")
        return [tuple(v) for v in raw], ()
    bad = [n for n, v in enumerate(raw, 1) if not isinstance(v, int | float) or isinstance(v, bool)]
    if bad:
        raise BaselineError(f"{path}, row {bad[0]}: the target must be a number")
    return ([int(v) for v in raw] if task == BOUNDARY else [float(v) for v in raw]), ()


class DevScorer:
    """Scores dev predictions with ``scorers``, exactly as the platform will score them."""

    def __init__(self, spec: Spec, gold: Path, row_ids: list[str | int], direction: str | None):
        self.spec = spec
        self.gold = gold
        self.row_ids = row_ids
        self.lower = direction == "lower" or (direction is None and spec.primary in LOWER_IS_BETTER)
        self._dir = tempfile.TemporaryDirectory(prefix="baselines-dev-")

    def write(self, values: list[Value], path: Path) -> Path:
        spec = self.spec
        return write_predictions(
            path,
            fmt=spec.format,
            id_field=spec.id_field,
            value_field=answer_columns(spec),
            row_ids=self.row_ids,
            values=values,
            separator=spec.separator,
        )

    def score(self, values: list[Value]) -> dict[str, float | None]:
        from scorers import score_files

        pred = self.write(values, Path(self._dir.name) / f"dev.{self.spec.format}")
        result = score_files(self.spec, self.gold, pred)
        if not result["ok"]:
            # Our own writer produced an invalid file: a bug here, not the organiser's problem.
            raise RuntimeError(
                f"dev predictions were refused by the scorer: {result['errors'][:3]}"
            )
        return result["scores"]["all"]["overall"]

    def primary(self, scores: dict[str, float | None]) -> float | None:
        return scores.get(self.spec.primary)

    def better(self, a: float | None, b: float | None) -> bool:
        """Is score ``a`` better than ``b`` (None is worse than anything)?"""
        if a is None:
            return False
        if b is None:
            return True
        return a < b if self.lower else a > b


@dataclass
class Job:
    spec: Spec
    task: str
    fields: tuple[str, ...]
    train: list[tuple[str, ...]]
    y: list[Any]
    dev: list[tuple[str, ...]]
    test: list[tuple[str, ...]]
    labels: tuple[str, ...]
    params: dict[str, Any]
    seed: int = 0
    model_path: Path | None = None
    progress: Progress = field(default=lambda event: None)
    dev_scorer: DevScorer | None = None

    def param(self, name: str, default: Any) -> Any:
        return self.params.get(name, default)

    def finalize(self, raw: np.ndarray) -> list[Value]:
        return finalize(self, raw)

    def dev_metric(self, raw_dev: np.ndarray) -> tuple[float | None, dict[str, float | None]]:
        """(primary, all overall scores) of raw dev predictions; (None, {}) without dev gold."""
        if self.dev_scorer is None:
            return None, {}
        scores = self.dev_scorer.score(finalize(self, raw_dev))
        return self.dev_scorer.primary(scores), scores


@dataclass
class Predictions:
    """Raw outputs: (n, classes) scores for classification, (n,) numbers or word indices, and
    (cause, effect) text pairs for spans."""

    dev: np.ndarray | list[tuple[str, str]] | None
    test: np.ndarray | list[tuple[str, str]]
    info: dict[str, Any] = field(default_factory=dict)


def finalize(job: Job, raw: np.ndarray | list[tuple[str, str]]) -> list[Value]:
    import numpy as np

    spec = job.spec
    if job.task == SPANS:
        return [tuple(pair) for pair in raw]
    raw = np.asarray(raw)  # only span methods return a list; the others' arrays pass unchanged
    if job.task == CLASSIFICATION:
        if spec.kind == "score":
            return [float(x) for x in _positive_score(job, raw)]
        return [job.labels[k] for k in np.asarray(raw).argmax(axis=1)]
    values = np.asarray(raw, dtype=np.float64)
    if spec.range is not None:
        values = np.clip(values, *spec.range)
    if spec.value_type == "integer":
        return [int(v) for v in np.rint(values)]
    return [float(v) for v in values]


def _positive_score(job: Job, raw: np.ndarray) -> np.ndarray:
    """The score of the positive (machine) class that ``auroc``/``tpr_at_fpr`` rank by."""
    params = job.spec.metrics[0].params
    for name, sign in (("positive", 1.0), ("negative", -1.0)):
        label = params.get(name)
        if label is not None:
            if label not in job.labels:
                raise BaselineError(f"the {name} label {label!r} never occurs in the training data")
            return sign * raw[:, job.labels.index(label)]
    raise BaselineError("score metrics need a positive or negative label")
