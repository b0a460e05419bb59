"""The task-file schema, checked with pydantic so that every error carries its key path."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from baselines.registry import METHODS

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
MetricSpec = str | dict[str, str | float | int | bool]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Task templates: answers named apart in the gold, span subtasks, partial coverage.
class SpansSpec(Strict):
    """The columns of a span subtask (FinCausal task 2): submission and gold carry cause and
    effect, gold and inputs carry the text they are spans of."""

    cause: str = "Cause"
    effect: str = "Effect"
    text: str = "Text"


class AnswerColumns(Strict):
    gold_value_field: str | None = None
    spans: SpansSpec | None = None

    @model_validator(mode="after")
    def spans_exactly_for_span_values(self):
        spans_wanted = getattr(self, "value_type", None) == "spans"
        if spans_wanted and self.spans is None:
            raise ValueError("spans: required when value_type is spans")
        if not spans_wanted and self.spans is not None:
            raise ValueError("spans: only for value_type spans")
        if spans_wanted and (getattr(self, "range", None) or self.gold_value_field):
            raise ValueError("value_type spans takes neither range nor gold_value_field")
        return self


class CoverageSpec(Strict):
    """Annotation tracks: submissions may answer a subset of the split's ids."""

    min: float = Field(gt=0, le=1)


class CoverageField(Strict):
    coverage: CoverageSpec | None = None


class BaselineField(Strict):
    """The baseline method that suits the subtask (`python -m baselines list`)."""

    baseline: str | None = None

    @field_validator("baseline")
    @classmethod
    def known_method(cls, value):
        if value is not None and value not in METHODS:
            raise ValueError(f"unknown baseline method {value!r}; known: {', '.join(METHODS)}")
        return value


class FormatSpec(AnswerColumns):
    type: Literal["jsonl", "csv", "tsv", "json", "txt"]
    separator: Annotated[str, StringConstraints(min_length=1, max_length=1)] = ","
    id_field: str = "id"
    value_field: str = "label"
    value_type: Literal["label", "integer", "number", "spans"] = "label"
    labels: list[str | int] = Field(default_factory=list)
    range: tuple[float, float] | None = None

    @model_validator(mode="after")
    def labels_or_range(self):
        if self.value_type == "label":
            if not self.labels:
                raise ValueError("labels: required when value_type is label")
            if len({str(label) for label in self.labels}) != len(self.labels):
                raise ValueError("labels: must not repeat")
        elif self.labels:
            raise ValueError("labels: only for value_type label")
        if self.range is not None and self.range[0] > self.range[1]:
            raise ValueError("range: the minimum must not exceed the maximum")
        return self


class ScorerSpec(CoverageField):
    metrics: list[MetricSpec] = Field(min_length=1)
    primary: str
    direction: Literal["higher", "lower"] = "higher"
    group_fields: list[str] = Field(default_factory=list)

    @field_validator("metrics")
    @classmethod
    def metrics_are_named(cls, metrics):
        for metric in metrics:
            if isinstance(metric, dict) and not isinstance(metric.get("name"), str):
                raise ValueError("each metric with parameters needs a name")
        return metrics

    @model_validator(mode="after")
    def primary_is_listed(self):
        names = [m if isinstance(m, str) else m["name"] for m in self.metrics]
        if self.primary not in names:
            raise ValueError(f"primary: {self.primary!r} is not one of the metrics {names}")
        return self


class SplitFiles(Strict):
    inputs: str
    gold: str | None = None


class DataSpec(Strict):
    train: SplitFiles | None = None
    dev: SplitFiles | None = None
    test: SplitFiles | None = None


class KindFiles(Strict):
    """A split's download files besides its inputs, each a path relative to the task file."""

    input_data: str | None = None
    public_data: str | None = None
    starting_kit: str | None = None


class FilesSpec(Strict):
    train: KindFiles | None = None
    dev: KindFiles | None = None
    test: KindFiles | None = None


