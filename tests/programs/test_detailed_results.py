"""detailed_results.html: organisers always, the team only when allowed, sanitised, and a
private partition's details only once revealed."""

import pytest

from podium.leaderboards.services import phase_reveal
from podium.submissions.scoring import submission_score

from .conftest import api_submit, results_zip

pytestmark = pytest.mark.django_db


def scored(cast, phase):
    submission_id = api_submit(cast.participant, phase, results_zip())
    assert submission_score(submission_id=submission_id) == "scored"
    return f"/tasks/{cast.task.slug}/submissions/{submission_id}/detailed/"


def test_the_team_sees_details_only_when_the_organisers_allow(cast, client, sandbox):
    url = scored(cast, cast.dev)
    client.force_login(cast.participant)
    assert client.get(url).status_code == 404
    cast.program.detailed_results_to_team = True
    cast.program.save()
    page = client.get(url).content.decode()
    assert "<h2>Details</h2>" in page and "<script>x()" not in page
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404


def test_private_details_wait_for_the_reveal_but_organisers_see_them(cast, client, sandbox):
    cast.program.detailed_results_to_team = True
    cast.program.save()
    url = scored(cast, cast.test)
    client.force_login(cast.participant)
    page = client.get(url).content.decode()
    assert "<h2>public</h2>" in page and "<h2>private</h2>" not in page
    client.force_login(cast.organiser)
    assert "<h2>private</h2>" in client.get(url).content.decode()
    phase_reveal(phase=cast.test, by=cast.organiser)
    client.force_login(cast.participant)
    assert "<h2>private</h2>" in client.get(url).content.decode()
