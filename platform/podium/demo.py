"""The demo: generated data for three tasks, an organiser and two participant teams."""

import hashlib
import importlib.util
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from podium.baselineruns.models import BaselineRun
from podium.baselineruns.services import baseline_start
from podium.permissions import organiser_grant
from podium.sharedtasks.models import SharedTask
from podium.sharedtasks.taskfile.importer import task_import
from podium.teams.models import Membership, Registration, Team
from podium.teams.services import team_create

FIXTURES_DIR = settings.BASE_DIR / "fixtures"
DEMO_DIR = FIXTURES_DIR / "demo"
ORGANISER = "organiser"
PARTICIPANTS = {"alice": "Team Alice", "bob": "Team Bob"}


@dataclass
class DemoLogin:
    username: str
    password: str | None  # None: unchanged and unknown (set PODIUM_DEMO_PASSWORD to reset)
    role: str


def _generator_version() -> str:
    """A digest of the generator's code: the data it writes changes only when this does."""
    digest = hashlib.sha256()
    for path in [FIXTURES_DIR / "generate_demo.py", *sorted(FIXTURES_DIR.glob("demo_data/*.py"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def demo_generate_data() -> bool:
    """Run fixtures/generate_demo.py unless the data it would write is already there (it is
    deterministic: a stamp of the generator's code says whether the files are current). Returns
    whether it generated. The stamp goes first, so an interrupted run generates again."""
    stamp, version = DEMO_DIR / ".data-version", _generator_version()
    current = stamp.exists() and stamp.read_text() == version
    if current and all((path.parent / "data").is_dir() for path in demo_task_files()):
        return False
    stamp.unlink(missing_ok=True)
    spec = importlib.util.spec_from_file_location(
        "generate_demo", FIXTURES_DIR / "generate_demo.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate_all(DEMO_DIR)
    stamp.write_text(version)
    return True


def demo_task_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("*/task.yaml"))


def _passwords_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-passwords.json"


def _demo_password(username: str, remembered: dict) -> str:
    """PODIUM_DEMO_PASSWORD when set; else one generated once and kept in var/ for the demo."""
    return os.environ.get("PODIUM_DEMO_PASSWORD") or remembered.setdefault(
        username, secrets.token_urlsafe(9)
    )


def _ensure_user(username: str, password: str):
    user, created = get_user_model().objects.get_or_create(username=username)
    if created or not user.check_password(password):
        user.set_password(password)
        user.save()
    return user


@transaction.atomic
def demo_seed() -> list[DemoLogin]:
    """Import the demo tasks and create the demo accounts. Running it again changes nothing."""
    passwords_path = _passwords_file()
    remembered = json.loads(passwords_path.read_text()) if passwords_path.exists() else {}

    organiser = _ensure_user(ORGANISER, _demo_password(ORGANISER, remembered))
    organiser_grant(user=organiser)
    logins = [DemoLogin(ORGANISER, _demo_password(ORGANISER, remembered), "organiser (admin)")]

    for path in demo_task_files():
        report = task_import(path=path)
        SharedTask.objects.get(slug=report.task_slug).organisers.add(organiser)

    for username, team_name in PARTICIPANTS.items():
        user = _ensure_user(username, _demo_password(username, remembered))
        team = Team.objects.filter(name=team_name).first() or team_create(
            name=team_name, captain=user
        )
        Membership.objects.get_or_create(team=team, user=user)
        for task in SharedTask.objects.filter(slug__in=demo_task_slugs()):
            Registration.objects.update_or_create(
                team=team, task=task, defaults={"status": Registration.Status.APPROVED}
            )
        logins.append(DemoLogin(username, _demo_password(username, remembered), team_name))

    if remembered:
        passwords_path.parent.mkdir(parents=True, exist_ok=True)
        passwords_path.write_text(json.dumps(remembered))
        passwords_path.chmod(0o600)
    return logins


def demo_baseline_method(subtask) -> str:
    """The cheap (CPU, seconds) baseline that fits a subtask: TF-IDF for labels and similarity,
    word log-odds for the boundary subtask."""
    if subtask.value_type == "label":
        return "tfidf-lr"
    if subtask.value_type == "number":
        return "tfidf-cosine"
    return "word-logodds"


def demo_queue_baselines(*, report=print) -> list[BaselineRun]:
    """Send the demo subtasks' cheap baselines to the workers (the `gpu` queue), so that the site
    answers at once and the baseline rows appear when each run is scored. A subtask whose run is
    queued, running or done is left alone, so running the demo again queues nothing twice."""
    organiser = get_user_model().objects.get(username=ORGANISER)
    live = [BaselineRun.Status.QUEUED, BaselineRun.Status.RUNNING, BaselineRun.Status.DONE]
    queued = []
    for task in SharedTask.objects.filter(slug__in=demo_task_slugs()):
        for subtask in task.subtasks.all():
            method = demo_baseline_method(subtask)
            if BaselineRun.objects.filter(subtask=subtask, method=method, status__in=live).exists():
                continue
            with transaction.atomic():
                run = baseline_start(subtask=subtask, method=method, by=organiser)
            queued.append(run)
            report(f"  baseline {method} on {subtask}: queued (run #{run.pk})")
    return queued


def demo_task_slugs() -> list[str]:
    import yaml

    return [yaml.safe_load(p.read_text())["slug"] for p in demo_task_files()]
