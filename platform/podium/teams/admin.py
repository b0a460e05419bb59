from django.contrib import admin, messages

from podium.admin_scoping import OwnRowsOnly, ScopedModelAdmin
from podium.teams.forms import TeamAdminForm
from podium.teams.models import Membership, Registration, Team
from podium.teams.services import registrations_decide


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """Teams are the participants' own; only superusers manage them in the admin."""

    form = TeamAdminForm
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]
    readonly_fields = ["invite_code"]


@admin.register(Registration)
class RegistrationAdmin(ScopedModelAdmin):
    list_display = ["team", "task", "status", "created_at", "decided_at", "decided_by"]
    list_filter = ["status", ("task", OwnRowsOnly)]
    search_fields = ["team__name"]
    readonly_fields = ["created_at", "decided_at", "decided_by"]
    actions = ["approve", "reject"]

    def get_readonly_fields(self, request, obj=None):
        # Once a team has asked, only the approve/reject actions change a registration: they
        # record who decided and when, and the team and task are the team's own choice.
        if obj is not None:
            return ["team", "task", "status", *self.readonly_fields]
        return self.readonly_fields

    def has_add_permission(self, request, obj=None):
        # Teams register themselves; organisers decide.
        return request.user.is_superuser

    @admin.action(description="Approve selected registrations")
    def approve(self, request, queryset):
        changed = registrations_decide(
            registrations=queryset, status=Registration.Status.APPROVED, by=request.user
        )
        self.message_user(request, f"{changed} registration(s) approved.", messages.SUCCESS)

    @admin.action(description="Reject selected registrations")
    def reject(self, request, queryset):
        changed = registrations_decide(
            registrations=queryset, status=Registration.Status.REJECTED, by=request.user
        )
        self.message_user(request, f"{changed} registration(s) rejected.", messages.SUCCESS)
