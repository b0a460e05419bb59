"""CSV and JSON exports show exactly the board the viewer was allowed to see."""

import csv
import io
import json

import pytest

from podium.leaderboards.exports import STATS_HEADER, leaderboard_csv, leaderboard_json
from podium.leaderboards.selectors import leaderboard

pytestmark = pytest.mark.django_db

PRIVATE_MARK = 0.123456789


@pytest.fixture
def scored(make_team, submit):
    submit(
        make_team("=HYPERLINK(evil)"),
        public=0.75,
        private=PRIVATE_MARK,
        scores={
            "public": {
                "macro_f1": 0.5,
                "accuracy[language=en]": 0.25,
                "macro_f1[language=en]": 0.5,
            },
            "private": {"macro_f1": PRIVATE_MARK, "accuracy[language=en]": PRIVATE_MARK},
        },
    )
    submit(None, baseline=True, method="majority", public=0.5, private=PRIVATE_MARK)


def test_exports_before_reveal_carry_no_private_value(test_phase, subtask, cast, scored):
    board = leaderboard(
        phase=test_phase, subtask=subtask, partition="public", viewer=cast["participant"]
    )
    text = leaderboard_csv(board) + json.dumps(leaderboard_json(board))
    assert str(PRIVATE_MARK) not in text
    assert "0.75" in text


def test_the_csv_has_fixed_metric_and_group_columns(test_phase, subtask, cast, scored):
    board = leaderboard(
        phase=test_phase, subtask=subtask, partition="public", viewer=cast["participant"]
    )
    rows = list(csv.DictReader(io.StringIO(leaderboard_csv(board))))
    assert list(rows[0]) == [
        "rank",
        "is_baseline",
        "team",
        "method",
        "submission",
        "submitted_at",
        "accuracy",
        "macro_f1",
        "accuracy[language=en]",
        "macro_f1[language=en]",
        "accuracy_low",
        "accuracy_high",
        "macro_f1_low",
        "macro_f1_high",
        *STATS_HEADER,
    ]
    assert [(r["rank"], r["is_baseline"], r["accuracy"]) for r in rows] == [
        ("1", "false", "0.75"),
        ("2", "true", "0.5"),
    ]
    # A participant-typed name never reaches a spreadsheet as a formula.
    assert rows[0]["team"] == "'=HYPERLINK(evil)"
    assert rows[0]["accuracy[language=en]"] == "0.25"
    assert rows[1]["macro_f1"] == "" and rows[1]["team"] == "Baseline: majority"


def test_the_json_export_is_plain_json_with_the_note(test_phase, subtask, cast, scored):
    test_phase.revealed_at = test_phase.end
    test_phase.save()
    board = leaderboard(
        phase=test_phase, subtask=subtask, partition="private", viewer=cast["outsider"]
    )
    data = json.loads(json.dumps(leaderboard_json(board)))
    assert data["partition"] == "private" and data["note"] == board.note
    assert data["columns"] == ["accuracy", "macro_f1"]
    assert data["rows"][0]["primary"] == PRIVATE_MARK
    assert data["rows"][0]["groups"] == {"language": {"en": {"accuracy": PRIVATE_MARK}}}


def test_a_team_named_like_a_baseline_is_no_baseline_in_the_csv(
    test_phase, subtask, cast, make_team, submit
):
    """Names like this are refused now (teams.names); one from before still cannot pass."""
    submit(make_team("Baseline: tfidf-lr"), public=0.9, private=0.9)
    submit(None, baseline=True, method="tfidf-lr", public=0.5, private=0.5)
    board = leaderboard(
        phase=test_phase, subtask=subtask, partition="public", viewer=cast["participant"]
    )
    rows = list(csv.DictReader(io.StringIO(leaderboard_csv(board))))
    assert [(r["team"], r["is_baseline"]) for r in rows] == [
        ("Baseline: tfidf-lr", "false"),
        ("Baseline: tfidf-lr", "true"),
    ]
