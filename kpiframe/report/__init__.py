"""The gap report's data (`kpiframe report`), computed once, formatted by kpiframe.render.report_*:

* :mod:`.views`: what it shows (frozen dataclasses);
* :mod:`.model`: builds the report (and `tree`'s view), one department's too;
* :mod:`.items`: each goal, KPI and plan as the report shows it;
* :mod:`.alignment`, :mod:`.gaps`, :mod:`.header`, :mod:`.summary`: its sections;
* :mod:`.diagram`: which diagrams to draw and how to lay them out so they stay readable.
"""
