"""Every metric overall, per group of each group field, per partition, in one pass.

For label tasks the confusion matrices of all (partition, group) cells come from a single
``np.bincount`` per group field, so adding groups costs almost nothing; other kinds slice the
rows of each group once (a stable sort keeps gold order inside a group).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from scorers.bootstrap import bootstrap_ci
from scorers.compute import compute
from scorers.spec import Spec
from scorers.view import Dataset, View

PARTITIONS = ("public", "private")


def _partition_codes(spec: Spec, ds: Dataset) -> tuple[np.ndarray | None, list[str]]:
    """Per row, the index into the returned partition names (None: a single partition "all")."""
    if not spec.partition_field:
        return None, ["all"]
    factor = ds.columns[spec.partition_field]
    remap = np.array([PARTITIONS.index(v) for v in factor.values], dtype=np.int64)
    return (remap[factor.codes] if len(remap) else factor.codes), list(PARTITIONS)


def _confusions(ds: Dataset, cell: np.ndarray | None, cells: int) -> np.ndarray:
    """(cells, K, K) confusion matrices of the rows grouped by ``cell``."""
    k = len(ds.labels)
    flat = ds.y_true * k + ds.y_pred
    if cell is not None:
        flat = flat + cell * (k * k)
    return np.bincount(flat, minlength=cells * k * k).reshape(cells, k, k)


def _rows_of(codes: np.ndarray, n_codes: int) -> list[np.ndarray]:
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(codes, minlength=n_codes))))
    return [order[bounds[c] : bounds[c + 1]] for c in range(n_codes)]


class _LazyRows:
    """Row indexes of each cell, sorted out only if some metric asks for rows."""

    def __init__(self, cell: np.ndarray, n_cells: int):
        self.cell, self.n_cells = cell, n_cells
        self.rows: list[np.ndarray] | None = None

    def get(self, c: int) -> np.ndarray:
        if self.rows is None:
            self.rows = _rows_of(self.cell, self.n_cells)
        return self.rows[c]


def score_dataset(spec: Spec, ds: Dataset, with_ci: bool = True) -> dict[str, Any]:
    part, names = _partition_codes(spec, ds)
    label_kind = ds.kind == "label"
    roots: dict[str, View] = {}
    if part is None:
        roots["all"] = View(ds)
    else:
        part_rows = _rows_of(part, len(names))
        for p, name in enumerate(names):
            roots[name] = View(ds, part_rows[p])
        if label_kind:
            for p, conf in enumerate(_confusions(ds, part, len(names))):
                roots[names[p]].cache["confusion"] = conf
    result: dict[str, Any] = {
        name: {"overall": compute(spec, root), "groups": {}} for name, root in roots.items()
    }
    n_parts = len(names)
    for field in spec.group_fields:
        factor = ds.columns[field]
        n_groups = len(factor.values)
        cell = factor.codes if part is None else part * n_groups + factor.codes
        counts = np.bincount(cell, minlength=n_parts * n_groups)
        confs = _confusions(ds, cell, n_parts * n_groups) if label_kind else None
        rows = _LazyRows(cell, n_parts * n_groups)
        for p, name in enumerate(names):
            out = result[name]["groups"].setdefault(field, {})
            for g, group in enumerate(factor.values):
                c = p * n_groups + g
                if counts[c] == 0:
                    continue
                view = View(ds, root=roots[name], lazy=(int(counts[c]), partial(rows.get, c)))
                if confs is not None:
                    view.cache["confusion"] = confs[c]
                out[group] = compute(spec, view)
    if with_ci and spec.bootstrap:
        for name, root in roots.items():
            result[name]["ci"] = bootstrap_ci(spec, ds, root.idx, spec.bootstrap)
    return result
