"""The task list and the task page for anonymous visitors, participants, outsiders, organisers;
registering a team from the task page."""

import pytest

from podium.sharedtasks.models import SharedTask
from podium.teams.models import Registration
from podium.teams.services import team_create

from .conftest import browser, html

pytestmark = pytest.mark.django_db

TASK = "/tasks/tiny/"


def test_the_task_list_shows_published_tasks_with_status_and_team_count(cast):
    SharedTask.objects.create(slug="secret", title="Secret draft")
    page = html(None, "/tasks/")
    assert "Tiny task" in page and "Open: Development" in page
    assert "Secret draft" not in page
    row = page[page.index("Tiny task") :]
    assert '<td class="num">2</td>' in row[: row.index("</tr>")]  # Alpha and Beta are approved


def test_the_home_page_leads_to_the_task_list(cast):
    response = browser().get("/")
    assert response.status_code == 302 and response["Location"] == "/tasks/"


def test_organisers_see_their_drafts_marked_as_such(cast):
    draft = SharedTask.objects.create(slug="secret", title="Secret draft")
    draft.organisers.add(cast.organiser)
    page = html(cast.organiser, "/tasks/")
    assert "Secret draft" in page and "badge draft" in page
    assert "Secret draft" not in html(cast.participant, "/tasks/")


def test_an_empty_task_list_says_why(db):
    assert "No shared task is published yet" in html(None, "/tasks/")


def test_anonymous_visitors_see_the_overview_but_no_download_links(cast):
    page = html(None, TASK)
    assert "A <em>small</em> task." in page
    assert "Log in</a> or" in page
    assert "/data/a/" not in page and "for registered teams" in page
    assert "Next: <strong>Evaluation</strong> starts on" in page


def test_approved_participants_get_links_for_released_splits_only(cast):
    page = html(cast.participant, TASK)
    assert "badge approved" in page and "Alpha" in page
    assert 'href="/tasks/tiny/data/a/dev/"' in page and 'href="/tasks/tiny/data/a/train/"' in page
    assert 'href="/tasks/tiny/data/a/test/"' not in page and "released on" in page
    assert cast.task.canary in page


def test_organisers_get_every_link_and_no_registration_form(cast):
    page = html(cast.organiser, TASK)
    assert 'href="/tasks/tiny/data/a/test/"' in page
    assert "You organise this task" in page and "Register" not in page


def test_a_signed_in_user_without_a_team_is_sent_to_make_one(cast):
    page = html(cast.stranger, TASK)
    assert "You are not in a team yet" in page and 'href="/teams/"' in page


def test_a_captain_of_an_unregistered_team_gets_the_form_and_registers(cast):
    team_create(name="Gamma", captain=cast.stranger)
    page = html(cast.stranger, TASK)
    assert "Register Gamma" in page and 'name="accept_terms"' not in page  # tiny has no terms
    response = browser(cast.stranger).post("/tasks/tiny/register/")
    assert response.status_code == 302
    assert Registration.objects.get(team__name="Gamma").status == "pending"
    page = html(cast.stranger, TASK)
    assert "badge pending" in page and "approve each team" in page


def test_tasks_with_terms_need_them_accepted(cast):
    cast.task.terms = "Be *nice*."
    cast.task.save()
    team_create(name="Gamma", captain=cast.stranger)
    client = browser(cast.stranger)
    assert 'name="accept_terms"' in client.get(TASK).content.decode()
    client.post("/tasks/tiny/register/")
    assert not Registration.objects.filter(team__name="Gamma").exists()
    client.post("/tasks/tiny/register/", {"accept_terms": "on"})
    assert Registration.objects.filter(team__name="Gamma").exists()


def test_open_tasks_approve_at_once(cast):
    cast.task.registration_policy = "open"
    cast.task.save()
    team_create(name="Gamma", captain=cast.stranger)
    browser(cast.stranger).post("/tasks/tiny/register/")
    assert Registration.objects.get(team__name="Gamma").status == "approved"


def test_rejected_and_member_states_are_explained(cast):
    Registration.objects.filter(team=cast.beta).update(status="rejected")
    assert "declined this registration" in html(cast.outsider, TASK)
    Registration.objects.filter(team=cast.alpha).delete()
    page = html(cast.teammate, TASK)  # a member, not the captain
    assert "its captain can register it" in page and "Register Alpha" not in page
    browser(cast.teammate).post("/tasks/tiny/register/")
    assert not Registration.objects.filter(team=cast.alpha).exists()


def test_registering_needs_a_post_and_a_login(cast):
    assert browser(cast.participant).get("/tasks/tiny/register/").status_code == 405
    response = browser().post("/tasks/tiny/register/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_draft_task_page_is_not_found_except_for_its_organisers(cast):
    cast.task.visibility = "draft"
    cast.task.save()
    for user in (None, cast.participant, cast.other_organiser):
        assert browser(user).get(TASK).status_code == 404
    assert browser(cast.organiser).get(TASK).status_code == 200
