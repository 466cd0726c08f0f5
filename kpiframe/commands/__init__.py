"""The commands, one module per group; kpiframe/cli.py mounts them.

Decisions: the command modules (and cli.py) do not use ``from __future__ import annotations``.
On every run typer reads the signature of every command, and string annotations are evaluated
each time: 220 of them, ~24 M instructions (1.5%) of `kpiframe check examples/acme`.
"""
