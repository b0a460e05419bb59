"""The scoring spec: a JSON object that describes how one subtask is scored.

See docs/scorers.md for every key with an example per task. ``load_spec`` turns the dict into a
frozen :class:`Spec` or raises :class:`SpecError` naming the offending key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scorers import metrics
from scorers.errors import SpecError

FORMATS = ("jsonl", "csv", "tsv", "json", "txt")
VALUE_TYPES = ("label", "integer", "number", "spans")
KEYS = {
    "format", "separator", "id_field", "value_field", "gold_value_field", "value_type", "labels",
    "range", "metrics", "primary", "group_fields", "partition_field", "bootstrap", "text_field",
    "gold_format", "limits", "name", "description", "min_coverage",
}  # fmt: skip
ANY_KIND = metrics.ANY_KIND


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 1 << 30
    max_line_bytes: int = 1 << 20
    max_rows: int = 10_000_000


@dataclass(frozen=True)
class MetricSpec:
    name: str
    key: str
    kind: str
    params: dict[str, Any]
    # Gold columns this metric reads besides the value (RAID's domain and attack).
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Bootstrap:
    samples: int = 1000
    seed: int = 0
    confidence: float = 0.95


@dataclass(frozen=True)
class Spec:
    format: str
    separator: str
    id_field: str
    value_fields: tuple[str, ...]
    gold_value_fields: tuple[str, ...]
    value_type: str
    gold_kind: str  # "label", "number" or "spans": how gold values are read
    labels: tuple[str, ...] | None
    range: tuple[float, float] | None
    metrics: tuple[MetricSpec, ...]
    primary: str
    group_fields: tuple[str, ...]
    partition_field: str | None
    bootstrap: Bootstrap | None
    text_field: str | None
    gold_format: str | None
    limits: Limits
    # Partial coverage (annotation tracks): the share of the split's ids a submission must
    # answer; None means every id. Missing ids are then left out of the scoring.
    min_coverage: float | None = None

    @property
    def kind(self) -> str:
        """The dataset kind the metrics need ("label", "number", "score" or "span")."""
        return next(m.kind for m in self.metrics if m.kind != ANY_KIND)

    @property
    def gold_columns(self) -> tuple[str, ...]:
        """Extra gold columns to read and factorise (groups, partition, metric columns)."""
        cols = list(self.group_fields)
        if self.partition_field:
            cols.append(self.partition_field)
        for m in self.metrics:
            cols.extend(m.columns)
        return tuple(dict.fromkeys(cols))


def _field_list(raw: Any, key: str) -> tuple[str, ...]:
    if isinstance(raw, str) and raw:
        return (raw,)
    if isinstance(raw, list) and raw and all(isinstance(x, str) and x for x in raw):
        return tuple(raw)
    raise SpecError(f"{key} must be a column name or a list of column names")


def _metric(raw: Any, spec_labels: tuple[str, ...] | None) -> MetricSpec:
    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise SpecError('each metric must be a name or an object with a "name"')
    name = raw["name"]
    if name not in metrics.REGISTRY:
        known = ", ".join(sorted(metrics.REGISTRY))
        raise SpecError(f"unknown metric {name!r}; known metrics: {known}")
    mdef = metrics.get(name)
    params = {**mdef.defaults}
    for k, v in raw.items():
        if k in ("name", "key"):
            continue
        if k not in mdef.defaults:
            raise SpecError(f"metric {name!r} has no parameter {k!r}")
        params[k] = v
    if params.get("labels") == "spec" and not spec_labels:
        raise SpecError(f'metric {name!r}: labels "spec" needs the spec\'s "labels"')
    params["_spec_labels"] = list(spec_labels or ())
    try:
        if mdef.check:
            mdef.check(params)
    except ValueError as exc:
        raise SpecError(f"metric {name!r}: {exc}") from None
    key = raw.get("key", name)
    if not isinstance(key, str) or not key:
        raise SpecError(f"metric {name!r}: key must be a non-empty string")
    columns = tuple(params[p] for p in mdef.column_params if params.get(p))
    return MetricSpec(name, key, mdef.kind, params, columns)


def _bootstrap(raw: Any) -> Bootstrap | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"samples", "seed", "confidence"}:
        raise SpecError("bootstrap must be an object with samples, seed and confidence")
    b = Bootstrap(**raw)
    if not isinstance(b.samples, int) or not 10 <= b.samples <= 100_000:
        raise SpecError("bootstrap.samples must be an integer between 10 and 100000")
    if not isinstance(b.seed, int) or isinstance(b.seed, bool):
        raise SpecError("bootstrap.seed must be an integer")
    if not isinstance(b.confidence, float) or not 0 < b.confidence < 1:
        raise SpecError("bootstrap.confidence must be a number between 0 and 1")
    return b


def _limits(raw: Any) -> Limits:
    if raw is None:
        return Limits()
    if not isinstance(raw, dict) or set(raw) - {"max_bytes", "max_line_bytes", "max_rows"}:
        raise SpecError("limits may hold max_bytes, max_line_bytes and max_rows")
    if not all(isinstance(v, int) and v > 0 for v in raw.values()):
        raise SpecError("limits must be positive integers")
    return Limits(**raw)


def _value_type(raw: dict[str, Any], kind: str) -> str:
    vt = raw.get("value_type")
    if vt is None:
        vt = {"label": "label", "number": "number", "score": "number", "span": "spans"}[kind]
    if vt not in VALUE_TYPES:
        raise SpecError(f"value_type must be one of {', '.join(VALUE_TYPES)}")
    allowed = {"label": ("label",), "number": ("number", "integer"), "score": ("number", "integer")}
    if vt not in allowed.get(kind, ("spans",)):
        raise SpecError(f"value_type {vt!r} does not suit {kind} metrics")
    return vt


def load_spec(raw: dict[str, Any]) -> Spec:
    """Validate a spec dict; raise SpecError with a message naming the problem."""
    if not isinstance(raw, dict):
        raise SpecError("the spec must be a JSON object")
    unknown = set(raw) - KEYS
    if unknown:
        raise SpecError(f"unknown spec keys: {', '.join(sorted(unknown))}")
    fmt = raw.get("format")
    if fmt not in FORMATS:
        raise SpecError(f"format must be one of {', '.join(FORMATS)}")
    separator = raw.get("separator", "\t" if fmt == "tsv" else ",")
    if not isinstance(separator, str) or len(separator) != 1 or separator in '"\r\n':
        raise SpecError("separator must be one character (not a quote or a newline)")
    labels = raw.get("labels")
    if labels == []:
        labels = None  # an empty list means an open label set, as if absent
    if labels is not None:
        if not isinstance(labels, list) or not labels:
            raise SpecError("labels must be a non-empty list")
        if not all(isinstance(x, str | int) and not isinstance(x, bool) for x in labels):
            raise SpecError("labels must be strings or integers")
        labels = tuple(str(x) for x in labels)
        if len(set(labels)) != len(labels):
            raise SpecError("labels must be unique")
    raw_metrics = raw.get("metrics")
    if not isinstance(raw_metrics, list) or not raw_metrics:
        raise SpecError("metrics must be a non-empty list")
    mspecs = tuple(_metric(m, labels) for m in raw_metrics)
    kinds = {m.kind for m in mspecs} - {ANY_KIND}
    if len(kinds) > 1:
        raise SpecError(f"metrics mix value kinds ({', '.join(sorted(kinds))}); split the subtask")
    if not kinds:
        raise SpecError("metrics must include one that scores the values, not only counts")
    (kind,) = kinds
    keys = [m.key for m in mspecs]
    if len(set(keys)) != len(keys):
        raise SpecError('two metrics share a key; give one of them a "key"')
    primary = raw.get("primary", keys[0])
    if primary not in keys:
        raise SpecError(f"primary {primary!r} is not one of the metric keys: {', '.join(keys)}")
    value_type = _value_type(raw, kind)
    value_fields = _field_list(raw.get("value_field", "label"), "value_field")
    if (len(value_fields) == 2) != (value_type == "spans"):
        raise SpecError("value_field is a list of two columns (cause, effect) exactly for spans")
    gold_value_fields = _field_list(
        raw.get("gold_value_field", list(value_fields)), "gold_value_field"
    )
    if len(gold_value_fields) != len(value_fields):
        raise SpecError("gold_value_field must have as many columns as value_field")
    text_field = raw.get("text_field")
    if (text_field is not None) != (value_type == "spans"):
        raise SpecError(
            "text_field (the gold column with the sentence) is needed exactly for spans"
        )
    rng = raw.get("range")
    if rng is not None:
        ok = isinstance(rng, list) and len(rng) == 2
        ok = ok and all(isinstance(x, int | float) and math.isfinite(x) for x in rng)
        if not ok or rng[0] > rng[1] or value_type not in ("number", "integer"):
            raise SpecError("range must be [min, max] with min <= max, for numeric values")
        rng = (float(rng[0]), float(rng[1]))
    id_field = raw.get("id_field", "id")
    groups = raw.get("group_fields", [])
    if not isinstance(groups, list) or not all(isinstance(g, str) and g for g in groups):
        raise SpecError("group_fields must be a list of column names")
    partition = raw.get("partition_field")
    if partition is not None and (not isinstance(partition, str) or not partition):
        raise SpecError("partition_field must be a column name")
    gold_format = raw.get("gold_format")
    if gold_format not in (None, "jsonl", "csv", "tsv"):
        raise SpecError("gold_format must be jsonl, csv or tsv")
    if not isinstance(id_field, str) or not id_field:
        raise SpecError("id_field must be a column name")
    return Spec(
        format=fmt,
        separator=separator,
        id_field=id_field,
        value_fields=value_fields,
        gold_value_fields=gold_value_fields,
        value_type=value_type,
        gold_kind={"label": "label", "number": "number", "score": "label", "span": "spans"}[kind],
        labels=labels,
        range=rng,
        metrics=mspecs,
        primary=primary,
        group_fields=tuple(groups),
        partition_field=partition,
        bootstrap=_bootstrap(raw.get("bootstrap")),
        text_field=text_field,
        gold_format=gold_format,
        limits=_limits(raw.get("limits")),
        min_coverage=_min_coverage(raw.get("min_coverage"), fmt),
    )


def _min_coverage(raw: Any, fmt: str) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 < raw <= 1:
        raise SpecError("min_coverage must be a number above 0 and at most 1")
    if fmt == "txt":
        raise SpecError("min_coverage needs ids: a positional txt file must answer every input")
    return float(raw)
