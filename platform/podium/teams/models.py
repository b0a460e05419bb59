"""Teams, their members, and their registrations for shared tasks."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


def new_invite_code() -> str:
    return secrets.token_urlsafe(12)


class TeamQuerySet(models.QuerySet):
    def approved_for(self, task):
        """Teams whose registration for `task` is approved (see RegistrationQuerySet.approved)."""
        return self.filter(registrations__in=Registration.objects.approved().filter(task=task))

    def of_user(self, user):
        """The user's team, as a queryset of at most one row (one team per person: a constraint)."""
        return self.filter(memberships__user=user)


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    invite_code = models.CharField(max_length=32, unique=True, default=new_invite_code)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        CAPTAIN = "captain", "Captain"
        MEMBER = "member", "Member"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One team per person, held here rather than only in teams.services, so that two
            # concurrent "create" or "join" requests of one person cannot both succeed. It also
            # keeps "my team" unambiguous on every page and in the upload path.
            models.UniqueConstraint(
                fields=["user"],
                name="membership_one_team_per_user",
                violation_error_message="This person is already in a team: one team per person.",
            ),
            # A team has at most one captain; hand-over swaps roles in one transaction.
            models.UniqueConstraint(
                fields=["team"], condition=Q(role="captain"), name="membership_one_captain"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class RegistrationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Registration.Status.APPROVED)


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="registrations")
    task = models.ForeignKey(
        "sharedtasks.SharedTask", on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["team", "task"], name="registration_one_per_team_task"),
        ]

    def __str__(self) -> str:
        return f"{self.team} for {self.task} ({self.status})"
