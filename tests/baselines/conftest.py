"""Data for the baseline tests: the demo tasks generated at test time, cut to small subsets.

``fixtures/generate_demo.py`` is deterministic and standard-library only (about 3 s for all
tasks), so the tests need no files outside git. Scorer specs are built from the demo task files
the way the platform builds them from a subtask (podium.sharedtasks.specs).
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

import scorers

REPO = Path(__file__).resolve().parents[2]
# Few CPU threads: other test suites share the machine, and MiniLM gains little from more.
THREADS = 1


@dataclass
class Split:
    """Small copies of one demo subtask's files, and its scorer spec."""

    spec: dict[str, Any]
    train: Path
    dev: Path
    dev_gold: Path
    test: Path
    test_gold: Path

    def dev_spec(self) -> dict[str, Any]:
        return {k: v for k, v in self.spec.items() if k != "partition_field"}

    def constant_score(self, value: Any) -> float | None:
        """The dev primary metric of predicting ``value`` for every row."""
        rows = read_jsonl(self.dev_gold)
        pred = self.dev.with_name("constant.jsonl")
        spec = {**self.dev_spec(), "format": "jsonl"}
        field = spec["value_field"]
        write_jsonl(pred, [{"id": r["id"], field: value} for r in rows])
        result = scorers.score_files(spec, self.dev_gold, pred)
        assert result["ok"], result
        return result["scores"]["all"]["overall"][spec["primary"]]

    def majority(self) -> Any:
        counts: dict[Any, int] = {}
        for row in read_jsonl(self.train):
            counts[row[self.spec["value_field"]]] = counts.get(row[self.spec["value_field"]], 0) + 1
        return max(counts, key=counts.__getitem__)

    def check_test_predictions(self, pred: Path) -> dict[str, Any]:
        """Score test predictions against test gold: proves the file is a valid submission."""
        result = scorers.score_files(self.spec, self.test_gold, pred)
        assert result["ok"], result.get("errors")
        return result["scores"]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def subtask_spec(task_yaml: Path, slug: str) -> dict[str, Any]:
    """What podium.sharedtasks.specs.subtask_scorer_spec builds for the test split."""
    task = yaml.safe_load(task_yaml.read_text(encoding="utf-8"))
    sub = next(s for s in task["subtasks"] if s["slug"] == slug)
    fmt, scorer = sub["format"], sub["scorer"]
    spec = {
        "format": fmt["type"],
        "id_field": fmt["id_field"],
        "value_field": fmt["value_field"],
        "value_type": fmt["value_type"],
        "metrics": scorer["metrics"],
        "primary": scorer["primary"],
        "group_fields": scorer.get("group_fields", []),
        "partition_field": "partition",
    }
    if "labels" in fmt:
        spec["labels"] = [str(x) for x in fmt["labels"]]
    if "range" in fmt:
        spec["range"] = fmt["range"]
    return spec


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    script = REPO / "fixtures" / "generate_demo.py"
    module_spec = importlib.util.spec_from_file_location("podium_generate_demo", script)
    assert module_spec and module_spec.loader
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    root = tmp_path_factory.mktemp("demo")
    module.generate_all(root)
    return root


@pytest.fixture(scope="session")
def demo(demo_root: Path, tmp_path_factory: pytest.TempPathFactory):
    """``demo("mgt", "a", n_train=..., n_dev=..., n_test=...)`` -> a :class:`Split`."""

    def make(task: str, slug: str, n_train: int, n_dev: int, n_test: int | None = None) -> Split:
        data = demo_root / task / "data" / slug
        out = tmp_path_factory.mktemp(f"{task}-{slug}")
        sizes = {
            "train": n_train,
            "dev": n_dev,
            "dev.gold": n_dev,
            "test": n_test or n_dev,
            "test.gold": n_test or n_dev,
        }
        paths = {}
        for name, n in sizes.items():
            # Gold rows are in input order, so the first n rows of inputs and gold match.
            rows = read_jsonl(data / f"{name}.jsonl")[:n]
            paths[name] = write_jsonl(out / f"{name}.jsonl", rows)
        spec = subtask_spec(demo_root / task / "task.yaml", slug)
        return Split(
            spec, paths["train"], paths["dev"], paths["dev.gold"], paths["test"], paths["test.gold"]
        )

    return make
