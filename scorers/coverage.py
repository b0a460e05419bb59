"""Partial coverage: annotation tracks (FIGNEWS) where a team labels only a subset of the items.

With ``min_coverage`` in the spec, ids without a prediction are allowed as long as the share of
answered ids reaches the minimum; the answered rows are then scored as if they were the whole
split (every metric, group and partition sees only them), and ``items_covered`` reports how many
there were. Unknown and duplicate ids are refused as always. The messages count ids of the whole
split, never per partition, so they reveal nothing about which ids are private.
"""

from __future__ import annotations

import math
from typing import Any

from scorers.gold import Gold


def needed(min_coverage: float, total: int) -> int:
    """How many ids of a split of ``total`` a submission must answer (at least one)."""
    # The small tolerance keeps 0.3 * 10 from needing 4 because of binary rounding.
    return max(1, math.ceil(min_coverage * total - 1e-9))


def shortfall(min_coverage: float, covered: int, total: int) -> str | None:
    """The participant's message when too few ids are answered, else None."""
    want = needed(min_coverage, total)
    if covered >= want:
        return None
    return (
        f"{covered} of the {total} ids of this split have a prediction; this subtask scores "
        f"submissions that cover at least {want} ({min_coverage:.0%})"
    )


def covered_only(gold: Gold, aligned: list[Any], answered: list[bool]) -> tuple[Gold, list[Any]]:
    """Gold and predictions restricted to the answered rows, in gold order."""
    rows = [i for i, ok in enumerate(answered) if ok]
    subset = Gold(
        ids=[gold.ids[i] for i in rows],
        lines=[gold.lines[i] for i in rows],
        values=[gold.values[i] for i in rows],
        columns={c: [v[i] for i in rows] for c, v in gold.columns.items()},
        texts=None if gold.texts is None else [gold.texts[i] for i in rows],
    )
    return subset, [aligned[i] for i in rows]
