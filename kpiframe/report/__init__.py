"""The gap report's data (`kpiframe report`): :mod:`.views` holds what it shows, :mod:`.model` computes
it and :mod:`.diagram` lays out its diagrams; kpiframe.render.report_markdown and
kpiframe.render.report_json format it."""
