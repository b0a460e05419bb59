"""Train a baseline for a subtask and submit its predictions as baseline rows.

    python manage.py run_baseline demo-mgt a tfidf-lr [--param C=2] [--seed 0] [--queue]

By default the run happens here, printing its progress, and the submissions it creates are
scored here too (so the leaderboard has the rows when the command ends). With --queue the run is
sent to the `gpu` queue instead, as the admin does.
"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from podium.baselineruns.models import BaselineRun
from podium.baselineruns.services import BaselineRefused, baseline_execute, baseline_start
from podium.sharedtasks.models import Subtask
from podium.submissions.scoring import submission_score


def parse_param(text: str) -> tuple[str, object]:
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise CommandError(f"--param expects KEY=VALUE, got {text!r}")
    try:
        return key, json.loads(raw)
    except ValueError:
        return key, raw


class Command(BaseCommand):
    help = "Train a baseline for TASK SUBTASK with METHOD and submit it as baseline rows."

    def add_arguments(self, parser):
        parser.add_argument("task")
        parser.add_argument("subtask")
        parser.add_argument("method")
        parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--user", help="who starts the run (default: the first organiser)")
        parser.add_argument("--queue", action="store_true", help="send to the gpu queue instead")

    def handle(self, *args, task, subtask, method, param, seed, user, queue, **options):
        found = Subtask.objects.filter(task__slug=task, slug=subtask).select_related("task").first()
        if found is None:
            raise CommandError(f"no subtask {subtask!r} in task {task!r}")
        starter = self._starter(found, user)
        params = dict(parse_param(p) for p in param)
        try:
            run = baseline_start(
                subtask=found, method=method, params=params, seed=seed, by=starter, enqueue=queue
            )
        except BaselineRefused as exc:
            raise CommandError(str(exc)) from exc
        if queue:
            self.stdout.write(f"baseline run #{run.pk} queued on the gpu queue")
            return
        self.stdout.write(f"baseline run #{run.pk}: {method} on {found} ...")
        status = baseline_execute(run_id=run.pk)
        run.refresh_from_db()
        if status != BaselineRun.Status.DONE:
            raise CommandError(f"baseline run #{run.pk} failed:\n{run.log[-3000:]}")
        self.stdout.write(f"dev scores: {json.dumps(run.dev_scores)}")
        for submission in run.submissions.select_related("phase"):
            # A running worker may have claimed it first; either way, report where it stands.
            submission_score(submission_id=submission.pk)
            submission.refresh_from_db()
            self.stdout.write(
                f"submission #{submission.pk} ({submission.phase.slug}): {submission.status}"
            )

    def _starter(self, subtask: Subtask, username: str | None):
        users = get_user_model().objects
        if username:
            found = users.filter(username=username).first()
            if found is None:
                raise CommandError(f"no user {username!r}")
            return found
        organiser = subtask.task.organisers.order_by("pk").first()
        fallback = organiser or users.filter(is_superuser=True).order_by("pk").first()
        if fallback is None:
            raise CommandError("the task has no organiser; name one with --user")
        return fallback
