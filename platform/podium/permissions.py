"""Who may organise: staff members of the Organisers group (and superusers)."""

from django.contrib.auth.models import Group

ORGANISERS_GROUP = "Organisers"


def is_organiser(user) -> bool:
    """May use the admin to create and configure tasks (only their own, except superusers)."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name=ORGANISERS_GROUP).exists()


def organiser_grant(*, user) -> None:
    """Let `user` into the admin as an organiser."""
    group, _ = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
