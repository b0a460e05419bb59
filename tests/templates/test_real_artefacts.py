"""Real submissions of past tasks, scored through the templates that follow their format.

The files stay where they are (../shared/data beside the checkout; PODIUM_SHARED_DATA points
elsewhere) and are never copied into the repository; without that folder these tests skip.
The gold labels of those test sets are not public: AuTexTification's example tree ships its own
toy truth, and the RAID predictions get a synthetic gold of the official shape, as in
tests/scorers/test_raid_tpr_at_fpr.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from podium.sandbox import sandbox_available
from podium.sharedtasks.datasets import dataset_check_files, dataset_store
from tests.scorers.test_raid_tpr_at_fpr import _make_gold

from .official import raid_reference

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not sandbox_available(), reason="bubblewrap cannot run here"),
]


def _write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _replace_dev_data(subtask, tmp_path: Path, inputs: list[dict], gold: list[dict]) -> None:
    """What an organiser does in the admin: the template's sample data swapped for theirs."""
    inputs_path = _write_jsonl(tmp_path / f"{subtask.slug}-dev.jsonl", inputs)
    gold_path = _write_jsonl(tmp_path / f"{subtask.slug}-dev.gold.jsonl", gold)
    assert (
        dataset_check_files(
            subtask=subtask, split="dev", inputs_path=inputs_path, gold_path=gold_path
        )
        == []
    )
    dataset_store(subtask=subtask, split="dev", inputs_path=inputs_path, gold_path=gold_path)


def test_autextification_example_runs_score_through_the_template(
    shared_data: Path, import_template, tmp_path: Path
):
    imported = import_template("autextification2023")
    root = shared_data / "autextification-format" / "task_submissions"
    for n in (1, 2):
        for lang in ("en", "es"):
            truth = root / "ground_truth" / f"subtask_{n}" / lang / "truth.tsv"
            run = root / "submissions" / "my_team" / f"subtask_{n}" / lang / "run1.tsv"
            g = pd.read_csv(truth, sep="\t", dtype=str)
            subtask = imported.task.subtasks.get(slug=f"subtask{n}-{lang}")
            _replace_dev_data(
                subtask,
                tmp_path,
                [{"id": i, "text": ""} for i in g.id],
                [
                    {"id": i, "label": lab, "domain": "unknown"}
                    for i, lab in zip(g.id, g.label, strict=True)
                ],
            )
            body = imported.submit(subtask.slug, run.read_bytes(), "run1.tsv")
            assert body["status"] == "scored", body["error"]
            p = pd.read_csv(run, sep="\t", dtype=str)
            df = g.merge(p, on="id", suffixes=("_gold", "_pred"))
            want = skm.f1_score(df.label_gold, df.label_pred, average="macro")
            got = body["scores"]["all"]["overall"]
            assert got["macro_f1"] == pytest.approx(want, abs=1e-9)
            assert got["accuracy"] == pytest.approx(
                skm.accuracy_score(df.label_gold, df.label_pred), abs=1e-9
            )


@pytest.mark.slow
def test_the_real_raid_predictions_score_through_the_template(
    shared_data: Path, import_template, tmp_path: Path
):
    imported = import_template("raid-task3")
    predictions = shared_data / "raid-task3" / "DistilBERT-NITS" / "predictions.json"
    records = json.loads(predictions.read_text())
    rng = np.random.default_rng(2024)
    gold = _make_gold(rng, list(rng.permutation([r["id"] for r in records])), 200)
    gold["attack"] = "none"  # this submission covers the non-adversarial split
    subtask = imported.task.subtasks.get(slug="detection")
    _replace_dev_data(
        subtask, tmp_path, [{"id": i, "generation": ""} for i in gold.id], gold.to_dict("records")
    )
    body = imported.submit("detection", predictions.read_bytes(), "predictions.json")
    assert body["status"] == "scored", body["error"]
    want = raid_reference(gold, records)
    got = body["scores"]["all"]["overall"]
    assert got["tpr_at_fpr"] == pytest.approx(want["tpr_at_fpr"], abs=1e-9)
    assert got["auroc"] == pytest.approx(want["auroc"], abs=1e-9)
    assert set(body["scores"]["all"]["groups"]["domain"]) == set(gold.domain)
