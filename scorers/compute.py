"""Every metric a spec asks for, on one view of the rows: the unit that breakdowns and bootstrap
resampling both repeat (kept apart from both, so neither imports the other to get it)."""

from __future__ import annotations

from scorers import metrics
from scorers.spec import Spec
from scorers.view import View


def compute(spec: Spec, view: View) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for m in spec.metrics:
        out.update(metrics.get(m.name).fn(view, m.params, m.key))
    return out
