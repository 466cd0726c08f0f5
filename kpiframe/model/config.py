"""The configuration: ``kpiframe.yaml`` at the framework root, or ``[tool.kpiframe]`` in pyproject.toml."""

from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from kpiframe.load.document import Limits
from kpiframe.model.documents import ListOf, MappingOf
from kpiframe.model.types import Count, Day, Id, Number, Str, describe, parse_mapping

SeverityName = Literal["error", "warning", "info", "off"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Tolerances(_Section):
    """Percentage points below expected progress that still count as on track / at risk."""

    on_track: Number = 10
    at_risk: Number = 25

    @model_validator(mode="after")
    def _bands_in_order(self) -> "Tolerances":
        if self.at_risk < self.on_track:  # the at-risk band would be empty: nothing could be at risk
            raise PydanticCustomError(
                "kf_tolerances", "must give `at_risk` at least `on_track`, got on_track {on_track} and at_risk "
                "{at_risk}: no KPI could ever be at risk", {"on_track": self.on_track, "at_risk": self.at_risk})
        return self


class LimitsConfig(_Section):
    max_file_bytes: Count = Limits.max_file_bytes
    max_depth: Count = Limits.max_depth
    max_aliases: Count = Limits.max_aliases
    max_nodes: Count = Limits.max_nodes

    def as_limits(self) -> Limits:
        return Limits(self.max_file_bytes, self.max_depth, self.max_aliases, self.max_nodes)


class PullSettings(_Section):
    """`pull:` in kpiframe.yaml: where `kpiframe pull` writes, and how long a query may take."""

    output: Str = "data/actuals-pulled.csv"
    timeout: Number = 300  # seconds per query
    concurrency: Count = 4  # queries in flight per source

    @model_validator(mode="after")
    def _usable(self) -> "PullSettings":
        pure = PurePosixPath(self.output)
        if pure.is_absolute() or ".." in pure.parts or pure.suffix.lower() != ".csv" or not pure.stem:
            raise PydanticCustomError(
                "kf_pull_output", "must give `output` as a .csv path inside the framework folder, relative to "
                "it, got {got}", {"got": repr(self.output)})
        if self.timeout <= 0:
            raise PydanticCustomError("kf_pull_timeout", "must give `timeout` in seconds above 0, got {got}",
                                      {"got": self.timeout})
        return self


class Department(_Section):
    """An entry of `departments:`: the id documents use, and optionally the name people call the
    department by (views and the report show it) and who owns it."""

    id: Id
    name: Str | None = None
    owner: Str | None = None


def _department_entry(value: Any) -> Any:
    # A plain id (`departments: [sales]`, as before entries had names) is an entry with just an id.
    if isinstance(value, dict):
        return value
    if value is None or isinstance(value, list):
        raise PydanticCustomError("kf_department", "must be a department id or a mapping of id, name and owner, got {got}",
                                  {"got": describe(value)})
    return {"id": value}


def _unique_departments(entries: list[Department]) -> list[Department]:
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:  # two entries with one id would leave its name to "last one wins"
            raise PydanticCustomError("kf_duplicate_department", "must list each department once, got '{id}' twice",
                                      {"id": entry.id})
        seen.add(entry.id)
    return entries


Departments = Annotated[ListOf[Annotated[Department, BeforeValidator(_department_entry)]],
                        AfterValidator(_unique_departments)]


class Config(_Section):
    organization: Str | None = None
    as_of: Day | None = None
    departments: Departments | None = None
    exclude: ListOf[Str] = []
    actuals: ListOf[Str] = []
    tolerances: MappingOf[Tolerances] = Tolerances()
    rules: Annotated[dict[str, SeverityName], BeforeValidator(parse_mapping)] = {}
    per_file_ignores: Annotated[dict[str, ListOf[Str]], BeforeValidator(parse_mapping)] = Field(
        default={}, validation_alias=AliasChoices("per-file-ignores", "per_file_ignores"))
    limits: MappingOf[LimitsConfig] = LimitsConfig()
    # name -> connection URL. Read as written here; each entry is judged by the source rules
    # (kpiframe.rules.queries), so that one bad URL never switches every source off.
    sources: Annotated[dict[str, Any], BeforeValidator(parse_mapping)] = {}
    pull: MappingOf[PullSettings] = PullSettings()

    @property
    def department_ids(self) -> list[str] | None:
        """The closed list of department ids, in the order written; None when there is no list."""
        return None if self.departments is None else [d.id for d in self.departments]

    def department_name(self, department_id: str) -> str:
        """What people call a department: its `name:` when one is given, else its id."""
        for entry in self.departments or ():
            if entry.id == department_id and entry.name:
                return entry.name
        return department_id
