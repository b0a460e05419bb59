"""The three ways a transformer baseline predicts: a class, a number, a boundary.

A head names the ``transformers`` auto class to load, turns training targets into model labels,
computes the loss (in fp32, also under bf16 autocast) and decodes model outputs into the raw
arrays ``baselines.task.finalize`` expects.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from baselines.changepoint import change_point
from baselines.transformer.data import IGNORE, Encoded


class ClassificationHead:
    token_level = False

    def __init__(self, labels: tuple[str, ...]):
        self.labels = labels
        self.num_labels = len(labels)
        self.problem_type = "single_label_classification"

    def targets(self, y: list[Any], enc: Encoded) -> list[Any]:
        return [self.labels.index(v) for v in y]

    def loss(self, logits: Any, labels: Any) -> Any:
        import torch.nn.functional as F

        return F.cross_entropy(logits.float(), labels)

    def decode(self, rows: list[np.ndarray], enc: Encoded) -> np.ndarray:
        logits = np.stack(rows)
        logits = logits - logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        return probs / probs.sum(axis=1, keepdims=True)


class RegressionHead:
    """Targets are standardised so one learning rate suits 0-5 scores and 0-100 ratings alike."""

    token_level = False
    num_labels = 1
    problem_type = "regression"

    def __init__(self, y: list[float]):
        values = np.asarray(y, dtype=np.float64)
        self.mean = float(values.mean())
        self.std = float(values.std()) or 1.0

    def targets(self, y: list[Any], enc: Encoded) -> list[Any]:
        return [(float(v) - self.mean) / self.std for v in y]

    def loss(self, logits: Any, labels: Any) -> Any:
        import torch.nn.functional as F

        return F.mse_loss(logits.float()[:, 0], labels.float())

    def decode(self, rows: list[np.ndarray], enc: Encoded) -> np.ndarray:
        return np.stack(rows)[:, 0] * self.std + self.mean


class BoundaryHead:
    """Token classification: each word is human (0) or machine (1); one boundary per text."""

    token_level = True
    num_labels = 2
    problem_type = None

    def targets(self, y: list[Any], enc: Encoded) -> list[Any]:
        assert enc.word_starts is not None
        out = []
        for boundary, feats, starts in zip(y, enc.features, enc.word_starts, strict=True):
            labels = [IGNORE] * len(feats["input_ids"])
            for word, pos in enumerate(starts):
                labels[pos] = int(word >= boundary)
            out.append(labels)
        return out

    def loss(self, logits: Any, labels: Any) -> Any:
        import torch.nn.functional as F

        return F.cross_entropy(logits.float().flatten(0, 1), labels.flatten(), ignore_index=IGNORE)

    def decode(self, rows: list[np.ndarray], enc: Encoded) -> np.ndarray:
        assert enc.word_starts is not None
        return np.array([change_point(r[s]) for r, s in zip(rows, enc.word_starts, strict=True)])
