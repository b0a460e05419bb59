"""Every template, as a participant uses it: `manage.py import_task`, then an upload through the
API in the task's official format, scored in the sandbox, equal to the official computation;
an invalid file fails with a message naming its line; the template's baseline lands on the
leaderboard as a marked row."""

from __future__ import annotations

import importlib.util
import json

import pytest

import scorers
from baselines.errors import BaselineError
from baselines.registry import METHODS
from baselines.task import check_task
from podium.baselineruns.services import baseline_execute, baseline_start
from podium.sandbox import sandbox_available
from podium.sharedtasks.specs import subtask_scorer_spec
from podium.submissions.models import Submission
from podium.submissions.scoring import submission_score
from tests.scorers.test_fincausal_task2 import official as fincausal_official
from tests.scorers.test_fincausal_task2 import word_tokenize  # noqa: F401 - a fixture

from .official import CASES, fincausal

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not sandbox_available(), reason="bubblewrap cannot run here"),
]
TOL = 1e-9

ALL = [*CASES, "fincausal2020"]


def _check_scored(body: dict, expected: dict[str, float], where: str) -> None:
    assert body["status"] == "scored", (where, body["error"])
    got = body["scores"]["all"]["overall"]
    for metric, value in expected.items():
        assert got[metric] == pytest.approx(value, abs=TOL), (where, metric)


@pytest.mark.parametrize("name", ALL)
def test_an_official_format_file_scores_as_the_official_scorer(name, import_template, request):
    imported = import_template(name)
    if name == "fincausal2020":
        tokenize = request.getfixturevalue("word_tokenize")
        cases = fincausal(imported, lambda g, p: fincausal_official(g, p, tokenize))
    else:
        cases = CASES[name](imported)
    assert {c.subtask for c in cases} == set(imported.task.subtasks.values_list("slug", flat=True))
    for case in cases:
        body = imported.submit(case.subtask, case.content, case.filename)
        _check_scored(body, case.expected, f"{name}/{case.subtask}")
        board = imported.leaderboard(case.subtask)
        (row,) = board["rows"]
        primary = imported.task.subtasks.get(slug=case.subtask).primary_metric
        assert row["primary"] == pytest.approx(case.expected[primary], abs=TOL)


# One invalid file per template: (subtask, filename, content, what the message must say).
INVALID = {
    "semeval2024-task8": (
        "a-mono",
        "a.jsonl",
        b'{"id": 100000, "label": 0}\n{"id": 100001, "label": 7}\n',
        "line 2",
    ),
    "genai-detection-task1": ("monolingual", "p.jsonl", b'{"id": 100000, "label": 0\n', "line 1"),
    "raid-task3": (
        "detection",
        "predictions.json",
        b'[\n{"id": "x", "score": 0.5},\n{"id": "y", "score": "high"}\n]\n',
        "line 3",
    ),
    "autextification2023": (
        "subtask1-en",
        "run1.tsv",
        b"id\tlabel\n100000\thuman\n100001\trobot\n",
        "line 3",
    ),
    "ruatd2022": ("binary", "submission.csv", b"Id,Class\n100000,X\n", "line 2"),
    "ainl-eval2025": (
        "detection",
        "submission.csv",
        b"id,label\n100000,human\n100001,human\n100002,human\n7,human\n",
        "line 5",
    ),
    "nadi2021": ("1-1", "subtask11.txt", None, "line 2"),
    "sts2017": ("track5-en-en", "STS.txt", None, "line 3"),
    "str2024": ("a-supervised", "pred.csv", b"PairID,Pred_Score\na-dev-0000,high\n", "line 2"),
    "fincausal2020": (
        "task1",
        "task1.csv",
        b"Index; Text; Gold\n0101.00010; A text.; 2\n",
        "line 2",
    ),
    "fignews2024": (
        "bias",
        "bias.csv",
        b"ID,Bias\nfig-dev-0000,Unclear\nfig-dev-0000,Unclear\n",
        "line 3",
    ),
}


def _positional(imported, subtask: str, bad_line: int, bad: str) -> bytes:
    n = len(imported.gold(subtask))
    good = "Egypt" if imported.name == "nadi2021" else "2.5"
    return "".join(f"{bad if i == bad_line else good}\n" for i in range(1, n + 1)).encode()


