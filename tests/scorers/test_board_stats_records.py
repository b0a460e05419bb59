"""Per-item records: written by the scorer CLI per partition, read back defensively, and enough
to recompute every supported metric exactly on any resample (the board bootstrap's premise)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from scorers import api
from scorers.breakdown import compute
from scorers.spec import load_spec
from scorers.stats.board import metric_draws
from scorers.stats.records import RecordError, build_record, dump_record, load_record
from scorers.stats.resample import resample_counts
from scorers.view import View
from tests.scorers.conftest import run_cli, write_jsonl

LABEL_METRICS = [
    "accuracy", "macro_f1", "micro_f1", "weighted_f1", "macro_precision", "weighted_recall",
    "cohen_kappa", {"name": "f1", "key": "f1_pos", "average": "binary", "pos_label": "y"},
    {"name": "macro_f1", "key": "macro_f1_fixed", "labels": ["x", "y", "z"]},
]  # fmt: skip


def _label_files(tmp_path: Path, n: int = 300, seed: int = 0):
    rng = np.random.default_rng(seed)
    gold, pred = [], []
    for i in range(n):
        truth = str(rng.choice(["x", "y", "z"], p=[0.6, 0.3, 0.1]))
        gold.append({"id": i, "label": truth, "partition": str(rng.choice(["public", "private"]))})
        guess = truth if rng.random() < 0.7 else str(rng.choice(["x", "y", "w"]))
        pred.append({"id": i, "label": guess})
    return write_jsonl(tmp_path / "gold.jsonl", gold), write_jsonl(tmp_path / "pred.jsonl", pred)


def _number_files(tmp_path: Path, n: int = 200, seed: int = 1):
    rng = np.random.default_rng(seed)
    truth = rng.normal(3, 1, n)
    guess = truth + rng.normal(0, 0.8, n)
    gold = [{"id": i, "label": float(v)} for i, v in enumerate(truth)]
    pred = [{"id": i, "label": round(float(v), 1)} for i, v in enumerate(guess)]
    return write_jsonl(tmp_path / "gold.jsonl", gold), write_jsonl(tmp_path / "pred.jsonl", pred)


def test_the_cli_writes_one_record_file_per_partition(tmp_path: Path):
    gold, pred = _label_files(tmp_path)
    spec = {"format": "jsonl", "metrics": ["accuracy"], "partition_field": "partition"}
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(spec))
    out = tmp_path / "out"
    out.mkdir()
    code, result = run_cli(
        "score", "--spec", str(spec_path), "--gold", str(gold), "--pred", str(pred),
        "--records", str(out),
    )  # fmt: skip
    assert code == 0 and result["ok"]
    assert sorted(p.name for p in out.iterdir()) == ["records-private.npz", "records-public.npz"]
    public = load_record((out / "records-public.npz").read_bytes())
    rows = [json.loads(line) for line in gold.read_text().splitlines()]
    assert public.kind == "label"
    assert public.n == sum(r["partition"] == "public" for r in rows)
    assert [m["key"] for m in public.metrics] == ["accuracy"]


def test_an_invalid_submission_leaves_no_records(tmp_path: Path):
    gold, _ = _label_files(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 0}\n')
    out = tmp_path / "out"
    out.mkdir()
    result = api.score_files({"format": "jsonl", "metrics": ["accuracy"]}, gold, bad, out)
    assert not result["ok"] and list(out.iterdir()) == []


@pytest.mark.parametrize(
    "data",
    [b"", b"not a zip", b"PK\x03\x04garbage"],
)
def test_a_file_that_is_not_a_record_is_refused(data: bytes):
    with pytest.raises(RecordError):
        load_record(data)


def test_a_record_with_objects_inside_is_refused(tmp_path: Path):
    import io

    buf = io.BytesIO()
    np.savez(buf, version=np.array(1), kind=np.array("label"), n=np.array(1),
             digest=np.array("x"), metrics=np.array("[]"),
             y_true=np.array([{"evil": 1}], dtype=object))  # fmt: skip
    with pytest.raises(RecordError):
        load_record(buf.getvalue())


def _resampled_views(spec, ds, rows, samples=5, seed=3):
    counts = resample_counts(len(rows), samples, seed)
    views = [View(ds, rows[np.repeat(np.arange(len(rows)), c)]) for c in counts]
    return counts, views


def _check_exact(spec_raw, gold, pred, keys, partition=None):
    spec = load_spec(spec_raw)
    ds = api.load_dataset(spec, gold, pred)
    if partition:
        factor = ds.columns[spec.partition_field]
        rows = np.flatnonzero(factor.codes == factor.values.index(partition))
    else:
        rows = np.arange(len(ds))
    record = load_record(dump_record(build_record(spec, ds, rows)))
    counts, views = _resampled_views(spec, ds, rows)
    want_full = compute(spec, View(ds, rows))
    for key in keys:
        observed, draws = metric_draws([record], key, counts)
        assert observed[0] == pytest.approx(want_full[key], abs=1e-9), key
        for b, view in enumerate(views):
            want = compute(spec, view)[key]
            got = draws[0, b]
            if want is None:
                assert np.isnan(got), key
            else:
                assert got == pytest.approx(want, abs=1e-9), (key, b)


def test_label_metrics_from_sums_equal_the_scorer_on_every_resample(tmp_path: Path):
    gold, pred = _label_files(tmp_path)
    spec = {"format": "jsonl", "metrics": LABEL_METRICS, "partition_field": "partition"}
    keys = [m if isinstance(m, str) else m["key"] for m in LABEL_METRICS]
    _check_exact(spec, gold, pred, keys, partition="public")


def test_mae_and_pearson_from_sums_equal_the_scorer_on_every_resample(tmp_path: Path):
    gold, pred = _number_files(tmp_path)
    spec = {"format": "jsonl", "value_type": "number", "metrics": ["mae", "pearson"]}
    _check_exact(spec, gold, pred, ["mae", "pearson"])


def test_spearman_is_exact_on_the_partition_and_close_on_resamples(tmp_path: Path):
    gold, pred = _number_files(tmp_path, n=400)
    spec = load_spec({"format": "jsonl", "value_type": "number", "metrics": ["spearman"]})
    ds = api.load_dataset(spec, gold, pred)
    rows = np.arange(len(ds))
    record = build_record(spec, ds, rows)
    counts, views = _resampled_views(spec, ds, rows, samples=20)
    observed, draws = metric_draws([record], "spearman", counts)
    assert observed[0] == pytest.approx(compute(spec, View(ds))["spearman"], abs=1e-9)
    exact = np.array([compute(spec, v)["spearman"] for v in views])
    # Ranks fixed on the partition: a documented approximation of order 1/n.
    assert np.abs(draws[0] - exact).max() < 0.01


def test_records_of_the_same_gold_share_a_digest_whatever_the_labels_predicted(tmp_path):
    gold, pred = _label_files(tmp_path)
    spec = load_spec({"format": "jsonl", "metrics": ["accuracy"]})
    other = write_jsonl(
        tmp_path / "other.jsonl",
        [{"id": i, "label": "x"} for i in range(300)],
    )
    a = build_record(spec, api.load_dataset(spec, gold, pred), np.arange(300))
    b = build_record(spec, api.load_dataset(spec, gold, other), np.arange(300))
    assert a.digest == b.digest
    rows = [json.loads(line) for line in gold.read_text().splitlines()]
    rows[0]["label"] = "z" if rows[0]["label"] != "z" else "x"
    changed = write_jsonl(tmp_path / "gold2.jsonl", rows)
    c = build_record(spec, api.load_dataset(spec, changed, pred), np.arange(300))
    assert c.digest != a.digest


def test_span_metrics_from_sums_equal_the_scorer_on_every_resample(tmp_path: Path):
    pytest.importorskip("nltk")
    pytest.importorskip("punkt")
    from tests.scorers import test_fincausal_task2 as fincausal

    gold_rows, pred_rows = fincausal.random_rows(4, 80)
    gold, pred = fincausal._files(tmp_path, gold_rows, pred_rows)
    keys = ["span_f1", "span_precision", "span_recall", "span_exact_match"]
    _check_exact(fincausal.SPEC, gold, pred, keys)


def test_tpr_at_fpr_holds_the_partition_thresholds(tmp_path: Path):
    from tests.scorers import test_raid_tpr_at_fpr as raid

    rng = np.random.default_rng(5)
    ids = [f"id-{k}" for k in range(3000)]
    gold_df = raid._make_gold(rng, ids, humans_per_domain=120)
    human = (gold_df.model == "human").to_numpy()
    scores = np.where(human, rng.beta(2, 5, len(ids)), rng.beta(5, 2, len(ids)))
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_df.to_dict("records"))
    pred = tmp_path / "pred.json"
    rows = [{"id": i, "score": s} for i, s in zip(ids, scores.tolist(), strict=True)]
    pred.write_text(json.dumps(rows))
    spec = load_spec(raid.SPEC)
    ds = api.load_dataset(spec, gold, pred)
    record = build_record(spec, ds, np.arange(len(ds)))
    assert [m["key"] for m in record.metrics] == ["tpr_at_fpr"]  # AUROC: no interval
    observed, draws = metric_draws([record], "tpr_at_fpr", resample_counts(len(ds), 500, 0))
    assert observed[0] == pytest.approx(compute(spec, View(ds))["tpr_at_fpr"], abs=1e-12)
    low, high = np.quantile(draws[0], [0.025, 0.975])
    assert low < observed[0] < high and high - low < 0.1
