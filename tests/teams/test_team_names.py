"""Names that read as "baseline" are reserved at create, rename and in the admin."""

import pytest
from django.urls import reverse

from podium.teams.models import Team
from podium.teams.names import reserved_word_in
from podium.teams.services import TeamError, team_create, team_join, team_rename

pytestmark = pytest.mark.django_db

LOOKALIKES = [
    "Baseline: tfidf-lr",
    "BASELINE",
    "baseline",
    "  Base line  ",
    "B.a.s.e.l.i.n.e",
    "Base\u200bline",  # a zero-width space inside
    "B\u0430seline",  # Cyrillic a
    "\u0412aseline",  # Cyrillic capital ve, which looks like B
    "\uff22\uff21\uff33\uff25\uff2c\uff29\uff2e\uff25",  # full-width
    "\u0299\u1d00s\u1d07\u029f\u026a\u0274\u1d07",  # small capitals
    "Basel1ne",
    "BASEL|NE",
    "Bas\u00e8line",  # an accent
    "Base\u0301line",  # a combining accent
    "Our baseline beaters",
]


@pytest.mark.parametrize("name", LOOKALIKES)
def test_names_that_read_as_baseline_are_refused_at_creation(make_user, name):
    with pytest.raises(TeamError, match="may not read as 'baseline'") as refused:
        team_create(name=name, captain=make_user("ada"))
    assert refused.value.code == "name_reserved"
    assert not Team.objects.exists()


@pytest.mark.parametrize("name", ["Bassline", "Lexicon", "Équipe été", "東京チーム", "Команда"])
def test_ordinary_names_in_any_script_are_free(name):
    assert reserved_word_in(name) is None


def test_a_rename_to_a_baseline_name_is_refused_and_changes_nothing(make_user):
    ada, bo = make_user("ada"), make_user("bo")
    team = team_create(name="Lexicon", captain=ada)
    team_join(code=team.invite_code, user=bo)
    with pytest.raises(TeamError, match="may not read as 'baseline'"):
        team_rename(team=team, name="Baseline: majority", by=ada)
    with pytest.raises(TeamError, match="Only the team's captain"):
        team_rename(team=team, name="Bo's team", by=bo)
    team_create(name="Taken", captain=make_user("cy"))
    with pytest.raises(TeamError, match="is taken"):
        team_rename(team=team, name="TAKEN", by=ada)
    team.refresh_from_db()
    assert team.name == "Lexicon"
    assert team_rename(team=team, name=" Lexicon NLP ", by=ada).name == "Lexicon NLP"
    team.refresh_from_db()
    assert (team.name, team.slug) == ("Lexicon NLP", "lexicon")  # links keep working
    assert team_rename(team=team, name="lexicon nlp", by=ada).name == "lexicon nlp"  # own name


def test_the_admin_team_form_applies_the_same_rules(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(root)
    data = {
        "name": "Baseline: tfidf-lr",
        "slug": "sneaky",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    response = client.post(reverse("admin:teams_team_add"), data)
    assert response.status_code == 200 and "may not read as" in response.content.decode()
    assert not Team.objects.exists()
    response = client.post(reverse("admin:teams_team_add"), {**data, "name": "Fine"})
    assert response.status_code == 302 and Team.objects.get().name == "Fine"
