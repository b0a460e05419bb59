"""A baseline row is marked by what the server knows (is_baseline), never by a name: a team named
like one (from before such names were reserved) gets no marker in the table or the chart."""

import pytest

from podium.submissions.models import Submission
from podium.teams.models import Registration, Team

from .conftest import html, make_scored

pytestmark = pytest.mark.django_db


def test_only_real_baselines_carry_the_marker_in_the_table_and_the_chart(cast, test_phase_open):
    # Created directly: the team services refuse this name now.
    impostor = Team.objects.create(name="Baseline: tfidf-lr", slug="impostor")
    impostor.memberships.create(user=cast.stranger, role="captain")
    Registration.objects.create(team=impostor, task=cast.task, status="approved")
    make_scored(cast, team=impostor, phase=test_phase_open, value=0.9)
    real = make_scored(cast, team=cast.alpha, phase=test_phase_open, value=0.5)
    Submission.objects.filter(pk=real.pk).update(
        team=None, is_baseline=True, method_name="tfidf-lr"
    )
    page = html(None, "/tasks/tiny/results/?phase=test")
    ranking = page[page.index('<table class="list ranking"') :]
    # Each ranked row opens with '<tr class="...">' (the rows of the breakdowns have no class).
    impostor_row, baseline_row = ranking.split('<tr class="')[1:3]
    assert "Baseline: tfidf-lr" in impostor_row and "badge baseline" not in impostor_row
    assert not impostor_row.startswith("baseline")
    assert "badge baseline" in baseline_row and baseline_row.startswith("baseline")

    chart = page[page.index("<svg") : page.index("</figure>")]
    bars = chart.split('<g class="bar')[1:]
    assert "◆" not in bars[0] and "reference system" not in bars[0]
    assert bars[1].startswith(" baseline") and "◆" in bars[1]
    assert "◆ marks a baseline" in chart


def test_a_chart_without_baselines_has_no_legend_for_them(cast, test_phase_open):
    make_scored(cast, team=cast.alpha, phase=test_phase_open, value=0.9)
    page = html(None, "/tasks/tiny/results/?phase=test")
    assert "<svg" in page and "◆" not in page
