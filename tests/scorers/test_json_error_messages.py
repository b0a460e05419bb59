"""A broken JSON line gets a whole sentence that says where and what, never the json module's
half-phrase ("Unterminated string starting at") or a "column char N" position."""

import pytest

from tests.scorers.conftest import score, write_jsonl

SPEC = {"format": "jsonl", "labels": ["human", "machine"], "metrics": ["accuracy"]}
GOOD = '{"id": "a", "label": "human"}\n'


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('{"id": "b", "label": "hum', 'at character 22: a string is never closed (a missing ")'),
        ('{"id": "b", "label": }', "at character 22: a value is expected"),
        ('{"id": "b",}', "at character 12: a key in double quotes is expected"),
        ('{"id": "b" "label": "human"}', "at character 12: a ',' is expected between items"),
        ('{"id": "b", "label": "human"} x', "at character 31: there is more after the JSON value"),
    ],
)
def test_each_json_error_is_a_whole_sentence_with_its_character(tmp_path, line, says):
    gold = write_jsonl(tmp_path / "gold.jsonl", [{"id": "a", "label": "human"}])
    pred = tmp_path / "pred.jsonl"
    pred.write_text(GOOD + line + "\n", encoding="utf-8")
    (error,) = score(SPEC, gold, pred)["errors"]
    assert error["line"] == 2 and error["column"] is None
    assert error["message"].startswith(f"invalid JSON {says}")
    assert not error["message"].rstrip().endswith(" at")
