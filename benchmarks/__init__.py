"""Benchmarks for kpiframe: a framework generator and a runner that compares against peers.

Run from the repository root (this folder is not part of the installed package):

    python -m benchmarks.generate --kpis 10000 /tmp/kpis-10000
    python -m benchmarks.run --sizes 100,1000,10000

See benchmarks/README.md for what each figure means.
"""
