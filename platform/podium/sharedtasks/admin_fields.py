"""Form fields for a subtask's list settings, so organisers type lines instead of JSON.

- Labels: one per line (or separated by commas).
- Group fields: column names separated by commas.
- Metrics: one per line, `name` or `name: param=value, param=value`, e.g.
  `tpr_at_fpr: fpr=0.05, domain_field=domain`. A value is read as JSON when it is a number,
  true/false/null or a quoted string, else as plain text. `key=...` names the column when one
  metric is used twice. The help lists every metric the scorers register, with its parameters.

The field only turns text into the stored lists; whether the whole configuration is scoreable is
decided by the scorers' own spec loader (SubtaskForm.clean).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join

from scorers import metrics as metric_registry

_KIND_TITLES = {
    "label": "labels",
    "number": "numbers",
    "score": "scores for a label",
    "span": "spans",
}


def _json_list(text: str) -> list | None:
    """A JSON list, as the stored value reads (pasted from a task file or an old form)."""
    if not text.strip().startswith("["):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, list) else None


def _split(text: str, *, lines_too: bool) -> list[str]:
    if (pasted := _json_list(text)) is not None:
        return [str(item) for item in pasted]
    parts = text.replace("\r", "\n").split("\n") if lines_too else [text]
    items = [item.strip() for part in parts for item in part.split(",")]
    return [item for item in items if item]


class ListField(forms.CharField):
    """A list of strings typed one per line or separated by commas; duplicates are refused."""

    def __init__(self, *, lines: bool, **kwargs):
        self.lines = lines
        widget = forms.Textarea(attrs={"rows": 4, "cols": 40}) if lines else forms.TextInput
        kwargs.setdefault("required", False)
        super().__init__(widget=widget, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return ("\n" if self.lines else ", ").join(str(item) for item in value)
        return value

    def to_python(self, value) -> list[str]:
        if isinstance(value, list):
            return [str(item) for item in value]
        items = _split(super().to_python(value) or "", lines_too=self.lines)
        seen: set[str] = set()
        for item in items:
            if item in seen:
                raise forms.ValidationError(f"{item!r} is listed twice.", code="duplicate")
            seen.add(item)
        return items

    def has_changed(self, initial, data) -> bool:
        return (initial or []) != self.to_python(data)


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            if value and not set(",=:\n") & set(value) and value == value.strip():
                return value
        return json.dumps(value)
    return json.dumps(value)


def metrics_text(metrics: list) -> str:
    """The stored metrics list as the lines the field shows."""
    lines = []
    for metric in metrics or []:
        if isinstance(metric, str):
            lines.append(metric)
            continue
        params = {k: v for k, v in metric.items() if k != "name"}
        if not params:
            lines.append(str(metric.get("name", "")))
            continue
        # In the registry's parameter order, key last: PostgreSQL's jsonb does not keep the
        # order the organiser typed, and the same metric should read the same on every database.
        definition = metric_registry.REGISTRY.get(str(metric.get("name", "")))
        order = list(definition.defaults) if definition else []
        ranked = sorted(
            params,
            key=lambda k: (k == "key", order.index(k) if k in order else len(order), k),
        )
        rendered = ", ".join(f"{k}={_value_text(params[k])}" for k in ranked)
        lines.append(f"{metric.get('name', '')}: {rendered}")
    return "\n".join(lines)


def _parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_metric_line(line: str, number: int) -> str | dict[str, Any]:
    name, _, rest = line.partition(":")
    name = name.strip()
    if not name or " " in name:
        raise forms.ValidationError(
            f"line {number}: start with a metric name, e.g. 'macro_f1' or 'tpr_at_fpr: fpr=0.05'."
        )
    if not rest.strip():
        return name
    metric: dict[str, Any] = {"name": name}
    for part in rest.split(","):
        key, equals, value = part.partition("=")
        if not equals or not key.strip():
            raise forms.ValidationError(
                f"line {number}: write each parameter as name=value ({part.strip()!r} is not)."
            )
        metric[key.strip()] = _parse_value(value.strip())
    return metric


class MetricsWidget(forms.Textarea):
    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 4, "cols": 60, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, list):
            return metrics_text(value)
        return super().format_value(value)


class MetricsField(forms.Field):
    widget = MetricsWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", metric_catalogue())
        super().__init__(**kwargs)

    def to_python(self, value) -> list:
        if isinstance(value, list):
            return value
        if (pasted := _json_list(value or "")) is not None:
            return pasted  # the scorers' spec loader checks each entry
        lines = [line.strip() for line in (value or "").replace("\r", "\n").split("\n")]
        parsed = [parse_metric_line(line, n) for n, line in enumerate(lines, 1) if line]
        if not parsed:
            raise forms.ValidationError("Name at least one metric.", code="required")
        return parsed

    def has_changed(self, initial, data) -> bool:
        try:
            return (initial or []) != self.to_python(data)
        except forms.ValidationError:
            return True


def metric_catalogue() -> str:
    """HTML help: every registered metric, grouped by what it compares, with its parameters."""
    by_kind: dict[str, list] = {}
    for name in sorted(metric_registry.REGISTRY):
        definition = metric_registry.REGISTRY[name]
        by_kind.setdefault(definition.kind, []).append(definition)
    rows = []
    for kind, definitions in by_kind.items():
        entries = format_html_join(
            ", ",
            "<code>{}</code>{}",
            (
                (
                    d.name,
                    format_html(
                        " ({})",
                        ", ".join(f"{k}={_value_text(v)}" for k, v in d.defaults.items()),
                    )
                    if d.defaults
                    else "",
                )
                for d in definitions
            ),
        )
        rows.append(format_html("<li>On {}: {}</li>", _KIND_TITLES.get(kind, kind), entries))
    return format_html(
        "One metric per line: <code>name</code> or <code>name: parameter=value, ...</code>; "
        "parameters shown with their defaults. Metrics on one subtask compare one kind of "
        "value.<ul>{}</ul>",
        format_html_join("", "{}", ((row,) for row in rows)),
    )
