"""Admin: each phase's board settings (significance level, resamples), scoped to organisers."""

from django.contrib import admin

from podium.admin_scoping import ScopedModelAdmin

from .models import BoardSettings
from .snapshots import phase_boards_request_rebuild


@admin.register(BoardSettings)
class BoardSettingsAdmin(ScopedModelAdmin):
    task_path = "phase__task"
    list_display = ["phase", "significance_level", "resamples"]
    fields = ["phase", "significance_level", "resamples"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # New settings change the clusters: rebuild the phase's boards.
        phase_boards_request_rebuild(phase=obj.phase)
