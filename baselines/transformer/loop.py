"""The fine-tuning loop: AdamW, warm-up then linear decay, gradient accumulation, bf16 autocast
on CUDA, periodic dev evaluation with early stopping, and progress events for the platform.

The same code runs on CPU (fp32), so the tests exercise exactly what the GPU workers run.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from baselines.errors import BaselineError
from baselines.torch_setup import autocast
from baselines.transformer.data import Encoded, collate, eval_batches, train_batches

Progress = Callable[[dict[str, Any]], None]
# Returns (primary dev metric or None, all dev scores); ``better(a, b)`` compares primaries.
Evaluate = Callable[[], tuple[float | None, dict[str, Any]]]


@dataclass
class TrainConfig:
    epochs: int = 3
    max_steps: int | None = None  # optimiser steps; overrides epochs when set
    batch_size: int = 16
    eval_batch_size: int = 64
    grad_accum: int = 1
    lr: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    max_length: int = 256
    eval_every: int | None = None  # optimiser steps; default: once per epoch
    patience: int = 2  # evaluations without improvement before stopping
    log_every: int = 10
    clip_norm: float = 1.0
    bf16: bool = True  # only takes effect on CUDA
    device: str = "auto"
    threads: int | None = None

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> TrainConfig:
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(params) - set(known) - {"direction", "save_model"})
        if unknown:
            raise BaselineError(f"unknown transformer parameters: {', '.join(unknown)}")
        cfg = cls(**{k: v for k, v in params.items() if k in known})
        if cfg.batch_size < 1 or cfg.grad_accum < 1 or cfg.max_length < 8:
            raise BaselineError("batch_size and grad_accum must be >= 1, max_length >= 8")
        return cfg


@dataclass
class TrainStats:
    steps: int = 0
    best_step: int | None = None
    best_metric: float | None = None
    stopped_early: bool = False
    train_samples: int = 0
    train_seconds: float = 0.0


def _optimizer(model: Any, cfg: TrainConfig, total_steps: int) -> tuple[Any, Any]:
    import torch

    # The usual BERT recipe: no weight decay on biases and LayerNorm weights.
    decay: list[Any] = []
    no_decay: list[Any] = []
    for name, p in model.named_parameters():
        if p.requires_grad:
            (no_decay if p.ndim < 2 or "LayerNorm" in name else decay).append(p)
    groups = [
        {"params": decay, "weight_decay": cfg.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=cfg.lr)
    warmup = max(1, int(cfg.warmup_ratio * total_steps))

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    return opt, torch.optim.lr_scheduler.LambdaLR(opt, factor)


def train(
    model: Any,
    head: Any,
    enc: Encoded,
    targets: list[Any],
    cfg: TrainConfig,
    device: Any,
    *,
    seed: int,
    pad_id: int,
    progress: Progress,
    evaluate: Evaluate | None,
    better: Callable[[float | None, float | None], bool],
) -> TrainStats:
    import torch

    gen = torch.Generator().manual_seed(seed)
    n_batches = math.ceil(len(targets) / cfg.batch_size)
    steps_per_epoch = max(1, math.ceil(n_batches / cfg.grad_accum))
    total = cfg.max_steps or cfg.epochs * steps_per_epoch
    eval_every = cfg.eval_every or steps_per_epoch
    opt, sched = _optimizer(model, cfg, total)
    stats, best_state, bad, window = TrainStats(), None, 0, []
    start = time.perf_counter()
    model.train()
    epoch = 0
    while stats.steps < total and not stats.stopped_early:
        epoch += 1
        batches = train_batches(enc.lengths, cfg.batch_size, gen)
        for i, idx in enumerate(batches):
            batch = collate([enc.features[j] for j in idx], pad_id, [targets[j] for j in idx])
            labels = batch.pop("labels").to(device)
            batch = {k: v.to(device) for k, v in batch.items()}
            with autocast(device, cfg.bf16):
                logits = model(**batch).logits
            loss = head.loss(logits, labels) / cfg.grad_accum
            loss.backward()
            window.append(loss.item() * cfg.grad_accum)
            stats.train_samples += len(idx)
            if (i + 1) % cfg.grad_accum and i + 1 < len(batches):
                continue
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.clip_norm)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            stats.steps += 1
            last = stats.steps >= total
            if stats.steps % cfg.log_every == 0 or last:
                progress(
                    {
                        "stage": "train",
                        "step": stats.steps,
                        "total_steps": total,
                        "epoch": epoch,
                        "loss": float(np.mean(window)),
                        "lr": sched.get_last_lr()[0],
                    }
                )
                window = []
            if evaluate is not None and (stats.steps % eval_every == 0 or last):
                stats.train_seconds += time.perf_counter() - start
                metric, scores = evaluate()
                model.train()
                start = time.perf_counter()
                progress(
                    {
                        "stage": "eval",
                        "step": stats.steps,
                        "total_steps": total,
                        "epoch": epoch,
                        "dev_metric": metric,
                        "dev_scores": scores,
                    }
                )
                if better(metric, stats.best_metric) or stats.best_step is None:
                    stats.best_metric, stats.best_step, bad = metric, stats.steps, 0
                    # Kept on the CPU: the best weights must not double GPU memory.
                    best_state = {
                        k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()
                    }
                else:
                    bad += 1
                    stats.stopped_early = bad >= cfg.patience
            if last or stats.stopped_early:
                break
    stats.train_seconds += time.perf_counter() - start
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return stats


def predict(
    model: Any, head: Any, enc: Encoded, cfg: TrainConfig, device: Any, pad_id: int
) -> np.ndarray:
    import torch

    rows: list[Any] = [None] * len(enc.features)
    model.eval()
    with torch.inference_mode():
        for idx in eval_batches(enc.lengths, cfg.eval_batch_size):
            batch = collate([enc.features[j] for j in idx], pad_id)
            batch = {k: v.to(device) for k, v in batch.items()}
            with autocast(device, cfg.bf16):
                logits = model(**batch).logits
            logits = logits.float().cpu().numpy()  # one device-to-host copy per batch
            for j, row in zip(idx, logits, strict=True):
                rows[j] = row
    return head.decode(rows, enc)
