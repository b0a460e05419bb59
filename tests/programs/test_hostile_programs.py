"""Hostile scoring programs: each is contained, the submission ends failed with the right
message for the right people, nothing reaches the team, and the worker keeps scoring."""

import pytest

from podium.submissions.models import Submission
from podium.submissions.program_scoring import PROGRAM_FAILED
from podium.submissions.scoring import submission_score

from .conftest import REF_MARKER, api_read, api_submit, results_zip

pytestmark = pytest.mark.django_db

# Every hostile program below still writes a valid score when it survives, so a run that
# "succeeds" at its attack shows up in the extra keys rather than as a failure.
PRELUDE = """
import json, os
def done(**extra):
    json.dump({"accuracy": 0.5, "n": 1, **extra}, open("/app/output/scores.json", "w"))
"""


def run(cast, body: str, *, phase=None, **program) -> Submission:
    for name, value in program.items():
        setattr(cast.program, name, value)
    cast.program.save()
    cast.set_program(PRELUDE + body, "python3 /app/program/score.py", name="hostile")
    submission_id = api_submit(cast.participant, phase or cast.dev, results_zip())
    submission_score(submission_id=submission_id)
    return Submission.objects.get(pk=submission_id)


def assert_organisers_failure(cast, submission: Submission, *, log_says: str) -> None:
    assert submission.status == "failed"
    assert submission.error == PROGRAM_FAILED
    assert log_says in submission.log
    assert submission.program_runs.filter(organiser_fault=True).exists()
    body, raw = api_read(cast.participant, submission.pk)
    assert body["error"] == PROGRAM_FAILED and "log" not in body
    assert all(marker not in raw for marker in REF_MARKER.values())


def assert_worker_still_scores(cast) -> None:
    cast.set_program(PRELUDE + "done()\n", "python3 /app/program/score.py", name="healthy")
    submission_id = api_submit(cast.participant, cast.dev, results_zip())
    assert submission_score(submission_id=submission_id) == "scored"


def test_no_network(cast, sandbox):
    submission = run(
        cast,
        """
import socket
reached = 0
for host, port in (("127.0.0.1", 6379), ("127.0.0.1", 5432), ("1.1.1.1", 53)):
    try:
        socket.create_connection((host, port), timeout=2).close()
        reached += 1
    except OSError:
        pass
try:
    socket.getaddrinfo("pypi.org", 443)
    reached += 1
except OSError:
    pass
done(reached=reached)
""",
    )
    assert submission.status == "scored"
    assert submission.program_runs.get().extra_scores["reached"] == 0


def test_public_run_never_sees_the_private_reference(cast, sandbox):
    submission = run(
        cast,
        """
# Markers built at run time: this program's own source, under /app/program, must not match.
public, private = "REF-" + "PUBLIC", "REF-" + "PRIVATE"
saw = {public: 0, private: 0}
# Everything the sandbox offers besides the read-only system and Python installation.
for root in ("/app", "/tmp", "/job", "/var", "/home", "/work/wt", "/proc/self/cwd"):
    for folder, _, files in os.walk(root):
        for name in files:
            try:
                text = open(os.path.join(folder, name), errors="replace").read(1 << 20)
            except OSError:
                continue
            for marker in saw:
                saw[marker] |= marker in text
done(saw_public=int(saw[public]), saw_private=int(saw[private]))
""",
        phase=cast.test,
    )
    assert submission.status == "scored", submission.log
    runs = {r.partition: r.extra_scores for r in submission.program_runs.all()}
    assert runs["public"] == {"saw_public": 1, "saw_private": 0}
    assert runs["private"] == {"saw_public": 0, "saw_private": 1}


def test_writes_outside_the_output_folder_fail(cast, sandbox):
    submission = run(
        cast,
        """
wrote = 0
for path in ("/app/program/x", "/app/input/ref/truth.txt", "/app/input/res/x", "/app/x",
             "/app/shared/x", "/usr/x", "/x"):
    try:
        open(path, "w").write("x")
        wrote += 1
    except OSError:
        pass
done(wrote=wrote)
""",
    )
    assert submission.status == "scored"
    assert submission.program_runs.get().extra_scores["wrote"] == 0


def test_a_symlinked_scores_json_is_refused(cast, sandbox):
    submission = run(cast, 'os.symlink("/app/input/ref/truth.txt", "/app/output/scores.json")\n')
    assert_organisers_failure(cast, submission, log_says="scores.json is a symlink")


def test_a_huge_scores_json_is_refused(cast, sandbox):
    # 1 GB requested; the file-size limit stops the writes at output_mb, the reader at 1 MB.
    submission = run(
        cast,
        """
try:
    with open("/app/output/scores.json", "w") as f:
        for _ in range(1024):
            f.write("1" * (1 << 20))
except OSError:
    pass
""",
        output_mb=4,
    )
    assert_organisers_failure(cast, submission, log_says="scores.json is larger than")


def test_nan_scores_fail_naming_the_key(cast, sandbox):
    submission = run(
        cast, 'open("/app/output/scores.json", "w").write(\'{"accuracy": NaN, "n": 1}\')\n'
    )
    assert_organisers_failure(cast, submission, log_says="score 'accuracy' is nan")


def test_a_missing_declared_key_fails_naming_it(cast, sandbox):
    submission = run(cast, 'json.dump({"acc": 1, "n": 1}, open("/app/output/scores.json", "w"))\n')
    assert_organisers_failure(cast, submission, log_says="lack the declared key 'accuracy'")


def test_fork_bomb_is_contained(cast, sandbox):
    submission = run(
        cast,
        """
import time
children = 0
for _ in range(500):
    try:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        children += 1
    except OSError:
        break
time.sleep(30)
""",
        timeout_s=4,
    )
    assert_organisers_failure(cast, submission, log_says="time limit")
    assert_worker_still_scores(cast)


def test_infinite_loop_is_killed_at_the_time_limit(cast, sandbox):
    submission = run(cast, "while True:\n    pass\n", timeout_s=2)
    assert_organisers_failure(cast, submission, log_says="2 s time limit")
    assert_worker_still_scores(cast)


def test_a_crash_quotes_nothing_unless_stderr_is_participant_safe(cast, sandbox):
    crash = 'raise SystemExit("bad input " + open("/app/input/ref/truth.txt").readline())\n'
    submission = run(cast, crash)
    assert_organisers_failure(cast, submission, log_says=REF_MARKER["all"])
    quoted = run(cast, 'raise SystemExit("line 3 of predictions.txt is not a label")\n',
                 stderr_participant_safe=True)  # fmt: skip
    assert quoted.status == "failed"
    assert "line 3 of predictions.txt is not a label" in quoted.error


def test_a_missing_module_is_named_for_the_organisers(cast, sandbox):
    submission = run(cast, "import sacrebleu_not_here\n")
    assert_organisers_failure(cast, submission, log_says="imports 'sacrebleu_not_here'")


def test_the_runtime_offers_the_documented_packages(cast, sandbox):
    submission = run(
        cast,
        """
import subprocess
import numpy, scipy, pandas, sklearn, yaml, psutil
perl = subprocess.run(["perl", "-e", "print 6*7"], capture_output=True, text=True).stdout
done(numpy=numpy.__version__, pandas=pandas.__version__, perl=perl)
""",
    )
    assert submission.status == "scored", submission.log
    extras = submission.program_runs.get().extra_scores
    assert extras["numpy"] and extras["perl"] == "42"
