"""The bench's state and section 1: task, teams and tokens, warm-up, upload-to-scored latency.

Bench.build() imports the generated task and registers the teams; Bench.latency() is section 1.
Section 2 (concurrent uploads) is submissions_concurrency.run_concurrency(bench, env).
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from pathlib import Path

from submissions_setup import task_yaml, write_predictions, write_split
from submissions_util import load, percentile

POLL_S = 0.02
LOG_RE = re.compile(r"sandboxed: (\w+), ([0-9.]+) s")


class Bench:
    def __init__(self, args, tmp: Path):
        self.args = args
        self.tmp = tmp
        self.problems: list[str] = []

    # set-up

    def build(self) -> None:
        from django.contrib.auth import get_user_model
        from rest_framework.authtoken.models import Token

        from podium.sharedtasks.models import SharedTask
        from podium.sharedtasks.taskfile.importer import task_import
        from podium.teams.models import Registration
        from podium.teams.services import team_create

        args = self.args
        rng = random.Random(11)
        base = self.tmp / "taskfile"
        start = time.perf_counter()
        small = write_split(base / "data/small", "s", args.small_rows, rng)
        big = write_split(base / "data/big", "b", args.big_rows, rng)
        self.pred_small = write_predictions(self.tmp / "pred-small.jsonl", "s", small, rng)
        self.pred_big = write_predictions(self.tmp / "pred-big.jsonl", "b", big, rng)
        (base / "task.yaml").write_text(task_yaml(args.small_rows, args.big_rows, args.cap))
        generated = time.perf_counter() - start
        start = time.perf_counter()
        task_import(path=base / "task.yaml")
        imported = time.perf_counter() - start

        self.task = SharedTask.objects.get(slug="bench")
        self.subtasks = {s.slug: s for s in self.task.subtasks.all()}
        self.phases = {p.slug: p for p in self.task.phases.all()}
        users = get_user_model().objects
        self.tokens: dict[str, str] = {}
        self.team_ids: dict[str, int] = {}
        for n in range(args.teams + 1):
            name = "latency" if n == args.teams else f"team-{n:03d}"
            user = users.create_user(f"user-{name}")
            team = team_create(name=name, captain=user)
            Registration.objects.create(team=team, task=self.task, status="approved")
            self.tokens[name] = Token.objects.create(user=user).key
            self.team_ids[name] = team.pk
        print(
            f"set-up: files for {args.small_rows:,} + {args.big_rows:,} gold rows generated in "
            f"{generated:.1f} s ({self.pred_small.stat().st_size / 1e6:.1f} MB and "
            f"{self.pred_big.stat().st_size / 1e6:.1f} MB prediction files), task imported in "
            f"{imported:.1f} s, {args.teams + 1} teams registered"
        )

    # one upload through the API, in process

    def upload(self, client, subtask: str, path: Path, label: str) -> tuple[int, float, float]:
        """POST the file; returns (submission id, wall start (epoch s), request seconds)."""
        phase = self.phases["dev"]
        with open(path, "rb") as handle:
            started_wall = time.time()
            started = time.perf_counter()
            response = client.post(
                "/api/v1/submissions/",
                {"phase": phase.pk, "subtask": subtask, "file": handle, "method_name": label},
                HTTP_AUTHORIZATION=f"Token {self.tokens['latency']}",
            )
            took = time.perf_counter() - started
        if response.status_code != 201:
            raise RuntimeError(f"upload refused: {response.status_code} {response.content[:500]}")
        return response.json()["id"], started_wall, took

    def wait_scored(self, pk: int, timeout: float):
        from podium.submissions.models import Submission

        done = {Submission.Status.SCORED, Submission.Status.FAILED}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = Submission.objects.filter(pk=pk).values_list("status", flat=True).first()
            if status in done:
                return time.time(), Submission.objects.get(pk=pk)
            time.sleep(POLL_S)
        raise RuntimeError(f"submission {pk} not finished after {timeout:.0f} s")

    def warm(self) -> None:
        from django.test import Client

        client = Client(HTTP_HOST="localhost")
        for slug, path in (("small", self.pred_small), ("big", self.pred_big)):
            start = time.perf_counter()
            pk, _, _ = self.upload(client, slug, path, "warm-up")
            _, sub = self.wait_scored(pk, self.args.timeout)
            if sub.status != "scored":
                raise RuntimeError(f"warm-up {slug}: {sub.status}: {sub.error}\n{sub.log[:2000]}")
            print(f"warm-up {slug}: scored in {time.perf_counter() - start:.2f} s")

    # 1. latency

    def latency(self) -> None:
        from django.test import Client

        client = Client(HTTP_HOST="localhost")
        runs = self.args.runs
        print(
            f"\n1. upload-to-scored latency, {runs} sequential uploads per size, warm worker "
            f"(polling every {POLL_S * 1000:.0f} ms) [{load()}]"
        )
        header = f"{'size':>10} {'figure':<24} {'p50':>9} {'p95':>9} {'min':>9} {'max':>9}"
        print(header)
        for slug, path, rows in (
            ("small", self.pred_small, self.args.small_rows),
            ("big", self.pred_big, self.args.big_rows),
        ):
            figures: dict[str, list[float]] = {
                name: []
                for name in (
                    "upload request s",
                    "queue wait s",
                    "job s",
                    "sandbox run s",
                    "job minus sandbox s",
                    "total s",
                    "sandbox share %",
                )
            }
            sandboxed = Counter()
            for run in range(runs):
                pk, started_wall, request_s = self.upload(client, slug, path, f"lat-{slug}-{run}")
                seen_wall, sub = self.wait_scored(pk, self.args.timeout)
                if sub.status != "scored":
                    self.problems.append(f"latency {slug} run {run}: {sub.status}: {sub.error}")
                    continue
                match = LOG_RE.search(sub.log)
                if not match:
                    self.problems.append(f"latency {slug} run {run}: no duration in the log")
                    continue
                sandboxed[match.group(1)] += 1
                sandbox_s = float(match.group(2))
                total = seen_wall - started_wall
                job = (sub.finished_at - sub.started_at).total_seconds()
                figures["upload request s"].append(request_s)
                figures["queue wait s"].append((sub.started_at - sub.created_at).total_seconds())
                figures["job s"].append(job)
                figures["sandbox run s"].append(sandbox_s)
                figures["job minus sandbox s"].append(job - sandbox_s)
                figures["total s"].append(total)
                figures["sandbox share %"].append(100 * sandbox_s / total)
            for name, values in figures.items():
                if not values:
                    continue
                print(
                    f"{rows:>10,} {name:<24} {percentile(values, 0.5):>9.3f} "
                    f"{percentile(values, 0.95):>9.3f} {min(values):>9.3f} {max(values):>9.3f}"
                )
            print(f"{'':>10} sandboxed runs: {dict(sandboxed)}  [{load()}]")

    # 2. concurrency
