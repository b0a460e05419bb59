"""The one cast of the platform tests, and the factories it is made of.

Who is who (every folder's `cast` fixture is this object, on its own task):

- participant (captain) and teammate: team Alpha, approved for the task
- outsider: captain of team Beta, also approved: a rival who must not see Alpha's files
- stranger: signed in, in no team
- organiser of the task; other_organiser organises another task only
- anonymous: a visitor who is not signed in

Attribute access (`cast.participant`) and key access (`cast["participant"]`) both work, so tests
written either way share it. Every user's password is `pw-<username>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from factory.django import DjangoModelFactory

from podium.permissions import organiser_grant
from podium.sharedtasks.models import Phase, SharedTask, Subtask
from podium.teams.models import Membership, Registration, Team

# The suite creates hundreds of users: the production hasher would spend most of its time on them.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.LazyAttribute(lambda user: "pw-" + user.username)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # create_user hashes the password and normalises the e-mail address, as sign-up does.
        return model_class.objects.create_user(*args, **kwargs)

    @factory.post_generation
    def organiser(user, create, extracted, **kwargs):
        if create and extracted:
            organiser_grant(user=user)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.LazyAttribute(lambda team: team.name.lower().replace(" ", "-"))


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    team = factory.SubFactory(TeamFactory)
    status = Registration.Status.APPROVED


@dataclass
class Cast:
    task: SharedTask
    organiser: object
    other_organiser: object
    participant: object
    teammate: object
    outsider: object
    stranger: object
    alpha: Team
    beta: Team
    anonymous: object

    @property
    def team(self) -> Team:
        """The participant's team."""
        return self.alpha

    @cached_property
    def subtask(self) -> Subtask:
        return self.task.subtasks.get()

    @cached_property
    def dev(self) -> Phase:
        return self.task.phases.get(slug="dev")

    @cached_property
    def test(self) -> Phase:
        return self.task.phases.get(slug="test")

    def __getitem__(self, role: str):
        return getattr(self, role)


def team_with(*, name: str, captain, members=(), task: SharedTask | None = None) -> Team:
    team = TeamFactory(name=name)
    MembershipFactory(team=team, user=captain, role=Membership.Role.CAPTAIN)
    for member in members:
        MembershipFactory(team=team, user=member)
    if task is not None:
        RegistrationFactory(team=team, task=task)
    return team


def cast_build(*, task: SharedTask) -> Cast:
    organiser = UserFactory(username="org", organiser=True)
    task.organisers.add(organiser)
    other_organiser = UserFactory(username="otherorg", organiser=True)
    other, _ = SharedTask.objects.get_or_create(
        slug="other", defaults={"title": "Other", "visibility": "published"}
    )
    other.organisers.add(other_organiser)
    participant, teammate = UserFactory(username="pat"), UserFactory(username="tim")
    outsider, stranger = UserFactory(username="olga"), UserFactory(username="stan")
    return Cast(
        task=task,
        organiser=organiser,
        other_organiser=other_organiser,
        participant=participant,
        teammate=teammate,
        outsider=outsider,
        stranger=stranger,
        alpha=team_with(name="Alpha", captain=participant, members=[teammate], task=task),
        beta=team_with(name="Beta", captain=outsider, task=task),
        anonymous=AnonymousUser(),
    )
