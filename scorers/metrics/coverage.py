"""``items_covered``: how many items a submission answered (annotation tracks, FIGNEWS).

It counts the rows of the subset scored (a partition or a group), so with partial coverage
(``min_coverage``) it shows each team's coverage next to its agreement scores. Its kind "any"
lets it sit beside the metrics of every task.
"""

from __future__ import annotations

from typing import Any

from scorers.metrics import ANY_KIND, register
from scorers.view import View


@register("items_covered", ANY_KIND)
def items_covered(view: View, params: dict[str, Any], key: str) -> dict[str, float | None]:
    return {key: float(len(view))}
