"""The results page says the baselines are training until their rows can appear."""

import pytest

from podium.baselineruns.models import BaselineRun
from podium.submissions.models import Submission

from .conftest import html, make_scored

pytestmark = pytest.mark.django_db

URL = "/tasks/tiny/results/"
NOTICE = "Baselines are training for Human or machine"


def run(cast, status):
    return BaselineRun.objects.create(
        subtask=cast.subtask, method="tfidf-lr", created_by=cast.organiser, status=status
    )


@pytest.mark.parametrize("status", ["queued", "running"])
def test_a_queued_or_training_baseline_is_announced(cast, status):
    run(cast, status)
    assert NOTICE in html(None, URL)


def test_a_trained_baseline_is_announced_until_its_submission_is_scored(cast):
    trained = run(cast, "done")
    submission = make_scored(cast, team=cast.alpha, phase=cast.dev)
    Submission.objects.filter(pk=submission.pk).update(status="queued", team=None, is_baseline=True)
    trained.submissions.add(submission)
    assert NOTICE in html(None, URL)
    Submission.objects.filter(pk=submission.pk).update(status="scored")
    assert "Baselines are training" not in html(None, URL)


def test_no_notice_without_runs_or_after_a_failed_one(cast):
    assert "Baselines are training" not in html(None, URL)
    run(cast, "failed")
    assert "Baselines are training" not in html(None, URL)