@pytest.mark.parametrize("name", ALL)
def test_an_invalid_file_fails_with_the_line_it_is_on(name, import_template):
    imported = import_template(name)
    subtask, filename, content, where = INVALID[name]
    if content is None:
        content = _positional(imported, subtask, int(where.split()[1]), "Atlantis")
    body = imported.submit(subtask, content, filename)
    assert body["status"] == "failed" and where in body["error"], body["error"]
    assert body["scores"] == {}


# The subtask whose baseline (the one its task file names) runs in the slow test, per template.
BASELINE_SUBTASK = {
    "semeval2024-task8": "a-mono",
    "genai-detection-task1": "monolingual",
    "raid-task3": "detection",
    "autextification2023": "subtask1-en",
    "ruatd2022": "binary",
    "ainl-eval2025": "detection",
    "nadi2021": "1-1",
    "sts2017": "track5-en-en",
    "str2024": "b-unsupervised",
    "fincausal2020": "task2",
    "fignews2024": "bias",
}


@pytest.mark.parametrize("name", ALL)
def test_every_subtask_names_a_baseline_that_can_serve_it(name, import_template):
    imported = import_template(name)
    for subtask in imported.task.subtasks.all():
        spec = scorers.load_spec(subtask_scorer_spec(subtask, split="dev"))
        method = METHODS[subtask.baseline_method]
        fits = []
        for task in method.tasks:
            try:
                check_task(task, spec)
            except BaselineError:
                continue
            fits.append(task)
        assert fits, (subtask.slug, subtask.baseline_method)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="needs the baselines")
@pytest.mark.parametrize("name", ALL)
def test_the_templates_baseline_runs_on_cpu_and_shows_as_a_baseline_row(name, import_template):
    imported = import_template(name)
    slug = BASELINE_SUBTASK[name]
    subtask = imported.task.subtasks.get(slug=slug)
    method = subtask.baseline_method
    run = baseline_start(
        subtask=subtask, method=method, by=imported.organiser, params={"device": "cpu"},
        enqueue=False,
    )  # fmt: skip
    assert baseline_execute(run_id=run.pk) == "done", run.log
    run.refresh_from_db()
    assert subtask.primary_metric in run.dev_scores, run.dev_scores
    for submission in Submission.objects.filter(is_baseline=True):
        assert submission_score(submission_id=submission.pk) == "scored", submission.log
    for phase in (imported.dev, imported.test):
        board = imported.client.get(f"/api/v1/phases/{phase.pk}/leaderboard/?subtask={slug}").json()
        if phase == imported.test and phase.leaderboard_mode == "hidden":
            continue  # hidden until the organisers reveal it
        (row,) = board["rows"]
        assert row["is_baseline"] and row["method"] == method and row["primary"] is not None


def test_fignews_shows_how_many_items_each_team_covered(import_template):
    imported = import_template("fignews2024")
    gold = imported.gold("bias")
    rows = "".join(f"{g['ID']},{g['Bias']}\n" for g in gold[: len(gold) // 2])
    body = imported.submit("bias", f"ID,Bias\n{rows}".encode(), "bias.csv")
    assert body["scores"]["all"]["overall"]["items_covered"] == len(gold) // 2
    board = imported.leaderboard("bias")
    assert board["columns"] == ["cohen_kappa", "accuracy", "items_covered"]
    assert board["rows"][0]["metrics"]["items_covered"] == len(gold) // 2
    # Below the minimum coverage (10% of the posts) a file is refused, and says why.
    body = imported.submit("bias", f"ID,Bias\n{gold[0]['ID']},Unclear\n".encode(), "one.csv")
    assert body["status"] == "failed" and f"1 of the {len(gold)} ids" in body["error"]


def test_the_gold_never_reaches_a_participant(import_template):
    imported = import_template("raid-task3")
    body = imported.client.get(f"/api/v1/tasks/{imported.task.slug}/").content.decode()
    gold_only = {g["attack"] for g in imported.gold("detection")} - {"none"}
    assert "gold" not in json.loads(body) and not any(f'"{a}"' in body for a in gold_only)
