"""An organiser reveals the private ranking and the page switches; an outsider cannot see another
team's submissions."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.api.conftest import PRIVATE_VALUE

from .conftest import log_in, make_scored

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRIVATE = f"{PRIVATE_VALUE:.4f}"


@pytest.fixture
def scored_test_phase(cast):
    cast.test.start = timezone.now() - timedelta(hours=1)
    cast.test.save()
    make_scored(cast, team=cast.alpha, phase=cast.test, value=0.8)
    make_scored(cast, team=cast.beta, phase=cast.test, value=0.9, private=0.3)
    return cast.test


def test_the_organisers_reveal_switches_the_results_page(
    cast, scored_test_phase, new_page, screenshot
):
    visitor = new_page()
    visitor.goto("/tasks/tiny/results/?phase=test")
    expect(visitor.locator("#partition-note")).to_contain_text("public partition")
    assert PRIVATE not in visitor.content()
    screenshot(visitor, "08-results-public")

    organiser = new_page()
    log_in(organiser, "org", "pw-org")
    organiser.goto("/tasks/tiny/results/?phase=test")
    organiser.get_by_role("button", name="Reveal the rankings to everyone").click()
    expect(organiser.get_by_text("are revealed to everyone")).to_be_visible()
    expect(organiser.locator("#partition-note")).to_contain_text("private partition")

    visitor.reload()
    expect(visitor.locator("#partition-note")).to_contain_text("private partition")
    first = visitor.locator("section.board table.ranking tbody tr").first
    expect(first).to_contain_text("Alpha")  # 0.616 private beats Beta's 0.3
    expect(first).to_contain_text(PRIVATE)
    screenshot(visitor, "09-results-revealed")


def test_an_outsider_cannot_see_another_teams_submissions(cast, new_page, screenshot):
    alphas = make_scored(cast, team=cast.alpha, phase=cast.dev, value=0.7)
    page = new_page()
    log_in(page, "olga", "pw-olga")  # captain of Beta
    page.goto("/tasks/tiny/submissions/")
    expect(page.get_by_text("No submissions yet")).to_be_visible()
    assert "Alpha method" not in page.content()
    screenshot(page, "10-outsider-submissions")
    response = page.goto(f"/tasks/tiny/submissions/{alphas.pk}/file/")
    assert response.status == 404
    page.goto("/tasks/tiny/submissions/table/")
    assert "Alpha method" not in page.content()
