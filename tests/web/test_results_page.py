"""/tasks/<slug>/results/: rankings per subtask, the partition note, reveal, CSV, chart, empty
states, and never a private score before the reveal (searched for in the HTML and the CSV)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from podium.submissions.models import Score, Submission
from podium.teams.models import Registration
from podium.teams.services import team_create

from .conftest import PRIVATE_VALUE, browser, html, make_scored

pytestmark = pytest.mark.django_db

URL = "/tasks/tiny/results/"
TEST = URL + "?phase=test"
PRIVATE = f"{PRIVATE_VALUE:.4f}"


@pytest.fixture
def scored_test(cast, test_phase_open):
    make_scored(cast, team=cast.alpha, phase=test_phase_open, value=0.8)
    make_scored(cast, team=cast.beta, phase=test_phase_open, value=0.6, private=0.3)
    return test_phase_open


def test_the_default_is_the_open_phase_with_its_note(cast):
    make_scored(cast, team=cast.alpha, phase=cast.dev, value=0.875)
    page = html(None, URL)
    assert "Alpha" in page and "0.8750" in page
    assert "the whole development set" in page and "no private part" in page


def test_an_empty_board_says_why(cast):
    page = html(None, URL)
    assert "No scored submissions in Development for this subtask yet" in page


@pytest.mark.parametrize("role", [None, "participant", "outsider", "stranger", "other_organiser"])
def test_private_scores_appear_nowhere_before_the_reveal(cast, scored_test, role):
    user = getattr(cast, role) if role else None
    client = browser(user)
    for url in (TEST, TEST + "&partition=private"):
        page = client.get(url).content.decode()
        assert PRIVATE not in page and "0.3000" not in page and str(PRIVATE_VALUE) not in page
    page = client.get(TEST).content.decode()
    assert "public partition</span> of the test set" in page and "0.8000" in page
    closed = client.get(TEST + "&partition=private").content.decode()
    assert "The private leaderboard is revealed when the phase ends" in closed
    csv = client.get("/tasks/tiny/results/test/a.csv?partition=private")
    assert csv.status_code == 403 and PRIVATE.encode() not in csv.content
    public_csv = client.get("/tasks/tiny/results/test/a.csv").content.decode()
    assert "0.8" in public_csv and str(PRIVATE_VALUE) not in public_csv
    assert "Reveal the rankings" not in page


def test_organisers_may_look_at_the_private_board_before_the_reveal(cast, scored_test):
    page = html(cast.organiser, TEST + "&partition=private")
    assert PRIVATE in page and "visible to you as an organiser only" in page
    assert "Reveal the rankings to everyone" in html(cast.organiser, TEST)


def test_the_organisers_reveal_switches_the_page_to_the_private_ranking(cast, scored_test):
    assert browser(cast.participant).post("/tasks/tiny/results/test/reveal/").status_code == 403
    assert browser(cast.organiser).get("/tasks/tiny/results/test/reveal/").status_code == 405
    response = browser(cast.organiser).post("/tasks/tiny/results/test/reveal/")
    assert response.status_code == 302 and response["Location"] == TEST
    page = html(None, TEST)
    assert "private partition</span> of the test set" in page and PRIVATE in page
    # Ranked on the private scores now: Alpha (0.616) before Beta (0.3).
    assert page.index("Alpha") < page.index("Beta")
    assert "Hide the private ranking again" in html(cast.organiser, TEST)
    browser(cast.organiser).post("/tasks/tiny/results/test/hide/")
    assert PRIVATE not in html(None, TEST)


def test_a_hidden_phase_shows_why_instead_of_a_table(cast, scored_test):
    scored_test.leaderboard_mode = "hidden"
    scored_test.save()
    page = html(cast.participant, TEST)
    assert "hidden until the organisers reveal it" in page and "0.8000" not in page


def test_baselines_are_marked_and_the_viewers_team_highlighted(cast, scored_test):
    baseline = make_scored(cast, team=cast.alpha, phase=scored_test, value=0.7)
    Submission.objects.filter(pk=baseline.pk).update(
        team=None, is_baseline=True, method_name="majority"
    )
    page = html(cast.participant, TEST)
    assert "Baseline: majority" in page and "badge baseline" in page
    assert 'class=" mine"' in page and "your team" in page


def test_the_table_has_primary_first_and_a_collapsible_group_breakdown(cast, scored_test):
    page = html(None, TEST)
    head = page[page.index("<thead>", page.index("ranking")) :]
    assert head.index("accuracy") < head.index("macro f1")
    assert "<details><summary>By group</summary>" in page and "language=en" in page


def test_the_chart_is_inline_svg_with_a_title_from_the_same_rows(cast, scored_test):
    page = html(None, TEST)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "<title" in svg and "<desc" in svg and 'role="img"' in svg
    assert svg.count("<rect") == 2 and "0.8000" in svg and PRIVATE not in svg
    assert "<script" not in page.split("</footer>")[0].split("</head>")[1]


def test_csv_download(cast, scored_test):
    response = browser().get("/tasks/tiny/results/test/a.csv")
    assert response["Content-Disposition"] == 'attachment; filename="tiny-test-a-public.csv"'
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("rank,is_baseline,team,method")
    assert lines[1].startswith("1,false,Alpha")


def test_a_draft_tasks_results_are_not_found(cast, scored_test):
    cast.task.visibility = "draft"
    cast.task.save()
    assert browser(cast.participant).get(TEST).status_code == 404
    assert browser().get("/tasks/tiny/results/test/a.csv").status_code == 404
    assert PRIVATE in html(cast.organiser, TEST + "&partition=private")


def _query_count(user) -> int:
    client = browser(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(TEST).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_two_teams_or_twenty(cast, scored_test, make_user):
    few = {role: _query_count(getattr(cast, role)) for role in ("participant", "organiser")}
    for n in range(18):
        team = team_create(name=f"T{n}", captain=make_user(f"u{n}"))
        Registration.objects.create(team=team, task=cast.task, status="approved")
        for _ in range(3):
            make_scored(cast, team=team, phase=scored_test, value=n / 20)
    assert Score.objects.count() > 200
    many = {role: _query_count(getattr(cast, role)) for role in ("participant", "organiser")}
    assert many == few
    # The snapshot lookup and the "baselines are training" note are one query each.
    assert many["participant"] <= 13
