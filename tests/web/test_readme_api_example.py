"""The README's REST API example, run as written (curl and python3 in bash) against a live
server holding the demo: it logs in as alice, uploads to demo-mgt by slug, reads the board."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from podium.submissions.models import Submission

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("curl"), reason="the README's example needs curl"),
]


def readme_api_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("  BASE=http://127.0.0.1:8000")
    end = readme.index("  ```", start)
    return "\n".join(line[2:] for line in readme[start:end].splitlines())


def test_the_readme_api_example_uploads_and_reads_the_board(
    live_server, settings, tmp_path, monkeypatch, no_broker
):
    settings.VAR_DIR = tmp_path / "var"
    monkeypatch.delenv("PODIUM_DEMO_PASSWORD", raising=False)
    call_command("seed_demo", "--no-baselines", stdout=open("/dev/null", "w"))  # noqa: SIM115
    script = (
        readme_api_block()
        .replace("http://127.0.0.1:8000", live_server.url)
        .replace("var/demo-passwords.json", str(settings.VAR_DIR / "demo-passwords.json"))
        .replace("pred.jsonl", str(tmp_path / "pred.jsonl"))
    )
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    submission = Submission.objects.get(user__username="alice")
    assert (submission.phase.task.slug, submission.phase.slug, submission.subtask.slug) == (
        "demo-mgt",
        "dev",
        "a",
    )
    assert f'"id":{submission.pk},"status":"queued"' in done.stdout
    assert '"task":"demo-mgt","phase":"dev","subtask":"a"' in done.stdout  # the board
