"""What every test folder shares: isolated storage, a clean cache, a fast password hasher, the
broker stand-in, `make_user`, the small task file, and the one cast (tests/cast.py)."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def isolated_storage(settings, tmp_path):
    """Uploaded and gold files go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GOLD_ROOT = tmp_path / "gold"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
        "gold": {
            "BACKEND": "podium.storage.GoldStorage",
            "OPTIONS": {"location": tmp_path / "gold"},
        },
    }
    return tmp_path


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate limits live in the cache: each test starts with a clean count."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def no_broker(monkeypatch):
    """Scoring jobs are recorded instead of sent; the list holds the submission ids."""
    sent: list[int] = []
    monkeypatch.setattr(
        "podium.submissions.enqueue.submission_enqueue",
        lambda *, submission_id: sent.append(submission_id) or True,
    )
    return sent


@pytest.fixture(autouse=True, scope="session")
def fast_password_hasher():
    """One cheap hasher for the whole suite (the production one costs ~0.3 s per password)."""
    from django.test.utils import override_settings

    from tests.cast import FAST_PASSWORD_HASHERS

    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture
def fast_passwords():
    """Kept for tests that still ask for it: the session-wide hasher above already applies."""


@pytest.fixture
def make_user():
    """`make_user("ada", organiser=True)`: a user whose password is `pw-ada`."""

    def make(username: str, *, organiser: bool = False, **extra):
        from tests.cast import UserFactory

        return UserFactory(username=username, organiser=organiser, **extra)

    return make


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


TEXTS = {
    "human": "honestly the bus was late again so i walked",
    "machine": "as an ai language model i can certainly help with that",
}


@pytest.fixture
def small_task_files(tmp_path):
    """A minimal valid task file with data: one labelled subtask, dev and test phases."""
    base = tmp_path / "task"
    ids = [f"x{i}" for i in range(10)]
    labels = ["human", "machine"]
    write_jsonl(
        base / "data/train.jsonl",
        [{"id": f"t{i}", "text": TEXTS[labels[i % 2]], "label": labels[i % 2]} for i in range(10)],
    )
    for split in ("dev", "test"):
        inputs = [{"id": i, "text": TEXTS[labels[n % 2]]} for n, i in enumerate(ids)]
        write_jsonl(base / f"data/{split}.jsonl", inputs)
        gold = [{"id": i, "label": labels[n % 2], "language": "en"} for n, i in enumerate(ids)]
        if split == "test":
            for n, row in enumerate(gold):
                row["partition"] = "public" if n < 4 else "private"
        write_jsonl(base / f"data/{split}.gold.jsonl", gold)
    now = timezone.now().replace(microsecond=0)
    (base / "task.yaml").write_text(
        f"""
slug: tiny
title: Tiny task
description: A *small* task.
visibility: published
registration: approval
subtasks:
  - slug: a
    title: Human or machine
    format:
      {{type: jsonl, id_field: id, value_field: label, value_type: label, labels: [human, machine]}}
    scorer:
      metrics: [accuracy, macro_f1]
      primary: accuracy
      direction: higher
      group_fields: [language]
    data:
      train: {{inputs: data/train.jsonl}}
      dev: {{inputs: data/dev.jsonl, gold: data/dev.gold.jsonl}}
      test: {{inputs: data/test.jsonl, gold: data/test.gold.jsonl}}
phases:
  - slug: dev
    name: Development
    split: dev
    start: {(now - timedelta(days=1)).isoformat()}
    end: {(now + timedelta(days=30)).isoformat()}
    limits: {{per_day: 5, total: 50, concurrent: 2}}
  - slug: test
    name: Evaluation
    kind: test
    split: test
    start: {(now + timedelta(days=30)).isoformat()}
    end: {(now + timedelta(days=40)).isoformat()}
    selection: last
    leaderboard: private_at_end
""",
        encoding="utf-8",
    )
    return base / "task.yaml"


def services_configured() -> bool:
    import os

    return os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get(
        "CELERY_BROKER_URL", ""
    ).startswith("redis")


def pytest_collection_modifyitems(config, items):
    """Tests marked `services` need real PostgreSQL and Redis; without them they are skipped."""
    if services_configured():
        return
    skip = pytest.mark.skip(
        reason="needs DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://..."
    )
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)
