"""The CLI, the method list, local-only models, and clear errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import baselines
from baselines.cli import main
from baselines.models import default_model_path, resolve_model_path

from .conftest import write_jsonl


def test_cli_run_prints_the_result_and_writes_a_submission(demo, tmp_path, capsys):
    split = demo("dialects", "country", n_train=800, n_dev=200)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(split.spec))
    out = tmp_path / "pred.txt"

    code = main(
        [
            "run",
            "--method",
            "tfidf-svm",
            "--spec",
            str(spec),
            "--train",
            str(split.train),
            "--dev",
            str(split.dev),
            "--dev-gold",
            str(split.dev_gold),
            "--test",
            str(split.test),
            "--out",
            str(out),
            "--param",
            "C=0.3",
        ]
    )

    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert code == 0
    assert result["method"] == "tfidf-svm" and result["primary"] == "macro_f1"
    assert result["dev_scores"]["macro_f1"] == result["dev_primary"] > 0.3
    assert "[fit]" in captured.err and "[done]" in captured.err
    assert len(out.read_text().splitlines()) == 200  # positional txt: one label per test row
    split.check_test_predictions(out)


def test_cli_exits_2_with_a_message_for_bad_input(tmp_path, capsys):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"format": "jsonl", "metrics": ["accuracy"]}))
    train = tmp_path / "train.jsonl"
    train.write_text('{"id": 1, "text": "a", "label": "x"}\n{"id": 2, "text": \n')

    code = main(
        [
            "run",
            "--method",
            "tfidf-lr",
            "--spec",
            str(spec),
            "--train",
            str(train),
            "--test",
            str(train),
            "--out",
            str(tmp_path / "p"),
        ]
    )

    assert code == 2
    assert f"{train}, line 2: invalid JSON" in capsys.readouterr().err


def test_missing_text_field_names_the_row(tmp_path):
    spec = {"format": "jsonl", "value_field": "label", "metrics": ["accuracy"]}
    train = write_jsonl(
        tmp_path / "train.jsonl", [{"id": 1, "text": "a", "label": "x"}, {"id": 2, "label": "y"}]
    )
    with pytest.raises(baselines.BaselineError, match=r"row 2: missing field 'text'"):
        baselines.run(method="tfidf-lr", spec=spec, train=train, test=train, out=tmp_path / "p")


def test_unknown_method_lists_the_known_ones(tmp_path):
    with pytest.raises(baselines.BaselineError, match="known methods: tfidf-lr"):
        baselines.run(method="bert", spec={}, train=tmp_path, test=tmp_path, out=tmp_path)


def test_importing_the_package_loads_no_ml_library():
    heavy = ("torch", "sklearn", "transformers", "numpy")
    code = f"import sys, baselines; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_methods_are_listed_with_what_they_do(capsys):
    assert main(["list"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert (
        set(listed)
        == set(baselines.METHODS)
        == {
            "tfidf-lr",
            "tfidf-svm",
            "word-logodds",
            "connective-split",
            "tfidf-cosine",
            "embedding-cosine",
            "transformer",
        }
    )
    assert listed["transformer"]["tasks"] == ["classification", "regression", "boundary"]


def test_the_default_model_is_the_packaged_minilm_and_paths_stay_local(tmp_path):
    path = default_model_path()
    assert path.name == "model" and (path / "config.json").is_file()
    assert resolve_model_path(None) == path
    with pytest.raises(baselines.BaselineError, match=r"no config\.json"):
        resolve_model_path(tmp_path / "sentence-transformers" / "all-MiniLM-L6-v2")


def test_change_point_decoding_keeps_one_boundary():
    np = pytest.importorskip("numpy")
    from baselines.changepoint import change_point

    # Words 0-3 human, 4-7 machine, with one noisy human-looking word at 6.
    machine = np.array([-3, -2, -3, -2, 2, 3, -1, 2], dtype=float)
    logits = np.stack([np.zeros_like(machine), machine], axis=1)
    assert change_point(logits) == 4
    assert change_point(np.array([[5.0, -5.0]] * 3)) == 3  # all human: the boundary is the end
    assert change_point(np.zeros((0, 2))) == 0
