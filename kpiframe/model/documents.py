"""The five kinds of framework document, as pydantic models.

Field names are the file format's contract (see the README's format reference). Every model
forbids unknown fields, so that a typo (``tagret``) is reported instead of ignored.
"""

from typing import Annotated, Any, ClassVar, Final, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr

from kpiframe.load.document import Text
from kpiframe.model.types import Day, Flag, Id, NonEmptyStr, Number, Str, parse_list, parse_mapping, parse_number

Cadence = Literal["weekly", "monthly", "quarterly", "yearly"]
Direction = Literal["increase", "decrease"]
Effect = Literal["increase", "decrease"]
GoalLevel = Literal["company", "department", "team"]
PlanStatus = Literal["planned", "in_progress", "done", "blocked", "cancelled"]
KINDS = ("Goal", "KPI", "Driver", "ActionPlan", "Tradeoff")
API_VERSION: Final = "kpiframe/v1"


T = TypeVar("T")
# Generic aliases rather than functions returning Annotated[...], so that a type checker reads
# `ListOf[Id]` as list[str]; length bounds go beside them as Annotated[ListOf[Id], Field(...)].
ListOf = Annotated[list[T], BeforeValidator(parse_list)]
MappingOf = Annotated[T, BeforeValidator(parse_mapping)]


class Part(BaseModel):
    """A nested mapping inside a document (a target, a milestone, ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(Part):
    start: Day | None = None
    end: Day | None = None


class Measurement(Part):
    value: Number
    date: Day


class Actual(Part):
    date: Day
    value: Number


class Query(Part):
    """Where `kpiframe pull` gets a KPI's actuals: rows of (date, value)."""

    source: Id | None = None  # a name under `sources:` in kpiframe.yaml; none: the default source
    sql: NonEmptyStr  # inline SQL, or the path of a .sql file relative to the framework root


class Threshold(Part):
    """A standing level to hold: at or above it for `direction: increase`, at or below for `decrease`."""

    value: Number


HealthLevel = Literal["okay", "attention", "problem"]


class Health(Part):
    """The owner's own judgement of the KPI, which many registers have where they have no numbers."""

    level: HealthLevel
    date: Day | None = None
    note: Str | None = None


class Influence(Part):
    target: Id
    effect: Effect


class Milestone(Part):
    title: NonEmptyStr
    due: Day | None = None
    done: Flag = False


class Suppression(Part):
    rule: NonEmptyStr
    reason: NonEmptyStr


RevisedField = Literal["target", "threshold", "baseline", "direction"]


class RevisedMeasurement(Part):
    """A target or baseline in a revision entry; either part may be left out."""

    value: Number | None = None
    date: Day | None = None


def parse_revised_value(value: Any) -> Any:
    """`from:`/`to:` of a revision: a number (the value), `{value, date}`, or a direction word."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and not isinstance(value, Text) and value.strip() in ("increase", "decrease"):
        return value.strip()
    return parse_number(value)


RevisedValue = Annotated[RevisedMeasurement | int | float | Direction, BeforeValidator(parse_revised_value)]


class Revision(Part):
    """One entry of a KPI's `revisions:` log: which field changed, from what to what, why, and who agreed."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    date: Day
    field: RevisedField
    from_: RevisedValue | None = Field(default=None, alias="from")
    to: RevisedValue | None = None
    reason: NonEmptyStr
    approved_by: NonEmptyStr


class Retirement(Part):
    date: Day
    reason: NonEmptyStr


class Document(BaseModel):
    """Fields every document has. ``origin`` says where it was written."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind_name: ClassVar[str] = ""

    kind: Str
    apiVersion: Literal["kpiframe/v1"] = API_VERSION
    id: Id
    description: Str | None = None
    ignore: ListOf[MappingOf[Suppression]] = []

    _origin: Any = PrivateAttr(default=None)

    @property
    def origin(self) -> Any:
        """The :class:`kpiframe.load.RawDocument` this document was read from."""
        # Read from pydantic's private store directly: `self._origin` goes through
        # BaseModel.__getattr__ (a Python call), and rules ask for origins ~40,000 times at 10,000 KPIs.
        private = self.__pydantic_private__
        return private.get("_origin") if private is not None else None

    @property
    def label(self) -> str:
        return f"{self.kind_name} '{self.id}'"


class Goal(Document):
    kind_name: ClassVar[str] = "Goal"
    title: NonEmptyStr
    level: GoalLevel
    parent: Id | None = None
    department: Id | None = None
    owner: Str | None = None
    period: MappingOf[Period] | None = None


class KPI(Document):
    kind_name: ClassVar[str] = "KPI"
    name: NonEmptyStr
    department: Id
    # direction, owner and unit may be left out of a register that does not know them: rules
    # missing-direction, missing-owner and missing-unit say so, instead of a guessed value.
    owner: NonEmptyStr | None = None
    supports: ListOf[Id] = []
    unit: NonEmptyStr | None = None
    direction: Direction | None = None
    key: Flag = False
    baseline: MappingOf[Measurement] | None = None
    target: MappingOf[Measurement] | None = None
    # A target path: dated steps, the last one final; an empty one is reported, not read as no target.
    targets: Annotated[ListOf[MappingOf[Measurement]], Field(min_length=1)] = []
    threshold: MappingOf[Threshold] | None = None
    health: MappingOf[Health] | None = None
    review: Cadence | None = None
    source: Str | None = None  # where the number comes from (a field of the format)
    actuals: ListOf[MappingOf[Actual]] = []
    influences: ListOf[MappingOf[Influence]] = []
    revisions: ListOf[MappingOf[Revision]] = []
    retired: MappingOf[Retirement] | None = None
    query: MappingOf[Query] | None = None

    @property
    def better(self) -> int:
        """+1 when a rise is an improvement, -1 when a fall is, 0 when the direction is not known."""
        return 0 if self.direction is None else 1 if self.direction == "increase" else -1

    @property
    def final_target(self) -> Measurement | None:
        """The dated target the KPI is judged against: `target`, or the last step of `targets`."""
        if self.target is not None:
            return self.target
        return self.targets[-1] if self.targets else None


class Driver(Document):
    kind_name: ClassVar[str] = "Driver"
    title: NonEmptyStr
    influences: ListOf[MappingOf[Influence]] = []


class ActionPlan(Document):
    kind_name: ClassVar[str] = "ActionPlan"
    title: NonEmptyStr
    addresses: ListOf[Id] = []
    owner: Str | None = None
    department: Id | None = None
    start: Day | None = None
    due: Day | None = None
    status: PlanStatus = "planned"
    milestones: ListOf[MappingOf[Milestone]] = []
    collaborators: ListOf[Id] = []

    @property
    def is_active(self) -> bool:
        return self.status in ("planned", "in_progress")

    @property
    def is_open(self) -> bool:
        """Not done and not cancelled: still owed (blocked plans too)."""
        return self.status not in ("done", "cancelled")


class Tradeoff(Document):
    kind_name: ClassVar[str] = "Tradeoff"
    between: Annotated[ListOf[Id], Field(min_length=2, max_length=2)]
    resolution: NonEmptyStr
    owners: Annotated[ListOf[NonEmptyStr], Field(min_length=1)]
    goal: Id | None = None
    review: Cadence | None = None


MODELS: dict[str, type[Document]] = {
    "Goal": Goal, "KPI": KPI, "Driver": Driver, "ActionPlan": ActionPlan, "Tradeoff": Tradeoff,
}
