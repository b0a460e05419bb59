"""Bundles this project writes itself, in both formats (nothing is copied from elsewhere).

- `v2_bundle`: a Codabench folder (competition.yaml `version: 2`), Markdown pages, a program
  using absolute /app paths that writes scores.json (macro-averaged recall and accuracy), a dev
  and a test task whose test reference holds public/ and private/ folders; a dev input folder,
  a zipped test input and one starting-kit folder named by both tasks.
- `v1_zip`: a CodaLab v1.5 zip, HTML pages, zipped program and references, a program that
  takes `$input $output` and writes scores.txt (mean absolute error, lower is better); a zipped
  starting kit (practice phase) and a single-file public_data (final phase).
"""

from __future__ import annotations

import io
import json
import textwrap
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from podium.sandbox import sandbox_available
from podium.sandbox.policy import probe_sandbox

IDS = [f"d{i}" for i in range(12)]
GOLD = ["pos", "neg", "neu"] * 4
PUBLIC, PRIVATE = IDS[:6], IDS[6:]
NUMBERS = [float(i) for i in range(12)]
MARKER = "BUNDLE-GOLD-51ac"
STARTING_KIT_README = "Starting kit: write predictions.json and zip it.\n"

V2_PROGRAM = """
import json, os
gold = json.load(open("/app/input/ref/gold.json"))
pred = json.load(open(os.path.join("/app/input/res", "predictions.json")))
labels = sorted(set(gold.values()))
recalls = []
for label in labels:
    ids = [i for i, g in gold.items() if g == label]
    recalls.append(sum(pred.get(i) == label for i in ids) / len(ids))
accuracy = sum(pred.get(i) == g for i, g in gold.items()) / len(gold)
json.dump({"macro_recall": sum(recalls) / len(recalls), "accuracy": accuracy,
           "debug_rows": len(gold)}, open("/app/output/scores.json", "w"))
"""

