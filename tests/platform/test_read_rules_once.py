"""Read rules live once, on querysets (docs/architecture.md): no module spells them out again.

- "is organiser of": SharedTask.objects.organised_by (sharedtasks/models.py)
- "approved": Registration.objects.approved / Team.objects.approved_for (teams/models.py)
- "active" (queued or running): Submission.ACTIVE_STATUSES (submissions/models.py)
"""

import re
from pathlib import Path

PODIUM = Path(__file__).resolve().parents[2] / "platform" / "podium"

RULES = {
    "sharedtasks/models.py": re.compile(r"organisers(__\w+)?=|__organisers\b"),
    "teams/models.py": re.compile(
        r"registrations__status|(status|filter)\W*=\W*Registration\.Status\.APPROVED\)"
    ),
    "submissions/models.py": re.compile(r"QUEUED, (Submission\.)?Status\.RUNNING"),
}


def sources():
    for path in PODIUM.rglob("*.py"):
        if "migrations" not in path.parts:
            yield path.relative_to(PODIUM).as_posix(), path.read_text(encoding="utf-8")


def test_each_read_rule_is_spelled_out_in_one_place_only():
    repeated = [
        f"{name}:{number}: {line.strip()}  (the rule lives in {home})"
        for name, text in sources()
        for home, pattern in RULES.items()
        if name != home
        for number, line in enumerate(text.splitlines(), 1)
        if pattern.search(line)
    ]
    assert repeated == []


def test_organised_by_asks_nothing_of_the_database_for_anonymous_or_inactive_users(
    db, django_assert_num_queries, make_user
):
    from django.contrib.auth.models import AnonymousUser

    from podium.sharedtasks.models import SharedTask

    inactive = make_user("gone", organiser=True, is_active=False)
    with django_assert_num_queries(0):
        assert list(SharedTask.objects.organised_by(AnonymousUser())) == []
        assert list(SharedTask.objects.organised_by(inactive)) == []
        assert list(SharedTask.objects.organised_by(None)) == []
