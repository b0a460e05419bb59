"""The submissions table's htmx fragment, the team's own file, and marking the final one."""

import pytest

from podium.submissions.final import submission_mark_final
from podium.submissions.models import Submission
from podium.submissions.uploads import SubmissionRefused

from .conftest import PRIVATE_VALUE, browser, html, make_scored

pytestmark = pytest.mark.django_db

PAGE = "/tasks/tiny/submissions/"
TABLE = "/tasks/tiny/submissions/table/"


def queued(cast, team, phase):
    submission = make_scored(cast, team=team, phase=phase)
    submission.scores.all().delete()
    Submission.objects.filter(pk=submission.pk).update(status="queued")
    return submission


def test_the_table_polls_only_while_something_is_queued_or_running(cast):
    submission = queued(cast, cast.alpha, cast.dev)
    page = html(cast.participant, PAGE)
    assert f'hx-get="{TABLE}"' in page and 'hx-trigger="every 2s"' in page
    fragment = html(cast.participant, TABLE)
    assert fragment.startswith('<div id="submissions-live"') and "<html" not in fragment
    assert "badge queued" in fragment
    Submission.objects.filter(pk=submission.pk).update(status="scored")
    fragment = html(cast.participant, TABLE)
    assert "hx-trigger" not in fragment and "badge scored" in fragment


def test_the_fragment_shows_only_the_teams_own_submissions_and_public_scores(cast, test_phase_open):
    make_scored(cast, team=cast.alpha, phase=test_phase_open, value=0.5)
    fragment = html(cast.participant, TABLE)
    assert "accuracy <strong>0.5000</strong>" in fragment and f"{PRIVATE_VALUE:.4f}" not in fragment
    assert "organiser-only" not in fragment
    other = html(cast.outsider, TABLE)
    assert "No submissions yet" in other and "Alpha method" not in other


def test_the_fragment_needs_a_login(cast):
    response = browser().get(TABLE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_failed_submissions_show_the_error_with_its_line(cast):
    failed = make_scored(cast, team=cast.alpha, phase=cast.dev)
    Submission.objects.filter(pk=failed.pk).update(
        status="failed", error="line 3: 'robot' is not a label (human, machine)"
    )
    page = html(cast.teammate, PAGE)
    assert "line 3: &#x27;robot&#x27; is not a label" in page and "badge failed" in page


def test_members_download_their_file_and_others_get_not_found(cast):
    submission = make_scored(cast, team=cast.alpha, phase=cast.dev)
    url = f"/tasks/tiny/submissions/{submission.pk}/file/"
    response = browser(cast.teammate).get(url)
    assert response.status_code == 200 and b'"label"' in b"".join(response.streaming_content)
    for user in (cast.outsider, cast.stranger, cast.other_organiser):
        assert browser(user).get(url).status_code == 404
    assert browser().get(url).status_code == 302


@pytest.fixture
def chosen_phase(cast, test_phase_open):
    test_phase_open.selection = "chosen"
    test_phase_open.save()
    return test_phase_open


def test_marking_final_unsets_the_previous_final(cast, chosen_phase):
    first = make_scored(cast, team=cast.alpha, phase=chosen_phase)
    second = make_scored(cast, team=cast.alpha, phase=chosen_phase)
    client = browser(cast.teammate)
    assert "Mark final" in client.get(PAGE).content.decode()
    assert client.get(f"/tasks/tiny/submissions/{first.pk}/final/").status_code == 405
    client.post(f"/tasks/tiny/submissions/{first.pk}/final/")
    client.post(f"/tasks/tiny/submissions/{second.pk}/final/")
    finals = Submission.objects.filter(is_final=True)
    assert list(finals.values_list("pk", flat=True)) == [second.pk]
    assert "badge final" in client.get(PAGE).content.decode()


def test_only_members_mark_final_and_only_where_the_rule_is_chosen(cast, chosen_phase):
    submission = make_scored(cast, team=cast.alpha, phase=chosen_phase)
    assert (
        browser(cast.outsider).post(f"/tasks/tiny/submissions/{submission.pk}/final/").status_code
        == 404
    )
    with pytest.raises(SubmissionRefused, match="Only the team's members"):
        submission_mark_final(submission=submission, by=cast.outsider)
    dev_one = make_scored(cast, team=cast.alpha, phase=cast.dev)
    with pytest.raises(SubmissionRefused, match="nothing to choose"):
        submission_mark_final(submission=dev_one, by=cast.participant)
    assert "Mark final" not in html(cast.participant, PAGE).split(f"submission-{submission.pk}")[0]


def test_final_is_fixed_once_the_phase_ends_and_failed_ones_cannot_count(cast, chosen_phase):
    from datetime import timedelta

    submission = make_scored(cast, team=cast.alpha, phase=chosen_phase)
    with pytest.raises(SubmissionRefused, match="closed"):
        submission_mark_final(
            submission=submission, by=cast.participant, now=chosen_phase.end + timedelta(1)
        )
    Submission.objects.filter(pk=submission.pk).update(status="failed")
    with pytest.raises(SubmissionRefused, match="A failed submission"):
        submission_mark_final(submission=submission, by=cast.participant)
    assert not Submission.objects.filter(is_final=True).exists()
