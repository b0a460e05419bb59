"""``baselines.run``: the one entry point the CLI and the platform's gpu-queue job call."""

from __future__ import annotations

import importlib
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from baselines import files
from baselines.errors import BaselineError
from baselines.registry import get_method
from baselines.task import (
    DevScorer,
    Job,
    Progress,
    answer_columns,
    check_task,
    finalize,
    infer_task,
    targets,
)

PathLike = str | Path


@dataclass
class RunResult:
    method: str
    task: str
    out_path: Path
    dev_out_path: Path | None
    primary: str
    dev_primary: float | None  # the spec's primary metric on dev (None without dev gold)
    dev_scores: dict[str, float | None] | None
    seconds: float
    device: str
    rows: dict[str, int]
    info: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["out_path"] = str(self.out_path)
        out["dev_out_path"] = str(self.dev_out_path) if self.dev_out_path else None
        return out


def _load_spec(spec: dict[str, Any]) -> tuple[Any, Any]:
    """(submission spec, dev spec): dev gold is never split into public and private rows."""
    from scorers import SpecError, load_spec

    try:
        dev_raw = {k: v for k, v in spec.items() if k != "partition_field"}
        return load_spec(spec), load_spec(dev_raw)
    except SpecError as exc:
        raise BaselineError(f"bad spec: {exc}") from None


def _row_ids(rows: list[dict[str, Any]], spec: Any, path: PathLike) -> list[Any]:
    # Positional txt submissions carry no ids, so inputs without them are fine there.
    if spec.format == "txt" and any(spec.id_field not in r for r in rows):
        return list(range(len(rows)))
    return files.ids(rows, spec.id_field, path)


def _dev_scorer(
    spec: Any,
    dev_rows: list[dict[str, Any]],
    dev_ids: list[Any],
    dev_gold: PathLike | None,
    tmp: Path,
    direction: str | None,
) -> DevScorer | None:
    from scorers import GoldError, check_gold

    if dev_gold is None:
        value = spec.gold_value_fields[0]
        if not all(value in r for r in dev_rows):
            return None
        # A dev file that carries its labels is its own gold.
        fields = [spec.id_field, value, *spec.gold_columns]
        dev_gold = files.write_gold(tmp / "dev.gold.jsonl", dev_rows, fields)
    try:
        errors = check_gold(spec, dev_gold)
    except GoldError as exc:
        errors = exc.errors
    if errors:
        raise BaselineError(f"bad dev gold {dev_gold}: {errors[0]}")
    return DevScorer(spec, Path(dev_gold), dev_ids, direction)


def _write(spec: Any, path: PathLike, row_ids: list[Any], values: list[Any]) -> Path:
    return files.write_predictions(
        path,
        fmt=spec.format,
        id_field=spec.id_field,
        value_field=answer_columns(spec),
        row_ids=row_ids,
        values=values,
        separator=spec.separator,
    )


def run(
    *,
    method: str,
    spec: dict[str, Any],
    train: PathLike,
    test: PathLike,
    out: PathLike,
    dev: PathLike | None = None,
    dev_gold: PathLike | None = None,
    dev_out: PathLike | None = None,
    model: PathLike | None = None,
    seed: int = 0,
    params: dict[str, Any] | None = None,
    progress: Progress | None = None,
    text_fields: Sequence[str] = ("text",),
    task: str | None = None,
) -> RunResult:
    """Train ``method`` on ``train``, write test predictions to ``out`` in the spec's submission
    format (and dev predictions to ``dev_out``), and score dev with ``scorers``.

    ``spec`` is the scorer spec of the subtask; ``params`` holds method parameters (see
    docs/baselines.md) plus ``direction`` ("higher"/"lower") when the primary metric's direction
    cannot be guessed from its name. Raises BaselineError for bad input.
    """
    start = time.perf_counter()
    params = dict(params or {})
    emit: Progress = progress or (lambda event: None)
    meth = get_method(method)
    sub_spec, dev_spec = _load_spec(spec)
    fields = tuple(text_fields)
    train_rows = files.read_jsonl(train)
    train_texts = files.texts(train_rows, fields, train)
    # Training rows carry the answer under the gold's column names (RAID: the model, not a score).
    answers = [files.column(train_rows, f, train) for f in sub_spec.gold_value_fields]
    raw_y = answers[0] if len(answers) == 1 else list(zip(*answers, strict=True))
    task = task or infer_task(sub_spec, fields, raw_y, train_texts)
    check_task(task, sub_spec)
    if task not in meth.tasks:
        raise BaselineError(
            f"method {method!r} does not do {task} (it does {', '.join(meth.tasks)})"
        )
    y, labels = targets(task, sub_spec, raw_y, str(train))
    dev_rows = files.read_jsonl(dev) if dev is not None else []
    test_rows = files.read_jsonl(test)
    dev_ids = _row_ids(dev_rows, sub_spec, dev) if dev is not None else []
    test_ids = _row_ids(test_rows, sub_spec, test)
    with tempfile.TemporaryDirectory(prefix="baselines-") as tmp:
        scorer = None
        if dev_rows:
            scorer = _dev_scorer(
                dev_spec, dev_rows, dev_ids, dev_gold, Path(tmp), params.get("direction")
            )
        job = Job(
            spec=sub_spec,
            task=task,
            fields=fields,
            train=train_texts,
            y=y,
            dev=files.texts(dev_rows, fields, dev) if dev_rows and dev is not None else [],
            test=files.texts(test_rows, fields, test),
            labels=labels,
            params=params,
            seed=seed,
            model_path=Path(model) if model else None,
            progress=emit,
            dev_scorer=scorer,
        )
        module = importlib.import_module(meth.module)
        preds = module.fit_predict(job, method)
        out_path = _write(sub_spec, out, test_ids, finalize(job, preds.test))
        dev_out_path, dev_scores, dev_primary = None, None, None
        if preds.dev is not None:
            dev_values = finalize(job, preds.dev)
            if dev_out is not None:
                dev_out_path = _write(sub_spec, dev_out, dev_ids, dev_values)
            if scorer is not None:
                dev_scores = scorer.score(dev_values)
                dev_primary = scorer.primary(dev_scores)
    result = RunResult(
        method=method,
        task=task,
        out_path=out_path,
        dev_out_path=dev_out_path,
        primary=sub_spec.primary,
        dev_primary=dev_primary,
        dev_scores=dev_scores,
        seconds=time.perf_counter() - start,
        device=preds.info.pop("device", "cpu"),
        rows={"train": len(train_rows), "dev": len(dev_rows), "test": len(test_rows)},
        info=preds.info,
    )
    emit({"stage": "done", "dev_metric": dev_primary, "seconds": result.seconds})
    return result
