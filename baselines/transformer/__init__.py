"""Transformer fine-tuning baselines: sequence classification, regression, token classification.

Parameters (``params``) are the fields of :class:`baselines.transformer.loop.TrainConfig`
(epochs, max_steps, batch_size, grad_accum, lr, max_length, eval_every, patience, device, ...)
plus ``save_model`` (a folder to save the fine-tuned model and tokenizer to).
"""

from __future__ import annotations

import time
from typing import Any

from baselines.registry import BOUNDARY, CLASSIFICATION
from baselines.task import Job, Predictions


def _head(job: Job) -> Any:
    from baselines.transformer.heads import BoundaryHead, ClassificationHead, RegressionHead

    if job.task == CLASSIFICATION:
        return ClassificationHead(job.labels)
    if job.task == BOUNDARY:
        return BoundaryHead()
    return RegressionHead(job.y)


def _load(job: Job, head: Any) -> tuple[Any, Any]:
    from transformers import (
        AutoModelForSequenceClassification,
        AutoModelForTokenClassification,
        AutoTokenizer,
    )

    from baselines.models import quiet_transformers, resolve_model_path

    path = resolve_model_path(job.model_path)
    quiet_transformers()
    auto = (
        AutoModelForTokenClassification if head.token_level else AutoModelForSequenceClassification
    )
    kwargs: dict[str, Any] = {"num_labels": head.num_labels, "local_files_only": True}
    if head.problem_type:
        kwargs["problem_type"] = head.problem_type
    model = auto.from_pretrained(path, **kwargs)
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    return model, tokenizer


def fit_predict(job: Job, method: str = "transformer") -> Predictions:
    from baselines.models import offline

    offline()
    from baselines.torch_setup import device_name, pick_device, seed_everything, torch_threads
    from baselines.transformer.data import encode, encode_words
    from baselines.transformer.loop import TrainConfig, predict, train

    cfg = TrainConfig.from_params(job.params)
    torch_threads(cfg.threads)
    seed_everything(job.seed)
    device = pick_device(cfg.device)
    head = _head(job)
    job.progress({"stage": "load", "device": device_name(device), "task": job.task})
    model, tokenizer = _load(job, head)
    model.to(device)
    pad_id = tokenizer.pad_token_id or 0
    encoder = encode_words if head.token_level else encode
    train_enc, dev_enc, test_enc = (
        encoder(tokenizer, rows, cfg.max_length) for rows in (job.train, job.dev, job.test)
    )

    def evaluate() -> tuple[float | None, dict[str, Any]]:
        return job.dev_metric(predict(model, head, dev_enc, cfg, device, pad_id))

    has_dev = job.dev_scorer is not None and bool(job.dev)
    stats = train(
        model,
        head,
        train_enc,
        head.targets(job.y, train_enc),
        cfg,
        device,
        seed=job.seed,
        pad_id=pad_id,
        progress=job.progress,
        evaluate=evaluate if has_dev else None,
        better=job.dev_scorer.better if job.dev_scorer else (lambda a, b: False),
    )
    job.progress({"stage": "predict", "rows": len(job.dev) + len(job.test)})
    start = time.perf_counter()
    dev = predict(model, head, dev_enc, cfg, device, pad_id) if job.dev else None
    test = predict(model, head, test_enc, cfg, device, pad_id)
    predict_seconds = time.perf_counter() - start
    if job.params.get("save_model"):
        model.save_pretrained(job.params["save_model"])
        tokenizer.save_pretrained(job.params["save_model"])
    info = {
        "device": device_name(device),
        "steps": stats.steps,
        "best_step": stats.best_step,
        "stopped_early": stats.stopped_early,
        "train_samples_per_s": stats.train_samples / max(stats.train_seconds, 1e-9),
        "predict_samples_per_s": (len(job.dev) + len(job.test)) / max(predict_seconds, 1e-9),
    }
    if device.type == "cuda":
        import torch

        info["peak_gpu_memory_mb"] = torch.cuda.max_memory_allocated(device) / 2**20
    return Predictions(dev, test, info)
