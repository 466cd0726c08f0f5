"""The parts of the benchmark framework generator (the entry point is benchmarks/generate.py).

- catalogue.py: departments, KPI templates, names, goals and themes the framework is made of;
- model.py: the documents as they are built in memory;
- builder.py: FrameworkBuilder, which builds the framework from one random.Random(seed);
  measurements.py (baselines, targets and actuals), defects.py (the deliberate defects, and the
  roles that decide which KPIs carry them) and render.py (documents to YAML text) are parts of it;
- yaml_writer.py: the hand-written YAML emitter (yaml.dump is far too slow at 100,000 KPIs);
- common.py: the dates, sizes and number helpers they share.
"""
