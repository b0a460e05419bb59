"""A newcomer signs up, creates a team, registers for a task, uploads a file, watches it become
scored, and finds the team on the results page."""

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import make_scored

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def predictions(tmp_path):
    labels = ["human", "machine"]
    path = tmp_path / "predictions.jsonl"
    path.write_text(
        "".join(json.dumps({"id": f"x{i}", "label": labels[i % 2]}) + "\n" for i in range(10))
    )
    return path


def test_a_newcomer_goes_from_sign_up_to_the_results_page(
    cast, new_page, screenshot, scoring_in_threads, tmp_path
):
    cast.task.registration_policy = "open"
    cast.task.terms = "Be **fair**: no hand labelling."
    cast.task.save()
    make_scored(cast, team=cast.alpha, phase=cast.dev, value=0.7)
    page = new_page()

    page.goto("/tasks/")
    expect(page.get_by_role("link", name="Tiny task")).to_be_visible()
    screenshot(page, "01-tasks")

    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Email").fill("newcomer@example.org")
    page.locator("#id_password1").fill("a-long-pass-phrase-9")
    page.locator("#id_password2").fill("a-long-pass-phrase-9")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome, newcomer!")).to_be_visible()

    page.get_by_label("Team name").fill("Newcomers")
    page.get_by_role("button", name="Create team").click()
    expect(page.get_by_role("heading", name="Newcomers", exact=True)).to_be_visible()
    screenshot(page, "02-team")

    page.goto("/tasks/tiny/")
    page.get_by_label("My team accepts the rules and terms of this task.").check()
    page.get_by_role("button", name="Register Newcomers").click()
    expect(page.get_by_text("Newcomers is registered for Tiny task.")).to_be_visible()
    expect(page.locator(".badge.approved")).to_be_visible()
    screenshot(page, "03-task")

    page.get_by_role("navigation", name="Task").get_by_role("link", name="Submit").click()
    expect(page.get_by_text("Submissions left today: 5")).to_be_visible()
    page.get_by_label("Subtask").select_option("a")
    page.get_by_label("Prediction file").set_input_files(str(predictions(tmp_path)))
    page.get_by_label("Method name").fill("alternating guesser")
    screenshot(page, "04-submit")
    page.get_by_role("button", name="Submit", exact=True).click()

    page.wait_for_url("**/tasks/tiny/submissions/")
    expect(page.get_by_text(re.compile(r"Submission #\d+ received"))).to_be_visible()
    # The htmx fragment polls until the scorer (in the sandbox) has finished.
    live = page.locator("#submissions-live")
    expect(live.locator(".badge.scored")).to_be_visible(timeout=60_000)
    expect(live).not_to_have_attribute("hx-trigger", "every 2s")
    expect(live).to_contain_text("accuracy 1.0000")
    screenshot(page, "05-submissions")

    page.get_by_role("link", name="Results").click()
    board = page.locator("section.board").first
    row = board.locator("tr.mine")
    expect(row).to_contain_text("Newcomers")
    expect(row).to_contain_text("alternating guesser")
    expect(board.locator("tbody tr").first).to_contain_text("Newcomers")  # 1.0 beats Alpha's 0.7
    expect(board.locator("svg title")).to_have_count(1)
    screenshot(page, "06-results")

    page.get_by_role("link", name="newcomer").click()
    page.get_by_role("button", name="Create a token").click()
    expect(page.get_by_label("Your token")).to_have_value(re.compile(r"^[0-9a-f]{40}$"))
    screenshot(page, "07-profile")
