"""Every submission format reads to the same scores, however it is encoded or packed."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.scorers.conftest import overall, score, write_jsonl

IDS = ["x1", "x2", "x3", "x4", "x5"]
GOLD = ["pos", "neg", "pos", "pos", "neg"]
PRED = ["pos", "pos", "pos", "neg", "neg"]
BASE = {"labels": ["pos", "neg"], "metrics": ["accuracy", "macro_f1"]}


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "gold.jsonl", [{"id": i, "label": g} for i, g in zip(IDS, GOLD, strict=True)]
    )


def _render(fmt: str) -> tuple[dict, str]:
    pairs = list(zip(IDS, PRED, strict=True))[::-1]  # order must not matter
    if fmt == "jsonl":
        return {"format": "jsonl"}, "".join(
            json.dumps({"id": i, "label": p}) + "\n" for i, p in pairs
        )
    if fmt == "csv":
        return {"format": "csv"}, "id,label\n" + "".join(f"{i},{p}\n" for i, p in pairs)
    if fmt == "csv;":
        return {"format": "csv", "separator": ";"}, "id; label\n" + "".join(
            f'"{i}"; {p}\n' for i, p in pairs
        )
    if fmt == "tsv":
        return {"format": "tsv"}, "label\tid\n" + "".join(f"{p}\t{i}\n" for i, p in pairs)
    if fmt == "json":
        return {"format": "json"}, json.dumps([{"id": i, "label": p} for i, p in pairs], indent=2)
    return {"format": "txt"}, "".join(p + "\n" for p in PRED)


FORMATS = ["jsonl", "csv", "csv;", "tsv", "json", "txt"]
WANT = {"accuracy": 0.6, "macro_f1": pytest.approx((2 * 2 / 6 + 2 * 1 / 4) / 2)}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("encoding", ["plain", "bom", "crlf", "zip"])
def test_each_format_and_encoding_gives_the_same_scores(
    gold: Path, tmp_path: Path, fmt: str, encoding: str
):
    extra, text = _render(fmt)
    data = text.encode()
    if encoding == "bom":
        data = b"\xef\xbb\xbf" + data
    elif encoding == "crlf":
        data = data.replace(b"\n", b"\r\n")
    elif encoding == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("__MACOSX/._pred", b"junk")
            zf.writestr("folder/pred.data", data)
        data = buf.getvalue()
    pred = tmp_path / "pred.bin"
    pred.write_bytes(data)
    assert overall(score({**BASE, **extra}, gold, pred)) == WANT


def test_json_integer_and_csv_text_labels_are_the_same_label(tmp_path: Path):
    gold = write_jsonl(tmp_path / "gold.jsonl", [{"id": 1, "label": 1}, {"id": 2, "label": 0}])
    pred = tmp_path / "p.csv"
    pred.write_text("id,label\n1,1\n2,1\n")
    spec = {"format": "csv", "labels": [0, 1], "metrics": ["accuracy"]}
    assert overall(score(spec, gold, pred))["accuracy"] == 0.5


def test_limits_on_size_line_length_and_rows(gold: Path, tmp_path: Path):
    _, text = _render("jsonl")
    pred = tmp_path / "p.jsonl"
    pred.write_text(text)
    for limits, needle in [
        ({"max_bytes": 50}, "larger than"),
        ({"max_line_bytes": 10}, "longer than"),
        ({"max_rows": 3}, "more than 3"),
    ]:
        result = score({**BASE, "format": "jsonl", "limits": limits}, gold, pred)
        assert not result["ok"] and needle in result["errors"][0]["message"], (limits, result)


def test_zip_bomb_is_stopped_at_the_size_limit(gold: Path, tmp_path: Path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("pred.jsonl", b"\n" * 5_000_000)
    pred = tmp_path / "bomb.zip"
    pred.write_bytes(buf.getvalue())
    result = score({**BASE, "format": "jsonl", "limits": {"max_bytes": 1_000_000}}, gold, pred)
    assert not result["ok"] and "larger than" in result["errors"][0]["message"]


def test_gold_in_csv_is_read_like_jsonl(tmp_path: Path):
    gold = tmp_path / "gold.csv"
    gold.write_text("id,label\n" + "".join(f"{i},{g}\n" for i, g in zip(IDS, GOLD, strict=True)))
    _, text = _render("jsonl")
    pred = tmp_path / "p.jsonl"
    pred.write_text(text)
    assert overall(score({**BASE, "format": "jsonl"}, gold, pred)) == WANT
