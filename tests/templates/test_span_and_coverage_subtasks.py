"""Span and coverage subtasks as organisers configure them in the admin's subtask form, and as
participants read them on the task page."""

import json

import pytest
from django.forms.models import model_to_dict

from podium.sharedtasks.forms import SubtaskForm
from podium.sharedtasks.models import SharedTask
from podium.sharedtasks.tasktemplates.services import task_create_from_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def fincausal(make_user):
    organiser = make_user("org", organiser=True)
    return task_create_from_template(
        template="fincausal2020", slug="fc", title="FinCausal", by=organiser
    )


def _form(subtask, **changes) -> SubtaskForm:
    subtask = type(subtask).objects.get(pk=subtask.pk)  # a form that fails still edits its instance
    data = {k: v for k, v in model_to_dict(subtask).items() if v is not None}
    for key in ("labels", "metrics", "group_fields"):
        data[key] = json.dumps(data[key])
    data.update(changes)
    return SubtaskForm(data=data, instance=subtask)


def test_the_admin_form_accepts_a_span_subtask_and_refuses_one_without_columns(fincausal):
    spans = fincausal.subtasks.get(slug="task2")
    assert _form(spans).is_valid(), _form(spans).errors
    for name in ("span_cause_field", "span_effect_field", "span_text_field"):
        form = _form(spans, **{name: ""})
        assert not form.is_valid() and "Span answers need this column" in str(form.errors[name])
    form = _form(fincausal.subtasks.get(slug="task1"), span_cause_field="Cause")
    assert not form.is_valid() and "Only for the value type spans" in str(form.errors)


def test_the_admin_form_checks_the_minimum_coverage(fincausal):
    causal = fincausal.subtasks.get(slug="task1")
    assert _form(causal, min_coverage="0.25").is_valid()
    for bad in ("0", "1.5"):
        form = _form(causal, min_coverage=bad)
        assert not form.is_valid(), bad
        assert "above 0 and at most 1" in str(form.errors["min_coverage"]), form.errors


def test_participants_see_the_span_columns_and_never_the_spans(client, fincausal):
    SharedTask.objects.filter(pk=fincausal.pk).update(visibility="published")
    page = client.get(f"/tasks/{fincausal.slug}/").content.decode()
    assert "<code>Index</code>, <code>Cause</code> and <code>Effect</code>" in page
