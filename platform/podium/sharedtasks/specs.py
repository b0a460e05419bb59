"""The scorer spec of a subtask: the JSON document `python -m scorers` reads (docs/scorers.md)."""

from podium.sharedtasks.models import Dataset, Subtask

PARTITION_FIELD = "partition"


def subtask_scorer_spec(subtask: Subtask, *, split: str) -> dict:
    """The spec for scoring `subtask` against the gold of `split`.

    Only test gold is partitioned into public and private rows; dev gold is scored as one set.
    """
    spec: dict = {
        "format": subtask.file_format,
        "id_field": subtask.id_field,
        "value_field": subtask.value_field,
        "value_type": subtask.value_type,
        "metrics": subtask.metrics,
        "primary": subtask.primary_metric,
        "group_fields": list(subtask.group_fields or []),
    }
    if subtask.file_format == Subtask.FileFormat.CSV:
        spec["separator"] = subtask.separator or ","
    if subtask.value_type == Subtask.ValueType.LABEL:
        spec["labels"] = [str(label) for label in subtask.labels]
    elif subtask.value_min is not None and subtask.value_max is not None:
        spec["range"] = [subtask.value_min, subtask.value_max]
    if split == Dataset.Split.TEST:
        spec["partition_field"] = PARTITION_FIELD
    spec.update(_answer_and_coverage(subtask))
    return spec


def _answer_and_coverage(subtask: Subtask) -> dict:
    """The spec keys of gold columns named apart, span subtasks and partial coverage."""
    keys: dict = {}
    if subtask.value_type == Subtask.ValueType.SPANS:
        keys["value_field"] = [subtask.span_cause_field, subtask.span_effect_field]
        # An empty column name is left for the scorer to refuse, with its own message.
        if subtask.span_text_field:
            keys["text_field"] = subtask.span_text_field
    elif subtask.gold_value_field and subtask.gold_value_field != subtask.value_field:
        keys["gold_value_field"] = subtask.gold_value_field
    if subtask.min_coverage is not None:
        keys["min_coverage"] = subtask.min_coverage
    return keys
