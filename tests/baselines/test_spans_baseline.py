"""The connective-split baseline extracts FinCausal cause/effect spans better than halving a text.

Data: the FinCausal 2020 template's task 2 sample (fixtures/templates/fincausal2020), scored by
the scorers package exactly as the platform scores a participant's `;`-separated CSV.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import baselines
import scorers
from baselines.spans import ConnectiveSplit

pytest.importorskip("nltk")

DATA = Path(__file__).resolve().parents[2] / "fixtures/templates/fincausal2020/data/task2"
SPEC = {
    "format": "csv",
    "separator": ";",
    "id_field": "Index",
    "value_field": ["Cause", "Effect"],
    "text_field": "Text",
    "metrics": ["span_f1", "span_exact_match"],
    "primary": "span_f1",
}


def _halves(tmp_path: Path) -> float:
    rows = [json.loads(line) for line in (DATA / "dev.jsonl").read_text().splitlines()]
    path = tmp_path / "halves.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Index", "Cause", "Effect"])
        for row in rows:
            words = row["Text"].split()
            half = len(words) // 2
            writer.writerow([row["Index"], " ".join(words[:half]), " ".join(words[half:])])
    result = scorers.score_files(SPEC, DATA / "dev.gold.jsonl", path)
    assert result["ok"], result
    return result["scores"]["all"]["overall"]["span_f1"]


def test_connective_split_beats_halving_the_text(tmp_path: Path):
    result = baselines.run(
        method="connective-split",
        spec=SPEC,
        train=DATA / "train.jsonl",
        dev=DATA / "dev.jsonl",
        dev_gold=DATA / "dev.gold.jsonl",
        test=DATA / "test.jsonl",
        out=tmp_path / "test.csv",
        text_fields=("Text",),
    )
    assert result.task == "spans"
    assert result.dev_primary > _halves(tmp_path) + 0.2, result.dev_scores
    header, *rows = (tmp_path / "test.csv").read_text().splitlines()
    assert header == "Index;Cause;Effect" and len(rows) == 30


def test_the_connective_decides_which_side_is_the_cause():
    model = ConnectiveSplit(max_words=4, lowercase=True).fit(
        ["Rates rose so shares fell.", "Sales dropped due to weak demand."],
        [("Rates rose", "shares fell"), ("weak demand", "Sales dropped")],
    )
    assert model.split("Costs grew so margins shrank.") == ("Costs grew", "margins shrank")
    assert model.split("Profit fell due to a strike.") == ("a strike", "Profit fell")
    # No known connective: split in the middle, in the order most training texts use (a tie
    # goes to cause first).
    assert model.split("One two three four.") == ("One two", "three four")
