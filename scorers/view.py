"""Aligned scoring data and views on subsets of it (a partition, a group, a bootstrap sample).

After validation every submission becomes a :class:`Dataset`: gold and predicted values as numpy
arrays in gold order, plus the gold's extra columns factorised into integer codes. Metrics only
ever see a :class:`View`, which slices lazily and caches what several metrics share (the
confusion matrix), so computing ten metrics costs one pass over the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

KINDS = ("label", "number", "score", "span")


@dataclass
class Factor:
    """A categorical column: integer codes into ``values``."""

    codes: np.ndarray
    values: list[str]


@dataclass
class Dataset:
    """Gold and predictions aligned row by row (gold order).

    kind "label": y_true and y_pred are codes into ``labels``.
    kind "number": both are float64.
    kind "score": y_true are codes into ``labels``, y_pred float64 scores.
    kind "span": y_true/y_pred are unused row numbers; ``extra`` holds per-row token confusion
    matrices ("span_conf", shape (n, 3, 3)) and exact-match flags ("span_exact").
    """

    kind: str
    y_true: np.ndarray
    y_pred: np.ndarray
    labels: list[str] = field(default_factory=list)
    columns: dict[str, Factor] = field(default_factory=dict)
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.y_true)


class View:
    """Rows ``idx`` of a dataset (all rows when idx is None).

    ``root`` is the partition-level view: metrics that calibrate on the whole partition (RAID's
    per-domain thresholds) compute that once on the root and apply it to every group.
    """

    def __init__(
        self,
        data: Dataset,
        idx: np.ndarray | None = None,
        root: View | None = None,
        *,
        lazy: tuple[int, Callable[[], np.ndarray]] | None = None,
    ):
        # ``lazy`` is (length, factory): the row indexes are only built if a metric needs the
        # rows themselves; label metrics on a preset confusion matrix never do.
        self.data = data
        self._idx = idx
        self._lazy = lazy
        self.root = root if root is not None else self
        self.cache: dict[str, Any] = {}

    @property
    def idx(self) -> np.ndarray | None:
        if self._lazy is not None:
            self._idx = self._lazy[1]()
            self._lazy = None
        return self._idx

    def __len__(self) -> int:
        if self._lazy is not None:
            return self._lazy[0]
        return len(self.data) if self._idx is None else len(self._idx)

    def _take(self, arr: np.ndarray) -> np.ndarray:
        return arr if self.idx is None else arr[self.idx]

    @property
    def y_true(self) -> np.ndarray:
        if "y_true" not in self.cache:
            self.cache["y_true"] = self._take(self.data.y_true)
        return self.cache["y_true"]

    @property
    def y_pred(self) -> np.ndarray:
        if "y_pred" not in self.cache:
            self.cache["y_pred"] = self._take(self.data.y_pred)
        return self.cache["y_pred"]

    def column(self, name: str) -> tuple[np.ndarray, list[str]]:
        factor = self.data.columns[name]
        key = "col:" + name
        if key not in self.cache:
            self.cache[key] = self._take(factor.codes)
        return self.cache[key], factor.values

    def extra(self, name: str) -> np.ndarray:
        key = "extra:" + name
        if key not in self.cache:
            self.cache[key] = self._take(self.data.extra[name])
        return self.cache[key]

    @property
    def confusion(self) -> np.ndarray:
        """K x K counts, rows gold, columns predicted (label datasets only)."""
        if "confusion" not in self.cache:
            k = len(self.data.labels)
            flat = self.y_true.astype(np.int64) * k + self.y_pred
            self.cache["confusion"] = np.bincount(flat, minlength=k * k).reshape(k, k)
        return self.cache["confusion"]

    def label_code(self, label: str) -> int | None:
        try:
            return self.data.labels.index(label)
        except ValueError:
            return None