V1_PROGRAM = """
import os, sys
src, out = sys.argv[1], sys.argv[2]
gold = dict(l.split() for l in open(os.path.join(src, "ref", "truth.txt")) if l.count(" ") == 1)
pred = dict(l.split() for l in open(os.path.join(src, "res", "answer.txt")) if l.strip())
mae = sum(abs(float(pred[i]) - float(g)) for i, g in gold.items()) / len(gold)
open(os.path.join(out, "scores.txt"), "w").write(f"mae: {mae}\\nset1_score: {1 / (1 + mae)}\\n")
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def folder_zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def dates():
    now = timezone.now()
    return now - timedelta(days=2), now - timedelta(days=1), now + timedelta(days=20)


@pytest.fixture
def v2_bundle(tmp_path) -> Path:
    root = tmp_path / "v2"
    dev_start, test_start, test_end = dates()
    write(root / "program/score.py", V2_PROGRAM)
    write(root / "program/metadata.yaml", "command: python3 /app/program/score.py\n")
    gold = dict(zip(IDS, GOLD, strict=True))
    write(root / "dev_ref/gold.json", json.dumps(gold))
    for name, ids in (("public", PUBLIC), ("private", PRIVATE)):
        write(root / f"test_ref/{name}/gold.json", json.dumps({i: gold[i] for i in ids}))
    write(root / "test_ref/private/notes.txt", MARKER)
    write(root / "dev_input/dev.jsonl", "".join(f'{{"id": "{i}"}}\n' for i in IDS))
    write(root / "test_src/test.jsonl", "".join(f'{{"id": "{i}", "x": 1}}\n' for i in IDS))
    (root / "test_input.zip").write_bytes(folder_zip(root / "test_src"))
    write(root / "starting_kit/README.md", STARTING_KIT_README)
    write(root / "starting_kit/sample/predictions.json", "{}")
    write(root / "overview.md", "# Sentiment\n\nClassify each *post*.\n")
    write(root / "terms.md", "Be nice.\n")
    write(
        root / "competition.yaml",
        f"""
        version: 2
        title: Bundle Sentiment 2027
        description: A sentiment task imported from a bundle.
        image: logo.png
        docker_image: codalab/codalab-legacy:py39
        registration_auto_approve: true
        terms: terms.md
        pages:
          - title: Overview
            file: overview.md
        tasks:
          - index: 0
            name: Sentiment dev
            scoring_program: program
            reference_data: dev_ref
            input_data: dev_input
            starting_kit: starting_kit
          - index: 1
            name: Sentiment
            scoring_program: program
            reference_data: test_ref
            input_data: test_input.zip
            starting_kit: starting_kit
        phases:
          - index: 0
            name: Development
            start: {dev_start:%m-%d-%Y}
            max_submissions_per_day: 0
            max_submissions: 100
            execution_time_limit: 120
            tasks: [0]
          - index: 1
            name: Evaluation
            start: {test_start.isoformat()}
            end: {test_end:%Y-%m-%d}
            max_submissions_per_day: 3
            tasks: [1]
        leaderboards:
          - index: 0
            title: Results
            key: main
            submission_rule: Force_Last
            columns:
              - title: Macro recall
                key: macro_recall
                index: 0
                sorting: desc
                precision: 3
              - title: Accuracy
                key: accuracy
                index: 1
                sorting: desc
        fact_sheet: {{method: {{key: method, type: text}}}}
        """,
    )
    return root


@pytest.fixture
def v1_zip(tmp_path) -> Path:
    root = tmp_path / "v1"
    dev_start, test_start, test_end = dates()
    program = root / "src/program"
    write(program / "evaluate.py", V1_PROGRAM)
    write(program / "metadata", "command: python $program/evaluate.py $input $output\n")
    truth = "\n".join(f"{i} {n}" for i, n in zip(IDS, NUMBERS, strict=True))
    write(root / "src/ref/truth.txt", f"{MARKER} x y\n{truth}\n")
    write(root / "src/kit/README.txt", STARTING_KIT_README)
    (root / "bundle").mkdir(parents=True)
    (root / "bundle/starting_kit.zip").write_bytes(folder_zip(root / "src/kit"))
    write(root / "bundle/ids.txt", "\n".join(IDS) + "\n")
    (root / "bundle/program.zip").write_bytes(folder_zip(program))
    (root / "bundle/reference.zip").write_bytes(folder_zip(root / "src/ref"))
    write(root / "bundle/overview.html", "<p>Predict a <b>number</b>.</p><script>alert(1)</script>")
    write(root / "bundle/terms.html", "<p>Terms.</p>")
    write(
        root / "bundle/competition.yaml",
        f"""
        title: Legacy Regression
        description: A CodaLab v1.5 bundle.
        has_registration: True
        end_date: {test_end:%Y-%m-%d}
        html:
          overview: overview.html
          terms: terms.html
        phases:
          1:
            phasenumber: 1
            label: "Practice"
            start_date: {dev_start:%Y-%m-%d}
            max_submissions_per_day: 0
            scoring_program: program.zip
            reference_data: reference.zip
            starting_kit: starting_kit.zip
          2:
            phasenumber: 2
            label: "Final"
            start_date: {test_start:%Y-%m-%d %H:%M:%S}
            max_submissions: 5
            force_best_submission_to_leaderboard: True
            scoring_program: program.zip
            reference_data: reference.zip
            ingestion_program: program.zip
            public_data: ids.txt
        leaderboard:
          leaderboards:
            RESULTS: &RESULTS
              label: Results
              rank: 1
          columns:
            mae:
              leaderboard: *RESULTS
              label: MAE
              rank: 1
              numeric_format: 3
              sort: asc
            set1_score:
              leaderboard: *RESULTS
              label: Score
              rank: 2
        """,
    )
    target = tmp_path / "v1.zip"
    target.write_bytes(folder_zip(root / "bundle"))
    return target


@pytest.fixture
def sandbox():
    if not sandbox_available():
        pytest.skip(f"bubblewrap cannot run here: {probe_sandbox()}")


def submit(user, phase, subtask_slug: str, content: bytes, name="results.zip") -> int:
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(
        "/api/v1/submissions/",
        {"phase": phase.pk, "subtask": subtask_slug, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
