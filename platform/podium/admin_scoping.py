"""Admin classes that show an organiser only the rows of the tasks they organise."""

from django.contrib import admin

from podium.permissions import is_organiser


class OrganiserScopedMixin:
    """Restrict an admin to rows reachable from the user's own tasks.

    `task_path` is the lookup from the model to its SharedTask ("" for SharedTask itself).
    Superusers see everything. Permission comes from being an organiser, not from Django's model
    permissions, so that granting the role is one step.
    """

    task_path: str = "task"

    def _task_filter(self, request, prefix: str = "") -> dict:
        from podium.sharedtasks.models import SharedTask

        path = prefix + (f"{self.task_path}__" if self.task_path else "pk__")
        return {f"{path}in": SharedTask.objects.organised_by(request.user)}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**self._task_filter(request)).distinct()

    def has_module_permission(self, request):
        return is_organiser(request.user)

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user) and self._owns(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_organiser(request.user) and self._owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_organiser(request.user) and self._owns(request, obj)

    def has_add_permission(self, request, obj=None):
        return is_organiser(request.user)

    def _owns(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        model = type(obj)
        return model.objects.filter(pk=obj.pk, **self._task_filter(request)).exists()


class ScopedModelAdmin(OrganiserScopedMixin, admin.ModelAdmin):
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Offer only the user's own tasks, subtasks and phases in drop-downs."""
        from podium.sharedtasks.models import Phase, SharedTask, Subtask

        if not request.user.is_superuser:
            own = SharedTask.objects.organised_by(request.user)
            scoped = {
                SharedTask: {"pk__in": own},
                Subtask: {"task__in": own},
                Phase: {"task__in": own},
            }
            if db_field.related_model in scoped:
                kwargs["queryset"] = db_field.related_model.objects.filter(
                    **scoped[db_field.related_model]
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OwnRowsOnly(admin.RelatedOnlyFieldListFilter):
    """A list filter whose choices come from the rows this admin shows (so, for an organiser,
    only their own tasks and phases), not from every row of the related table."""
