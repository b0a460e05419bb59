"""Metric registry: a metric registers under a name, a spec names it.

Each metric is a function ``fn(view, params, key) -> {output_key: value}``: usually one entry
(``{key: value}``), more when it reports per-class values (``f1[machine]``). A value is a float or
None when the metric is undefined on that subset (Pearson on one row, AUROC with one class).
Adding a metric touches one module of this package and its test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scorers.view import View

# The kind of metrics that count rows instead of scoring values (items_covered): any task may
# list them beside its own metrics.
ANY_KIND = "any"

MetricFn = Callable[[View, dict[str, Any], str], dict[str, float | None]]


@dataclass(frozen=True)
class MetricDef:
    name: str
    # "label": gold and predicted labels; "number": gold and predicted numbers;
    # "score": gold labels, predicted real-valued scores; "span": cause/effect spans.
    kind: str
    fn: MetricFn
    defaults: dict[str, Any] = field(default_factory=dict)
    # Validates and completes the parameters; raises ValueError with a message for the organiser.
    check: Callable[[dict[str, Any]], None] | None = None
    # Gold columns the metric reads (parameter names whose values are column names).
    column_params: tuple[str, ...] = ()


REGISTRY: dict[str, MetricDef] = {}


def register(
    name: str,
    kind: str,
    defaults: dict[str, Any] | None = None,
    check: Callable[[dict[str, Any]], None] | None = None,
    column_params: tuple[str, ...] = (),
) -> Callable[[MetricFn], MetricFn]:
    def wrap(fn: MetricFn) -> MetricFn:
        REGISTRY[name] = MetricDef(name, kind, fn, dict(defaults or {}), check, column_params)
        return fn

    return wrap


def get(name: str) -> MetricDef:
    return REGISTRY[name]


def as_float(value: Any) -> float | None:
    """Plain Python float for JSON output; NaN (undefined) becomes None."""
    if value is None:
        return None
    value = float(value)
    return None if value != value else value


# Importing the modules fills the registry.
from scorers.metrics import classification, coverage, ranking, regression, spans  # noqa: E402, F401
