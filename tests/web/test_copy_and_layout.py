"""What a participant reads: no doubled words ("Team Team Alice", "a: A: ..."), metric titles
rather than raw keys, a notice that does not go stale, friendly error pages, Podium's own admin
branding and favicon, and tables that scroll inside their wrapper on a phone."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import RequestFactory

from podium.sharedtasks.models import Subtask
from podium.web.templatetags.podium import subtask_heading

from .conftest import browser, html, make_scored, prediction

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_the_team_name_is_not_prefixed_with_team(cast):
    cast.alpha.name = "Team Alice"
    cast.alpha.save()
    assert "Team Team" not in html(cast.participant, "/teams/")
    assert "<h1>Team Alice</h1>" in html(cast.participant, "/teams/")
    assert "Team Team" not in html(cast.participant, "/tasks/tiny/")


@pytest.mark.parametrize(
    ("slug", "title", "heading"),
    [
        ("a", "A: human vs machine", "A: human vs machine"),
        ("a", "Human or machine", "a: Human or machine"),
        ("en", "EN monolingual", "EN monolingual"),
        ("b", "", "b"),
    ],
)
def test_a_subtask_heading_names_the_subtask_once(slug, title, heading):
    assert subtask_heading(Subtask(slug=slug, title=title)) == heading


def test_the_task_page_heading_does_not_repeat_the_letter(cast):
    Subtask.objects.filter(pk=cast.subtask.pk).update(title="A: human vs machine")
    page = html(None, "/tasks/tiny/")
    assert "<h3>A: human vs machine</h3>" in page and "a: A:" not in page


def test_my_submissions_shows_metric_titles_not_keys(cast):
    make_scored(cast, team=cast.alpha, phase=cast.dev, value=0.5)
    page = html(cast.participant, "/tasks/tiny/submissions/")
    assert "accuracy <strong>0.5000</strong>" in page
    assert "accuracy=" not in page and "language=en" not in page
    assert "language: en" in page


def test_the_received_notice_does_not_claim_a_status_that_goes_stale(cast):
    client = browser(cast.participant)
    response = client.post(
        "/tasks/tiny/submit/",
        {"phase": cast.dev.pk, "subtask": "a", "file": prediction(), "method_name": "m"},
        follow=True,
    )
    page = response.content.decode()
    assert "received" in page and "queued for scoring" not in page


def test_an_unknown_page_is_a_friendly_404_without_the_url_list(settings):
    settings.DEBUG = False
    response = browser().get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and "/no-such-page/" in page and 'href="/tasks/"' in page
    assert "URLconf" not in page


def test_a_server_error_page_is_friendly():
    from django.views.defaults import server_error

    page = server_error(RequestFactory().get("/")).content.decode()
    assert "Something went wrong" in page and "favicon.svg" in page


def test_the_demo_serves_with_debug_off():
    script = (ROOT / "scripts/demo.sh").read_text()
    assert re.search(r"DEBUG=false \S*python manage.py runserver --insecure", script)


def test_the_admin_is_branded_podium(client):
    page = client.get("/admin/login/").content.decode()
    assert "Podium administration" in page and "Django administration" not in page


def test_every_page_links_the_favicon_that_exists():
    page = html(None, "/tasks/")
    assert re.search(r'<link rel="icon" href="/static/web/favicon.svg"', page)
    assert finders.find("web/favicon.svg")


def test_tables_sit_in_a_scrolling_wrapper(cast):
    make_scored(cast, team=cast.alpha, phase=cast.dev)
    css = (ROOT / "platform/podium/web/static/web/podium.css").read_text()
    assert re.search(r"\.table-wrap \{ overflow-x: auto; \}", css)
    for url in ("/tasks/", "/teams/", "/tasks/tiny/submissions/", "/tasks/tiny/results/"):
        page = html(cast.participant, url)
        tables = re.findall(r'(.{0,40})<table class="list', page, flags=re.S)
        assert tables, url
        assert all('<div class="table-wrap">' in before for before in tables), url


def test_the_profile_says_what_a_missing_email_means(cast):
    page = html(cast.participant, "/accounts/profile/")
    assert "<dd>none</dd>" not in page and "a password reset needs one" in page
