"""A bad spec is refused with a message that names the problem."""

from __future__ import annotations

import pytest

from scorers import SpecError, load_spec

BASE = {"format": "jsonl", "labels": ["a", "b"], "metrics": ["accuracy"]}


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"format": "xml"}, "format must be"),
        ({"metrics": []}, "non-empty"),
        ({"metrics": ["f2"]}, "unknown metric 'f2'"),
        ({"metrics": [{"name": "f1", "average": "sideways"}]}, "average must be"),
        ({"metrics": [{"name": "f1", "colour": 1}]}, "no parameter 'colour'"),
        ({"metrics": ["accuracy", "accuracy"]}, "share a key"),
        ({"metrics": ["accuracy", "mae"]}, "mix value kinds"),
        ({"primary": "mae"}, "primary 'mae'"),
        ({"labels": ["a", "a"]}, "unique"),
        ({"separator": ";;"}, "one character"),
        ({"range": [0, 1]}, "numeric values"),
        ({"bootstrap": {"samples": 3}}, "between 10"),
        ({"direction": "max"}, "unknown spec keys: direction"),
        ({"value_type": "number"}, "does not suit"),
        ({"metrics": [{"name": "tpr_at_fpr", "fpr": 0.05}]}, "positive"),
        (
            {"metrics": [{"name": "f1", "labels": "spec"}], "labels": None},
            'needs the spec\'s "labels"',
        ),
    ],
)
def test_bad_specs_are_refused_with_a_clear_message(change: dict, needle: str):
    raw = {**BASE, **change}
    with pytest.raises(SpecError, match=None) as info:
        load_spec(raw)
    assert needle in str(info.value)


def test_a_full_spec_loads():
    spec = load_spec(
        {
            "format": "csv",
            "separator": ";",
            "id_field": "Index",
            "value_field": "Gold",
            "labels": [0, 1],
            "metrics": ["weighted_f1", {"name": "f1", "per_class": True, "key": "f1_by_class"}],
            "primary": "weighted_f1",
            "group_fields": ["domain"],
            "partition_field": "partition",
            "bootstrap": {"samples": 200, "seed": 3, "confidence": 0.9},
        }
    )
    assert spec.labels == ("0", "1") and spec.primary == "weighted_f1"
    assert spec.gold_columns == ("domain", "partition")


def test_an_empty_label_list_means_an_open_label_set():
    assert load_spec({**BASE, "labels": []}).labels is None
