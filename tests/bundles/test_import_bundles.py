"""Importing bundles the project writes itself, then submitting to the imported task."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from podium.leaderboards.services import phase_reveal
from podium.programs.bundles.draft import BundleError
from podium.programs.bundles.importer import bundle_import
from podium.programs.models import ProgramScoring, ReferenceData
from podium.sharedtasks.models import SharedTask
from podium.submissions.scoring import submission_score
from podium.teams.models import Registration
from podium.teams.services import team_create

from .conftest import GOLD, IDS, MARKER, NUMBERS, PRIVATE, submit, zipped

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    organiser = make_user("org", organiser=True)
    participant = make_user("pat")
    return organiser, participant


def register(task, participant):
    team = team_create(name="Alpha", captain=participant)
    Registration.objects.create(team=team, task=task, status=Registration.Status.APPROVED)
    return team


def test_a_codabench_bundle_is_scored_by_its_own_program(v2_bundle, people, sandbox, no_broker):
    organiser, participant = people
    report = bundle_import(path=v2_bundle, owner="org", publish=True)
    task = SharedTask.objects.get(slug=report.task_slug)
    assert task.visibility == "published" and task.organisers.get() == organiser
    assert task.registration_policy == "open"
    assert "Classify each *post*." in task.description and task.terms == "Be nice.\n"
    dev, test = task.phases.order_by("start")
    assert (dev.split, dev.kind, dev.max_per_day, dev.max_total) == (
        "dev",
        "development",
        None,
        100,
    )
    assert (test.split, test.selection, test.leaderboard_mode) == ("test", "last", "private_at_end")
    subtask = task.subtasks.get()
    assert (subtask.primary_metric, subtask.direction) == ("macro_recall", "higher")
    assert subtask.program_scoring.program.timeout_s == 120
    assert set(ReferenceData.objects.values_list("split", "partition")) == {
        ("dev", "all"),
        ("test", "public"),
        ("test", "private"),
    }
    assert any("docker_image" in item for item in report.not_imported)
    assert any("fact_sheet" in item for item in report.not_imported)

    register(task, participant)
    # Right on every public row, wrong on every private one.
    flip = {"pos": "neg", "neg": "neu", "neu": "pos"}
    pred = {i: (flip[g] if i in PRIVATE else g) for i, g in zip(IDS, GOLD, strict=True)}
    submission_id = submit(participant, test, subtask.slug,
                           zipped({"predictions.json": json.dumps(pred)}))  # fmt: skip
    assert submission_score(submission_id=submission_id) == "scored"
    client = APIClient()
    client.force_authenticate(participant)
    body = client.get(f"/api/v1/submissions/{submission_id}/").json()
    assert body["scores"]["public"]["overall"] == {"macro_recall": 1.0, "accuracy": 1.0}
    assert "private" not in body["scores"] and "debug_rows" not in json.dumps(body)
    board = client.get(f"/api/v1/phases/{test.pk}/leaderboard/?partition=private")
    assert board.status_code in (403, 404) and MARKER not in board.content.decode()
    phase_reveal(phase=test, by=organiser)
    body = client.get(f"/api/v1/submissions/{submission_id}/").json()
    assert body["scores"]["private"]["overall"]["accuracy"] == 0.0


def test_a_codalab_zip_with_placeholders_and_scores_txt(v1_zip, people, sandbox, no_broker):
    _, participant = people
    report = bundle_import(path=v1_zip, owner="org")
    task = SharedTask.objects.get(slug=report.task_slug)
    assert task.visibility == "draft" and task.registration_policy == "approval"
    assert "<script>" not in task.description and "<b>number</b>" in task.description
    practice, final = task.phases.order_by("start")
    assert practice.max_per_day == 0, "CodaLab: 0 per day means none allowed"
    assert any("0 means no submissions" in w for w in report.warnings)
    assert (final.selection, final.max_total) == ("best", 5)
    assert any("ingestion_program" in item for item in report.not_imported)
    assert not any("starting_kit" in item for item in report.not_imported)
    subtask = task.subtasks.get()
    assert (subtask.primary_metric, subtask.direction) == ("mae", "lower")

    task.visibility = "published"
    task.save()
    register(task, participant)
    answer = "".join(f"{i} {n + 1}\n" for i, n in zip(IDS, NUMBERS, strict=True))
    submission_id = submit(participant, final, subtask.slug, zipped({"answer.txt": answer}))
    assert submission_score(submission_id=submission_id) == "scored"
    scores = {s.metric: s.value for s in subtask.submissions.get().scores.all()}
    assert scores == {"mae": 1.0, "set1_score": 0.5}


def test_importing_twice_changes_nothing(v2_bundle, people):
    first = bundle_import(path=v2_bundle, owner="org")
    assert first.changes
    second = bundle_import(path=v2_bundle, owner="org")
    assert second.changes == []
    assert ProgramScoring.objects.get().program.versions.count() == 1


def test_a_dry_run_changes_nothing(v2_bundle, people):
    report = bundle_import(path=v2_bundle, dry_run=True)
    assert report.dry_run and report.changes
    assert not SharedTask.objects.exists() and not ReferenceData.objects.exists()


def test_every_problem_names_its_key_and_nothing_changes(v2_bundle, people):
    text = (v2_bundle / "competition.yaml").read_text()
    text = text.replace("max_submissions_per_day: 3", "max_submissions_per_day: 3\n    end: soon")
    text = text.replace("scoring_program: program\n    reference_data: test_ref",
                        "scoring_program: nowhere\n    reference_data: test_ref")  # fmt: skip
    text = text.replace("sorting: desc", "sorting: upward", 1)
    (v2_bundle / "competition.yaml").write_text(text)
    with pytest.raises(BundleError) as caught:
        bundle_import(path=v2_bundle)
    errors = "\n".join(caught.value.errors)
    assert "phases[1].end: 'soon' is not a date" in errors
    assert "tasks[1].scoring_program: 'nowhere' is not in the bundle" in errors
    assert "leaderboards[0].columns[0].sorting: 'upward' is not desc or asc" in errors
    assert not SharedTask.objects.exists()


def test_a_program_without_metadata_names_the_task(v2_bundle, people):
    (v2_bundle / "program/metadata.yaml").unlink()
    with pytest.raises(BundleError, match=r"tasks\[1\].scoring_program: .*no metadata file"):
        bundle_import(path=v2_bundle)


def test_the_command_prints_the_report_and_refuses_unknown_owners(v2_bundle, people, capsys):
    call_command("import_bundle", str(v2_bundle), "--dry-run")
    out = capsys.readouterr().out
    assert "would change: task bundle-sentiment-2027: created" in out
    assert "not imported: docker_image" in out
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_bundle", str(v2_bundle), "--owner", "nobody-here")
    assert "--owner: no user named 'nobody-here'" in capsys.readouterr().err


def test_a_bundle_that_points_outside_itself_is_refused(v2_bundle, people):
    text = (v2_bundle / "competition.yaml").read_text().replace("terms: terms.md", "terms: ../x")
    (v2_bundle / "competition.yaml").write_text(text)
    with pytest.raises(BundleError, match=r"terms: '\.\./x' points outside the bundle"):
        bundle_import(path=v2_bundle)


def test_an_organiser_cannot_take_over_anothers_task_by_importing(v2_bundle, people, make_user):
    bundle_import(path=v2_bundle, owner="org")
    make_user("rival", organiser=True)
    with pytest.raises(BundleError, match="rival does not organise it"):
        bundle_import(path=v2_bundle, owner="rival")
    assert SharedTask.objects.get().organisers.get().username == "org"


def test_the_admin_upload_form_imports_and_shows_the_report(v1_zip, people, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    organiser, _ = people
    client.force_login(organiser)
    url = "/admin/programs/scoringprogram/import-bundle/"
    upload = SimpleUploadedFile("bundle.zip", v1_zip.read_bytes())
    page = client.post(url, {"bundle": upload}).content.decode()
    assert "Imported legacy-regression" in page
    assert "Not imported" in page and "ingestion_program" in page
    task = SharedTask.objects.get(slug="legacy-regression")
    assert task.organisers.get() == organiser and task.visibility == "draft"


def test_participants_cannot_reach_the_bundle_upload(v1_zip, people, client):
    _, participant = people
    client.force_login(participant)
    response = client.get("/admin/programs/scoringprogram/import-bundle/")
    assert response.status_code in (302, 403)


def test_a_test_reference_without_partitions_ranks_on_the_public_board(
    v2_bundle, people, sandbox, no_broker
):
    """Most Codabench bundles have one test reference: it must reach the test leaderboard (the
    public partition), not scores under "all" that no test board reads."""
    import shutil

    _, participant = people
    single = v2_bundle / "test_ref"
    shutil.rmtree(single)
    (single).mkdir()
    (single / "gold.json").write_text(json.dumps(dict(zip(IDS, GOLD, strict=True))))
    report = bundle_import(path=v2_bundle, owner="org", publish=True)
    assert any("private ranking stays empty" in w for w in report.warnings)
    task = SharedTask.objects.get(slug=report.task_slug)
    assert set(ReferenceData.objects.filter(split="test").values_list("partition", flat=True)) == {
        "public"
    }
    _, test = task.phases.order_by("start")
    register(task, participant)
    pred = dict(zip(IDS, GOLD, strict=True))
    subtask = task.subtasks.get()
    submission_id = submit(participant, test, subtask.slug,
                           zipped({"predictions.json": json.dumps(pred)}))  # fmt: skip
    assert submission_score(submission_id=submission_id) == "scored"
    client = APIClient()
    client.force_authenticate(participant)
    board = client.get(f"/api/v1/phases/{test.pk}/leaderboard/?subtask={subtask.slug}").json()
    assert [(row["rank"], row["primary"]) for row in board["rows"]] == [(1, 1.0)]
