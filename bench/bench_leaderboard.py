"""Benchmark of a leaderboard read with 10,000 scored submissions; prints figures, asserts nothing.

    .venv/bin/python bench/bench_leaderboard.py [--teams 100] [--per-team 100] [--runs 7]
        [--api-runs 20]

Builds one task with a test phase: N teams x M scored submissions (plus failed ones and three
baseline methods), each scored on 5 metrics overall and per language (3) and domain (2) on both
the public and private partitions (~55 Score rows per submission: over half a million rows).
Then times `podium.leaderboards.selectors.leaderboard()` (median of warm runs) for the best and
last rules on the public and private boards, counts its queries, and compares with a naive
per-team loop (a query per team for its pick, one more for that pick's scores).
Last, times the API read `GET /api/v1/phases/{id}/leaderboard/?subtask=a&partition=...` through
django.test.Client in this process, as a participant (token auth, a member of a registered team):
median and p95 over --api-runs warm requests, the query count and the JSON size.

The database is throwaway: a SQLite file in a temporary folder (PODIUM_VAR_DIR is pointed there
before Django starts, so var/podium.sqlite3 is never touched), or, with DATABASE_URL set, a
PostgreSQL test database created next to the configured one and dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta

TMP = tempfile.TemporaryDirectory(prefix="podium-bench-")
os.environ["PODIUM_VAR_DIR"] = TMP.name
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podium.settings")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from podium.leaderboards.selectors import leaderboard  # noqa: E402
from podium.sharedtasks.models import Phase, SharedTask, Subtask  # noqa: E402
from podium.submissions.models import Score, Submission  # noqa: E402
from podium.teams.models import Membership, Registration, Team  # noqa: E402

METRICS = ["accuracy", "macro_f1", "precision", "recall", "auroc"]
GROUPS = {"language": ["en", "de", "ar"], "domain": ["news", "wiki"]}


def build(teams: int, per_team: int, seed: int = 7) -> tuple[Phase, Subtask, int]:
    """The task, its phase and subtask, and how many Score rows were written."""
    rng = random.Random(seed)
    now = timezone.now()
    task = SharedTask.objects.create(slug="bench", title="Bench", visibility="published")
    subtask = Subtask.objects.create(
        task=task,
        slug="a",
        title="A",
        file_format="jsonl",
        metrics=METRICS,
        primary_metric="accuracy",
        group_fields=list(GROUPS),
    )
    phase = Phase.objects.create(
        task=task,
        slug="test",
        name="Test",
        kind="test",
        split="test",
        start=now - timedelta(days=30),
        end=now - timedelta(days=1),
        revealed_at=now,
    )
    user = get_user_model().objects.create_user("bench")
    team_rows = Team.objects.bulk_create(
        Team(name=f"team-{i:03d}", slug=f"team-{i:03d}", invite_code=f"code-{i}")
        for i in range(teams)
    )
    plan = [(team, "scored", False, "") for team in team_rows for _ in range(per_team)]
    plan += [(team, "failed", False, "") for team in team_rows[:: max(1, teams // 10)]]
    plan += [(None, "scored", True, m) for m in ("majority", "tf-idf", "xlm-r") for _ in range(3)]
    rng.shuffle(plan)
    created_at = Submission._meta.get_field("created_at")
    created_at.auto_now_add = False  # spread submission times over the phase
    try:
        subs = Submission.objects.bulk_create(
            (
                Submission(
                    team=team,
                    user=user,
                    phase=phase,
                    subtask=subtask,
                    file="x",
                    sha256="0" * 64,
                    status=status,
                    is_baseline=baseline,
                    method_name=method,
                    created_at=phase.start + timedelta(seconds=n * 60),
                )
                for n, (team, status, baseline, method) in enumerate(plan)
            ),
            batch_size=2000,
        )
    finally:
        created_at.auto_now_add = True
    scores = 0
    batch: list[Score] = []
    for sub in subs:
        if sub.status != "scored":
            continue
        for partition in ("public", "private"):
            base = rng.random()
            cells = [("", "")] + [(f, v) for f, values in GROUPS.items() for v in values]
            for group_field, group_value in cells:
                for metric in METRICS:
                    value = None if rng.random() < 0.002 else round(base + rng.random() / 10, 4)
                    batch.append(
                        Score(
                            submission=sub,
                            partition=partition,
                            metric=metric,
                            group_field=group_field,
                            group_value=group_value,
                            value=value,
                        )
                    )
        if len(batch) >= 20000:
            scores += len(Score.objects.bulk_create(batch))
            batch = []
    scores += len(Score.objects.bulk_create(batch))
    return phase, subtask, scores


def naive(phase: Phase, subtask: Subtask, partition: str) -> list[tuple]:
    """What a first version would do: loop over teams, a query or two each (N+1)."""
    rows = []
    team_ids = (
        Submission.objects.filter(phase=phase, subtask=subtask, status="scored", team__isnull=False)
        .order_by()  # without this, the model's ordering column defeats DISTINCT
        .values_list("team_id", flat=True)
        .distinct()
    )
    order = "-value" if subtask.direction == "higher" else "value"
    for team_id in team_ids:
        pick = (
            Score.objects.filter(
                submission__team_id=team_id,
                submission__phase=phase,
                submission__subtask=subtask,
                submission__status="scored",
                partition="public",
                metric=subtask.primary_metric,
                group_field="",
                value__isnull=False,
            )
            .select_related("submission__team")
            .order_by(order, "submission__created_at")
            .first()
        )
        if pick is None:
            continue
        cells = list(pick.submission.scores.filter(partition=partition))
        rows.append((pick.submission.team.name, pick.submission_id, len(cells)))
    return rows


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = int(position), min(int(position) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def participant_token(phase: Phase) -> str:
    """A participant: member of the first team, registered (approved) for the task."""
    user = get_user_model().objects.create_user("participant")
    team = Team.objects.order_by("slug").first()
    Membership.objects.create(team=team, user=user, role="captain")
    Registration.objects.create(team=team, task=phase.task, status="approved")
    return Token.objects.create(user=user).key


def api_read(client: Client, url: str, token: str, runs: int) -> dict:
    """Timings (ms) of `runs` warm GETs, the query count of one, and the answer."""
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    response = client.get(url, **headers)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code} {response.content[:300]!r}")
    times, count = measure(lambda: client.get(url, **headers), runs)
    return {
        "median": statistics.median(times),
        "p95": percentile(times, 0.95),
        "min": min(times),
        "queries": count,
        "bytes": len(response.content),
        "rows": len(response.json().get("rows", [])),
    }


def measure(fn, runs: int) -> tuple[list[float], int]:
    """Wall times in ms of `runs` warm runs (after one warm-up), and the query count of one run."""
    fn()  # warm-up: caches, SQLite pages, Python imports
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    # An execute wrapper counts without DEBUG's query log, which stops at 9,000 entries.
    with connection.execute_wrapper(counter):
        fn()
    return times, count


def timed(fn, runs: int) -> tuple[float, int]:
    """Median wall time in ms over `runs` warm runs, and the query count of one run."""
    times, count = measure(fn, runs)
    return statistics.median(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--per-team", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--api-runs", type=int, default=20)
    args = parser.parse_args()

    postgres = bool(os.environ.get("DATABASE_URL"))
    if postgres:
        test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        call_command("migrate", verbosity=0)
    try:
        print(f"database: {connection.vendor} {'(test database)' if postgres else TMP.name}")
        start = time.perf_counter()
        phase, subtask, score_rows = build(args.teams, args.per_team)
        built = time.perf_counter() - start
        submissions = Submission.objects.filter(phase=phase).count()
        print(
            f"data: {args.teams} teams, {submissions} submissions, {score_rows} Score rows, "
            f"built in {built:.1f} s"
        )
        viewer = AnonymousUser()
        print(
            f"{'rule':<6} {'board':<8} {'rows':>5} {'selector ms':>12} {'queries':>8} "
            f"{'naive ms':>9} {'queries':>8} {'ratio':>6}"
        )
        for rule in ("best", "last"):
            Phase.objects.filter(pk=phase.pk).update(selection=rule)
            phase.refresh_from_db()
            for partition in ("public", "private"):
                board = leaderboard(
                    phase=phase, subtask=subtask, partition=partition, viewer=viewer
                )
                fast_ms, fast_q = timed(
                    lambda p=partition: leaderboard(
                        phase=phase, subtask=subtask, partition=p, viewer=viewer
                    ),
                    args.runs,
                )
                naive_cell = f"{'':>9} {'':>8} {'':>6}"
                if rule == "best":  # the naive loop only knows the best rule
                    slow_ms, slow_q = timed(lambda p=partition: naive(phase, subtask, p), 3)
                    naive_cell = f"{slow_ms:>9.1f} {slow_q:>8} {slow_ms / fast_ms:>5.1f}x"
                print(
                    f"{rule:<6} {partition:<8} {len(board.rows):>5} {fast_ms:>12.1f} "
                    f"{fast_q:>8} {naive_cell}"
                )

        token = participant_token(phase)
        client = Client(HTTP_HOST="localhost")  # DEBUG is off: "testserver" is not allowed
        print(
            f"\nAPI GET /api/v1/phases/{phase.pk}/leaderboard/?subtask={subtask.slug}&partition=P "
            f"(django.test.Client, in process, as a participant; {args.api_runs} warm requests; "
            f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores)"
        )
        print(
            f"{'rule':<6} {'board':<8} {'rows':>5} {'median ms':>10} {'p95 ms':>8} {'min ms':>7} "
            f"{'queries':>8} {'JSON bytes':>11}"
        )
        for rule in ("best", "last"):
            Phase.objects.filter(pk=phase.pk).update(selection=rule)
            for partition in ("public", "private"):
                url = (
                    f"/api/v1/phases/{phase.pk}/leaderboard/"
                    f"?subtask={subtask.slug}&partition={partition}"
                )
                api = api_read(client, url, token, args.api_runs)
                print(
                    f"{rule:<6} {partition:<8} {api['rows']:>5} {api['median']:>10.1f} "
                    f"{api['p95']:>8.1f} {api['min']:>7.1f} {api['queries']:>8} "
                    f"{api['bytes']:>11,}"
                )
    finally:
        if postgres:
            connection.creation.destroy_test_db(test_db, verbosity=0)
        TMP.cleanup()


if __name__ == "__main__":
    sys.exit(main())
