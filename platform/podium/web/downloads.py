"""Streaming a split's public inputs, stamped with the task's canary.

Only `Dataset.inputs` is ever opened here: the queryset defers `gold`, and nothing in this module
names it, so no download path can reach the gold file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from podium.sharedtasks.models import Dataset, Subtask
from podium.sharedtasks.specs import PARTITION_FIELD

CANARY_KEY = "canary"


def inputs_dataset(subtask: Subtask, split: str) -> Dataset | None:
    dataset = (
        Dataset.objects.defer("gold")
        .filter(subtask=subtask, split=split)
        .exclude(inputs="")
        .first()
    )
    return dataset


def inputs_filename(subtask: Subtask, split: str) -> str:
    return f"{subtask.task.slug}-{subtask.slug}-{split}.jsonl"


def inputs_stream(dataset: Dataset, *, canary: str) -> Iterator[bytes]:
    """The inputs JSONL, one row at a time, each row with `"canary"` added.

    Every copy of the data then carries the marker, so leaked test data can be traced (and
    crawlers that honour canaries keep it out of training corpora).
    """
    storage = dataset.inputs.storage
    with storage.open(dataset.inputs.name, "rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            if dataset.split != Dataset.Split.TRAIN:
                # Import refuses such files; this keeps a hand-edited store from leaking either.
                for answer in {dataset.subtask.value_field, *dataset.subtask.answer_fields}:
                    row.pop(answer, None)
                row.pop(PARTITION_FIELD, None)
            row[CANARY_KEY] = canary
            yield (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
