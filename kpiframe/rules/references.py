"""KF0 identity and references: ids are unique, departments are known, references resolve, and
one KPI has one number per date."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kpiframe.findings import Fix
from kpiframe.load.document import path_text
from kpiframe.model import KPI, ActionPlan, Document, Driver, Goal, Tradeoff
from kpiframe.model.framework import InvalidDocument
from kpiframe.numbers import format_number
from kpiframe.rules.context import Problem, RuleContext, problem
from kpiframe.rules.declare import documents, rule
from kpiframe.rules.snippets import COMPANY_GOAL, NEW_ARR_KPI
from kpiframe.suggest import Suggester, closest, one_edit_away

_GOAL_AND_KPI = documents(COMPANY_GOAL, NEW_ARR_KPI + "    supports: [{ref}]\n")


@rule(
    code="KF006", slug="duplicate-id", severity="error",
    summary="Two documents use the same id (ids are unique across all kinds).",
    rationale="""
        Every reference is by id. With two documents behind one id, a KPI could support the
        wrong goal, or a plan address the wrong KPI, without anything looking wrong.
    """,
    fix="Rename one of the two documents, and the references that meant it.",
    failing="""
        kind: Driver
        id: headcount
        title: Sales headcount
        ---
        kind: Driver
        id: headcount
        title: Support headcount
    """,
    passing="""
        kind: Driver
        id: sales-headcount
        title: Sales headcount
        ---
        kind: Driver
        id: support-headcount
        title: Support headcount
    """,
)
def duplicate_id(ctx: RuleContext) -> Iterator[Problem]:
    # Documents with errors take part: their id is taken all the same (see InvalidDocument).
    framework = ctx.framework
    rank = {file: i for i, file in enumerate(framework.files)}
    occurrences: list[Document | InvalidDocument] = [*framework.documents,
                                                     *(d for d in framework.invalid_documents if d.id)]
    occurrences.sort(key=lambda d: (rank.get(d.origin.file, len(rank)), d.origin.file, d.origin.index))
    first: dict[str, Document | InvalidDocument] = {}
    for document in occurrences:
        doc_id = document.id
        assert doc_id is not None
        original = first.setdefault(doc_id, document)
        if original is document:
            continue
        where = f"{original.origin.file}:{original.origin.line}"
        if isinstance(original, InvalidDocument):
            where += " (which has errors)"
        message = f"id '{doc_id}' is already used by {original.label} at {where}"
        hint = "ids must be unique across the whole framework; rename one of them"
        if isinstance(document, InvalidDocument):
            line, column = document.origin.position(("id",))
            yield problem(None, message, file=document.origin.file, line=line, column=column, subject=doc_id,
                          hint=hint, related=[doc_id])
        else:
            yield problem(document, message, path=("id",), hint=hint, related=[doc_id])


@rule(
    code="KF007", slug="unknown-department", severity="error",
    summary="A department that is not in the `departments` list of kpiframe.yaml.",
    rationale="""
        When the configuration lists the departments, that list is closed: a KPI filed under
        "Sales" next to "sales" would split one department's view in two and hide it from reports.
    """,
    fix="Use one of the configured department ids, or add the department to `departments:` in kpiframe.yaml.",
    config="departments: [sales, operations]",
    failing="""
        kind: Goal
        id: win-deals
        title: Win more deals
        level: department
        department: sales-team
        parent: grow-revenue
    """,
    passing="""
        kind: Goal
        id: win-deals
        title: Win more deals
        level: department
        department: sales
        parent: grow-revenue
    """,
)
def unknown_department(ctx: RuleContext) -> Iterator[Problem]:
    known = ctx.config.department_ids
    if known is None:
        return
    allowed = set(known)
    for document in ctx.framework.documents:
        for path, name in _department_fields(document):
            if name in allowed:
                continue
            close = closest(name, allowed)
            hint = f"did you mean '{close}'?" if close else "add it to `departments:` in kpiframe.yaml"
            yield problem(document, f"{document.label}: department '{name}' is not in the configured departments",
                          path=path, hint=hint, fix=_id_fix(document, path, name, allowed, path_text(path)))


def _id_fix(document: Document, path: tuple, written: str, ids: Iterable[str] | Suggester, field: str) -> Fix | None:
    """A misspelt id one edit away from exactly one id of the right kind is that id: the fix
    writes it. Two ids one edit away, or only a farther one, are left to a person."""
    near = ids.one_edit_away(written) if isinstance(ids, Suggester) else one_edit_away(written, ids)
    if len(near) != 1:
        return None
    line, column = document.origin.position(path)
    return Fix(f"{field} '{written}' -> '{near[0]}'", line, column, written, near[0]) if line else None


def _department_fields(document: Document) -> Iterable[tuple[tuple, str]]:
    if isinstance(document, (Goal, KPI, ActionPlan)) and document.department:
        yield ("department",), document.department
    if isinstance(document, ActionPlan):
        for i, name in enumerate(document.collaborators):
            yield ("collaborators", i), name


@rule(
    code="KF008", slug="dangling-reference", severity="error",
    summary="A reference to an id that does not exist, or to a document of the wrong kind.",
    rationale="""
        A KPI that supports a goal id nobody defined traces to nothing, a plan that addresses a
        misspelt KPI moves nothing. Broken references are where frameworks silently fall apart.
    """,
    fix="Correct the id (the hint suggests the closest existing one of the right kind), or create the missing document.",
    failing=_GOAL_AND_KPI.format(ref="grow-revenu"),
    passing=_GOAL_AND_KPI.format(ref="grow-revenue"),
)
def dangling_reference(ctx: RuleContext) -> Iterator[Problem]:
    framework = ctx.framework
    suggesters: dict[tuple[type, ...], Suggester] = {}
    for document in framework.documents:
        for path, target, kinds in _references(document):
            found = framework.by_id.get(target)
            if found is not None and isinstance(found, kinds):
                continue
            wanted = " or ".join(k.kind_name for k in kinds)
            field = path_text(path)
            if found is not None:
                yield problem(document, f"{document.label}: `{field}` refers to {found.label}, but it takes a {wanted}",
                              path=path, hint=f"name a {wanted} here", related=[target])
                continue
            invalid = framework.invalid.get(target)
            if invalid is not None:
                if invalid.kind in wanted.split(" or "):
                    continue  # it exists; its own errors are reported where they are, once
                yield problem(document, f"{document.label}: `{field}` refers to {invalid.kind} '{target}' "
                                        f"({invalid.file}:{invalid.line}, which has errors), but it takes a {wanted}",
                              path=path, hint=f"name a {wanted} here", related=[target])
                continue
            if kinds not in suggesters:
                suggesters[kinds] = Suggester(i for i, d in framework.by_id.items() if isinstance(d, kinds))
            close = suggesters[kinds].closest(target)
            hint = f"did you mean '{close}'?" if close else f"define a {wanted} with id '{target}', or fix the id"
            yield problem(document, f"{document.label}: `{field}` refers to '{target}', which does not exist",
                          path=path, hint=hint, related=[target],
                          fix=_id_fix(document, path, target, suggesters[kinds], field))


def _references(document: Document) -> Iterable[tuple[tuple, str, tuple[type[Document], ...]]]:
    if isinstance(document, Goal) and document.parent:
        yield ("parent",), document.parent, (Goal,)
    if isinstance(document, KPI):
        for i, goal in enumerate(document.supports):
            yield ("supports", i), goal, (Goal,)
    if isinstance(document, (KPI, Driver)):
        for i, link in enumerate(document.influences):
            yield ("influences", i, "target"), link.target, (KPI, Driver)
    if isinstance(document, ActionPlan):
        for i, kpi in enumerate(document.addresses):
            yield ("addresses", i), kpi, (KPI,)
    if isinstance(document, Tradeoff):
        for i, end in enumerate(document.between):
            yield ("between", i), end, (KPI, Driver)
        if document.goal:
            yield ("goal",), document.goal, (Goal,)


@rule(
    code="KF011", slug="conflicting-actuals", severity="error",
    summary="Two actuals for the same KPI and date with different values (inline, CSV rows, CSV files).",
    rationale="""
        A KPI has one value on a given date. Two different ones (typed inline and exported to a
        CSV file, or in two exports) leave its status to the order in which files happen to be
        read: one order says achieved, the other off track. Neither value is used until one is
        removed; the KPI is judged by the readings nobody disputes. Identical repeats are fine.
    """,
    fix="Keep the value that is right and delete the other (inline or the CSV row).",
    failing=NEW_ARR_KPI + "    actuals:\n      - {date: 2026-03-31, value: 2400000}\n"
                          "      - {date: 2026-03-31, value: 2600000}\n",
    passing=NEW_ARR_KPI + "    actuals:\n      - {date: 2026-03-31, value: 2400000}\n"
                          "      - {date: 2026-06-30, value: 2600000}\n",
)
def conflicting_actuals(ctx: RuleContext) -> Iterator[Problem]:
    kpis = ctx.framework.kpis
    for kpi_id, disputed in ctx.analysis.disputed_actuals.items():
        kpi = kpis[kpi_id]
        for dispute in disputed:
            first_file, first_line, _ = dispute.first.place(kpi)
            file, line, column = dispute.later.place(kpi)
            message = (f"{kpi.label} has two different actuals for {dispute.later.date}: "
                       f"{format_number(dispute.first.value)} ({first_file}:{first_line}) and "
                       f"{format_number(dispute.later.value)} ({file}:{line}); neither is used until one is removed")
            hint = "keep the value that is right and delete the other"
            if dispute.later.index is not None:
                yield problem(kpi, message, path=("actuals", dispute.later.index, "value"), hint=hint)
            else:
                yield problem(None, message, file=file, line=line, column=column, subject=kpi.id, hint=hint)