class SubtaskSpec(BaselineField):
    slug: Slug
    title: str
    description: str = ""
    format: FormatSpec
    scorer: ScorerSpec | None = None
    data: DataSpec = Field(default_factory=DataSpec)
    # Download files (a bundle's input data, public data, starting kit), released with a split.
    files: FilesSpec = Field(default_factory=FilesSpec)
    # Scored by an organiser's program instead of `scorer` (podium.programs checks the block:
    # docs/scoring-programs.md).
    program: dict[str, Any] | None = None

    @model_validator(mode="after")
    def scorer_or_program(self):
        if (self.scorer is None) == (self.program is None):
            raise ValueError("scorer: give either a scorer or a program (not both)")
        return self


class LimitsSpec(Strict):
    per_day: int | None = Field(default=None, ge=0)
    total: int | None = Field(default=None, ge=0)
    concurrent: int | None = Field(default=None, ge=0)
    max_file_mb: int = Field(default=100, ge=1)
    count_failed: bool = False
    # Failed submissions per team and UTC day before uploads are refused; null: no limit.
    # At least 1: 0 would refuse every upload before anything had failed.
    failed_per_day: int | None = Field(default=10, ge=1)


class PhaseSpec(Strict):
    slug: Slug
    name: str
    kind: Literal["development", "test", "post_evaluation"] = "development"
    split: Literal["train", "dev", "test"] = "dev"
    start: datetime
    end: datetime
    selection: Literal["best", "last", "chosen"] = "best"
    leaderboard: Literal["public_live", "hidden", "private_at_end"] = "public_live"
    limits: LimitsSpec = Field(default_factory=LimitsSpec)

    @field_validator("start", "end")
    @classmethod
    def timezone_aware(cls, value: datetime):
        if value.tzinfo is None:
            raise ValueError("must carry a time zone, e.g. 2027-01-31T23:59:59Z")
        return value

    @model_validator(mode="after")
    def end_after_start(self):
        if self.end <= self.start:
            raise _KeyedError("end", "must be after start")
        return self


class TaskSpec(Strict):
    slug: Slug
    title: str
    description: str = ""
    terms: str = ""
    visibility: Literal["draft", "published"] = "draft"
    registration: Literal["open", "approval"] = "approval"
    canary: str | None = None
    organisers: list[str] = Field(default_factory=list)
    subtasks: list[SubtaskSpec] = Field(min_length=1)
    phases: list[PhaseSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def unique_slugs(self):
        for name, items in (("subtasks", self.subtasks), ("phases", self.phases)):
            seen = set()
            for index, item in enumerate(items):
                if item.slug in seen:
                    raise _KeyedError(f"{name}[{index}].slug", f"{item.slug!r} is used twice")
                seen.add(item.slug)
        return self


class _KeyedError(ValueError):
    """A model-level error that belongs to one key below the model (e.g. `end`)."""

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


def key_path(loc: tuple) -> str:
    """('phases', 1, 'end') -> 'phases[1].end'."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def format_errors(error: ValidationError) -> list[str]:
    """One line per problem, `key.path: message`, the way the import command prints them."""
    lines = []
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if not _is_union_tag(p))
        message = item["msg"].removeprefix("Value error, ")
        # Model validators report at the model's path; a keyed message names the key itself.
        if ": " in message and item["type"] == "value_error":
            key, _, rest = message.partition(": ")
            if " " not in key:
                loc = (*loc, *_split_key(key))
                message = rest
        if item["type"] == "missing":
            message = "is required"
        elif item["type"] == "extra_forbidden":
            message = "is not a known key"
        lines.append(f"{key_path(loc) or '(file)'}: {message}")
    return lines


def _split_key(key: str) -> tuple:
    parts: list = []
    for piece in key.split("."):
        name, _, rest = piece.partition("[")
        parts.append(name)
        while rest:
            index, _, rest = rest.partition("]")
            parts.append(int(index))
            rest = rest.removeprefix("[")
    return tuple(parts)


def _is_union_tag(part) -> bool:
    # pydantic names the branch of a union it tried ("str", "dict[str,...]"); users don't care.
    return isinstance(part, str) and (part in {"str", "int", "float", "bool"} or "[" in part)
