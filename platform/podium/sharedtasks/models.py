"""Shared tasks, their subtasks (tracks), data splits and phases."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from podium.storage import gold_storage


def new_canary() -> str:
    return f"PODIUM-CANARY-{secrets.token_hex(8)}"


class SharedTaskQuerySet(models.QuerySet):
    def published(self):
        return self.filter(visibility=SharedTask.Visibility.PUBLISHED)

    def organised_by(self, user):
        """Tasks the user organises: every task for a superuser, none for an anonymous or
        inactive user (without a query), else those whose organisers include them.

        The one definition of "is organiser of": pages, API, admin scoping and the visibility
        rules all go through it (`sharedtasks.selectors.is_organiser_of` for one task).
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(organisers=user)


class SharedTask(models.Model):
    class Visibility(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class RegistrationPolicy(models.TextChoices):
        OPEN = "open", "Open: registrations are approved at once"
        APPROVAL = "approval", "Approval: organisers approve each team"

    slug = models.SlugField(unique=True, max_length=64)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown, shown on the task page.")
    terms = models.TextField(blank=True, help_text="Markdown: rules participants accept.")
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="organised_tasks",
        blank=True,
        help_text="Who configures this task. Whoever saves it in the admin is added.",
    )
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.DRAFT
    )
    registration_policy = models.CharField(
        max_length=16, choices=RegistrationPolicy.choices, default=RegistrationPolicy.APPROVAL
    )
    canary = models.CharField(
        max_length=100,
        default=new_canary,
        help_text="Embedded in every downloadable data file, so leaked test data can be traced.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SharedTaskQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title


class Subtask(models.Model):
    class FileFormat(models.TextChoices):
        JSONL = "jsonl", "JSON lines"
        CSV = "csv", "CSV with a header"
        TSV = "tsv", "TSV with a header"
        JSON = "json", "JSON list of objects"
        TXT = "txt", "Plain text, one value per line in input order"

    class ValueType(models.TextChoices):
        LABEL = "label", "Label from a fixed set"
        INTEGER = "integer", "Integer"
        NUMBER = "number", "Real number"
        SPANS = "spans", "Cause and effect spans of a text (FinCausal task 2)"

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    task = models.ForeignKey(SharedTask, on_delete=models.CASCADE, related_name="subtasks")
    slug = models.SlugField(max_length=64)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    # What a submission looks like.
    file_format = models.CharField(max_length=8, choices=FileFormat.choices)
    separator = models.CharField(
        max_length=1, default=",", help_text="Column separator for CSV files."
    )
    id_field = models.CharField(max_length=64, default="id")
    value_field = models.CharField(max_length=64, default="label")
    value_type = models.CharField(max_length=8, choices=ValueType.choices, default="label")
    labels = models.JSONField(default=list, blank=True, help_text='e.g. ["human", "machine"]')
    value_min = models.FloatField(null=True, blank=True)
    value_max = models.FloatField(null=True, blank=True)

    # How it is scored.
    metrics = models.JSONField(
        default=list,
        help_text='Metric names or objects with parameters, e.g. ["accuracy", "macro_f1"] or '
        '[{"name": "tpr_at_fpr", "fpr": 0.05, "domain_field": "domain"}].',
    )
    primary_metric = models.CharField(max_length=64)
    direction = models.CharField(max_length=8, choices=Direction.choices, default="higher")
    group_fields = models.JSONField(
        default=list, blank=True, help_text='Gold columns for breakdowns, e.g. ["language"].'
    )

    # Answers named differently in the gold, span answers, partial coverage (task templates).
    gold_value_field = models.CharField(
        max_length=64,
        blank=True,
        help_text="The gold column with the answer when it is not named like the submission's "
        "(RAID: submissions give a score, gold names the model). Empty: the value field.",
    )
    span_cause_field = models.CharField(
        max_length=64, blank=True, help_text="Spans only: the column with the cause (Cause)."
    )
    span_effect_field = models.CharField(
        max_length=64, blank=True, help_text="Spans only: the column with the effect (Effect)."
    )
    span_text_field = models.CharField(
        max_length=64,
        blank=True,
        help_text="Spans only: the gold and inputs column with the text the spans are in (Text).",
    )
    baseline_method = models.CharField(
        max_length=64,
        blank=True,
        help_text="The baseline method that suits this subtask (python -m baselines list), "
        "e.g. tfidf-lr; the template's choice.",
    )
    min_coverage = models.FloatField(
        null=True,
        blank=True,
        help_text="Annotation tracks: the share of the split's ids (above 0, at most 1) a "
        "submission must answer; missing ids are then allowed and not scored. Empty: all ids.",
    )

    class Meta:
        ordering = ["task", "position", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["task", "slug"], name="subtask_unique_slug_per_task"),
            models.CheckConstraint(
                condition=Q(value_min__isnull=True)
                | Q(value_max__isnull=True)
                | Q(value_min__lte=F("value_max")),
                name="subtask_value_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(min_coverage__isnull=True) | Q(min_coverage__gt=0, min_coverage__lte=1),
                name="subtask_min_coverage_a_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.slug}/{self.slug}"

    def clean(self):
        """Span columns exactly for span answers; a coverage that is a share of the ids."""
        errors = {}
        span_fields = ("span_cause_field", "span_effect_field", "span_text_field")
        if self.value_type == Subtask.ValueType.SPANS:
            for name in span_fields:
                if not getattr(self, name):
                    errors[name] = "Span answers need this column (e.g. Cause, Effect, Text)."
        else:
            for name in span_fields:
                if getattr(self, name):
                    errors[name] = "Only for the value type spans; leave it empty."
        if self.min_coverage is not None and not 0 < self.min_coverage <= 1:
            errors["min_coverage"] = "A share of the split's ids: above 0 and at most 1."
        if errors:
            raise ValidationError(errors)

    @property
    def answer_fields(self) -> list[str]:
        """The gold columns that hold the answer (the cause and effect columns for spans)."""
        if self.value_type == Subtask.ValueType.SPANS:
            return [self.span_cause_field, self.span_effect_field]
        return [self.gold_value_field or self.value_field]

    @property
    def submission_fields(self) -> list[str]:
        """The columns a submission answers in (the cause and effect columns for spans)."""
        if self.value_type == Subtask.ValueType.SPANS:
            return [self.span_cause_field, self.span_effect_field]
        return [self.value_field]

    @property
    def metric_names(self) -> list[str]:
        return [m if isinstance(m, str) else m.get("name", "") for m in self.metrics]


# The admin's fieldset of the fields above that the task templates added.
SPANS_AND_COVERAGE_FIELDS = [
    "gold_value_field",
    "baseline_method",
    ("span_cause_field", "span_effect_field", "span_text_field"),
    "min_coverage",
]


def inputs_upload_to(dataset: "Dataset", filename: str) -> str:
    return f"datasets/{dataset.subtask.task.slug}/{dataset.subtask.slug}/{dataset.split}/{filename}"


class Dataset(models.Model):
    """One split of a subtask: public inputs apart from the gold, which never leaves the server."""

    class Split(models.TextChoices):
        TRAIN = "train", "Train"
        DEV = "dev", "Development"
        TEST = "test", "Test"

    subtask = models.ForeignKey(Subtask, on_delete=models.CASCADE, related_name="datasets")
    split = models.CharField(max_length=8, choices=Split.choices)
    inputs = models.FileField(
        upload_to=inputs_upload_to,
        max_length=300,
        help_text="JSONL that participants download (for train it may include the labels).",
    )
    gold = models.FileField(
        upload_to=inputs_upload_to,
        storage=gold_storage,
        max_length=300,
        blank=True,
        help_text="JSONL gold rows (id, value and group columns; test rows carry a partition "
        "column: public or private). Stored apart; no URL serves it.",
    )
    row_count = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subtask", "split"]
        constraints = [
            models.UniqueConstraint(
                fields=["subtask", "split"], name="dataset_one_per_subtask_split"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subtask} [{self.split}]"


def data_file_upload_to(data_file: "DataFile", filename: str) -> str:
    subtask = data_file.subtask
    return f"files/{subtask.task.slug}/{subtask.slug}/{data_file.split}/{filename}"


class DataFile(models.Model):
    """A file participants download besides a split's JSONL inputs: a bundle's input data,
    public data or starting kit, served as stored (a zip or a single file).

    Released with its split, to the same people as the split's inputs
    (`teams.selectors.download_refusal`); never a reference or gold file (those live in
    `GoldStorage` and have no URL).
    """

    class Kind(models.TextChoices):
        INPUT_DATA = "input_data", "Input data"
        PUBLIC_DATA = "public_data", "Public data"
        STARTING_KIT = "starting_kit", "Starting kit"

    subtask = models.ForeignKey(Subtask, on_delete=models.CASCADE, related_name="data_files")
    split = models.CharField(
        max_length=8,
        choices=Dataset.Split.choices,
        help_text="Released when this split's data is (a test file when the test phase opens).",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    file = models.FileField(upload_to=data_file_upload_to, max_length=300)
    filename = models.CharField(
        max_length=200, help_text="The name participants' downloads get, e.g. starting_kit.zip."
    )
    size = models.PositiveBigIntegerField(default=0, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subtask", "split", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["subtask", "split", "kind"], name="data_file_one_per_subtask_split_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subtask} [{self.split}] {self.get_kind_display()}"


class PhaseQuerySet(models.QuerySet):
    def open(self, at=None):
        """Phases accepting submissions at `at` (now by default): start <= at < end."""
        at = at or timezone.now()
        return self.filter(start__lte=at, end__gt=at)


class Phase(models.Model):
    class Kind(models.TextChoices):
        DEVELOPMENT = "development", "Development"
        TEST = "test", "Test"
        POST_EVALUATION = "post_evaluation", "Post-evaluation"

    class Selection(models.TextChoices):
        BEST = "best", "The team's best scored submission"
        LAST = "last", "The team's last scored submission"
        CHOSEN = "chosen", "The submission the team marks as final"

    class LeaderboardMode(models.TextChoices):
        PUBLIC_LIVE = "public_live", "Public partition live; private shown once revealed"
        HIDDEN = "hidden", "Hidden until the organisers reveal"
        PRIVATE_AT_END = "private_at_end", "Public partition live; private revealed at phase end"

    task = models.ForeignKey(SharedTask, on_delete=models.CASCADE, related_name="phases")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.DEVELOPMENT)
    split = models.CharField(max_length=8, choices=Dataset.Split.choices, default="dev")
    start = models.DateTimeField()
    end = models.DateTimeField()

    max_per_day = models.PositiveIntegerField(
        null=True, blank=True, help_text="Per team per UTC day; empty means no limit."
    )
    max_total = models.PositiveIntegerField(null=True, blank=True)
    max_concurrent = models.PositiveIntegerField(
        null=True, blank=True, help_text="Queued plus running, per team."
    )
    max_file_mb = models.PositiveIntegerField(default=100)
    count_failed = models.BooleanField(
        default=False, help_text="Whether failed submissions count towards the limits."
    )
    # Failures have an allowance of their own even where they do not count above: otherwise a
    # team could keep the workers busy with files that fail, as often as it likes.
    max_failed_per_day = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=10,
        # 0 would refuse every upload before anything had failed.
        validators=[MinValueValidator(1)],
        help_text="Failed submissions per team per UTC day (at least 1); past it the team may "
        "not submit until the next day. Empty means no limit.",
    )

    selection = models.CharField(max_length=8, choices=Selection.choices, default="best")
    leaderboard_mode = models.CharField(
        max_length=16, choices=LeaderboardMode.choices, default=LeaderboardMode.PUBLIC_LIVE
    )
    revealed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the private ranking was revealed."
    )

    objects = PhaseQuerySet.as_manager()

    class Meta:
        ordering = ["task", "start", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["task", "slug"], name="phase_unique_slug_per_task"),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="phase_starts_before_end"),
            models.CheckConstraint(
                condition=Q(max_file_mb__gte=1), name="phase_max_file_mb_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.slug}/{self.slug}"

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.start <= at < self.end
