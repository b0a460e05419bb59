"""The phase-wide admin actions (score again, reveal, hide), and each phase's board settings.

They call services of submissions and leaderboards, which sit above sharedtasks in the apps'
dependency order (docs/architecture.md), so sharedtasks' PhaseAdmin cannot name them; this app,
loaded after sharedtasks (INSTALLED_APPS order decides admin autodiscovery), registers Phase again
with them.
"""

from django.contrib import admin, messages

from podium.admin_scoping import ScopedModelAdmin
from podium.leaderboards.models import BoardSettings
from podium.leaderboards.services import RevealError, phase_hide, phase_reveal
from podium.leaderboards.snapshots import phase_boards_request_rebuild
from podium.sharedtasks.admin import PhaseAdmin
from podium.sharedtasks.models import Phase
from podium.submissions.models import Submission
from podium.submissions.rescoring import submissions_rescore

admin.site.unregister(Phase)


@admin.register(Phase)
class PhaseActionsAdmin(PhaseAdmin):
    actions = ["rescore", "reveal", "hide"]

    @admin.action(description="Score every submission of the selected phases again")
    def rescore(self, request, queryset):
        count = submissions_rescore(submissions=Submission.objects.filter(phase__in=queryset))
        self.message_user(
            request, f"{count} submission(s) queued for scoring again.", messages.SUCCESS
        )

    @admin.action(description="Reveal the private ranking of the selected phases")
    def reveal(self, request, queryset):
        for phase in queryset:
            phase_reveal(phase=phase, by=request.user)
        self.message_user(request, f"{queryset.count()} phase(s) revealed.", messages.SUCCESS)

    @admin.action(description="Hide the private ranking of the selected phases again")
    def hide(self, request, queryset):
        for phase in queryset:
            try:
                phase_hide(phase=phase, by=request.user)
            except RevealError as exc:
                self.message_user(request, f"{phase}: {exc}", messages.ERROR)


@admin.register(BoardSettings)
class BoardSettingsAdmin(ScopedModelAdmin):
    task_path = "phase__task"
    list_display = ["phase", "significance_level", "resamples"]
    fields = ["phase", "significance_level", "resamples"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # New settings change the clusters: rebuild the phase's boards.
        phase_boards_request_rebuild(phase=obj.phase)
