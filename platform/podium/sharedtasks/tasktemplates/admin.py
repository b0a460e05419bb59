"""The admin page "New task from a template": pick a template, give a slug and a title.

Registered on the admin site by `register_template_view` (one line in sharedtasks/admin.py); the
task list links to it from its object tools (templates/admin/sharedtasks/sharedtask/).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from podium.permissions import is_organiser
from podium.sharedtasks.tasktemplates.services import (
    TemplateRefused,
    task_create_from_template,
    template_list,
)

URL_NAME = "sharedtasks_sharedtask_from_template"


class FromTemplateForm(forms.Form):
    template = forms.ChoiceField(help_text="The shared task to start from (docs/templates.md).")
    slug = forms.SlugField(max_length=64, help_text="The new task's address, e.g. my-task-2027.")
    title = forms.CharField(max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [
            (t.name, f"{t.title} ({', '.join(t.subtasks)})") for t in template_list()
        ]


def from_template_view(request, site: admin.AdminSite):
    if not is_organiser(request.user):
        raise PermissionDenied
    form = FromTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task = task_create_from_template(by=request.user, **form.cleaned_data)
        except TemplateRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Draft task {task.slug!r} created from the template with its sample data; "
                "replace the data of each subtask, the dates and the texts, then publish it.",
            )
            return redirect(reverse("admin:sharedtasks_sharedtask_change", args=[task.pk]))
    context = {
        **site.each_context(request),
        "title": "New task from a template",
        "form": form,
        "templates": template_list(),
    }
    return TemplateResponse(request, "admin/sharedtasks/sharedtask/from_template.html", context)


def register_template_view(site: admin.AdminSite) -> None:
    """Add the page to `site`'s URLs, under the task list (admin/sharedtasks/sharedtask/...)."""
    original = site.get_urls

    def get_urls():
        view = site.admin_view(lambda request: from_template_view(request, site))
        mine = [path("sharedtasks/sharedtask/from-template/", view, name=URL_NAME)]
        return mine + original()

    site.get_urls = get_urls
