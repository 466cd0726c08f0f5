"""Generate a realistic kpiframe framework of any size, with a small share of deliberate defects.

    python -m benchmarks.generate --kpis 10000 [--dense] [--messy] [--seed 1] [--force] OUT

What it writes (7 to 12 KPIs per file, like a real repository):

* ``kpiframe.yaml``: organization, ``as_of: 2026-09-30``, the closed list of departments.
* ``goals/company.yaml`` and ``goals/<department>.yaml``: company goals (N/500 + 4),
  department goals (N/50) and team goals (N/20) in a hierarchy.
* ``departments/<department>/<area>-NN.yaml``: KPIs with baselines, targets, inline actuals and
  influences, followed by the action plans (with milestones) that address them.
* ``drivers/drivers-NNN.yaml``: shared drivers with their influences.
* ``tradeoffs/tradeoffs-NN.yaml``: agreed trade-offs between departments.
* ``benchmark-manifest.json``: counts and the deliberate defects (not a framework file).

Influence links: by default about 3 per KPI, in clusters of ~40 KPIs spanning departments.
Signs are *balanced* (improving any KPI helps every KPI downstream of it), so clusters hold no
conflicts; conflicts come only from deliberate tension pairs (KPI -> dedicated driver -> KPI),
most of them resolved by a Tradeoff. About one cluster in ten carries a feedback loop.
``--dense`` gives 10 links per node in clusters of ~1,000 nodes tangled into large cycles; every
other dense cluster has 1% of its links with the harmful sign, so it is full of conflicts (the
stress case for capping conflict findings per department pair).

The same (kpis, dense, seed) always yields byte-identical files: one random.Random(seed)
drives every choice and nothing iterates over a set. The generator's parts are in
benchmarks/generator/ (catalogue, builder, defects, YAML writer); this module writes the files.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.generator.builder import FrameworkBuilder
from benchmarks.generator.common import AS_OF, DEFAULT_SEED, MIN_KPIS

GENERATOR_VERSION = 2
MANIFEST_NAME = "benchmark-manifest.json"

# Top-level entries the generator owns; `--force` removes them when OUT holds a manifest.
GENERATED_ENTRIES = ("kpiframe.yaml", "goals", "departments", "drivers", "tradeoffs", MANIFEST_NAME)


def build(kpis: int, dense: bool = False, seed: int = DEFAULT_SEED,
          messy: bool = False) -> tuple[dict[str, str], dict[str, Any]]:
    """The framework as {relative path: text} plus its manifest, without touching the disk."""
    builder = FrameworkBuilder(kpis, dense, seed, messy)
    builder.build()
    texts, kinds = builder.render()
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "kpis": kpis,
        "dense": dense,
        **({"messy": True} if messy else {}),
        "seed": seed,
        "as_of": AS_OF.isoformat(),
        "files": len(texts),
        "documents": sum(kinds.values()),
        "bytes": sum(len(text.encode("utf-8")) for text in texts.values()),
        "documents_by_kind": kinds,
        "departments": len(builder.departments),
        "influence_links": builder.influence_links(),
        "harmful_links_in_dense_clusters": builder.harmful_links,
        "duplicate_id": builder.duplicate_id,
        "defects": builder.defects,
        "suppressed": builder.suppressed,
    }
    return texts, manifest


def prepare_output(out: Path, force: bool) -> None:
    """Refuse a non-empty OUT unless forced; when forced, clear a previous generation's files."""
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a directory")
    if out.exists() and any(out.iterdir()):
        if not force:
            raise FileExistsError(f"{out} is not empty (use --force to write into it)")
        if (out / MANIFEST_NAME).exists():
            for name in GENERATED_ENTRIES:
                entry = out / name
                if entry.is_dir():
                    shutil.rmtree(entry)
                elif entry.exists():
                    entry.unlink()
    out.mkdir(parents=True, exist_ok=True)


def generate(out: Path, kpis: int, dense: bool = False, seed: int = DEFAULT_SEED,
             force: bool = False, messy: bool = False) -> dict[str, Any]:
    """Write the framework into `out` and return its manifest (also written as JSON)."""
    prepare_output(out, force)
    texts, manifest = build(kpis, dense, seed, messy)
    made: set[Path] = set()
    for relative in sorted(texts):
        path = out / relative
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(texts[relative], encoding="utf-8")
    (out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="directory to write (must be empty unless --force)")
    parser.add_argument("--kpis", type=int, required=True, help=f"number of KPI documents (>= {MIN_KPIS})")
    parser.add_argument("--dense", action="store_true", help="10 links per node, tangled into large cycles")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument("--messy", action="store_true",
                        help="a first import: every KPI without a deliberate defect also has no goal, an actual "
                             "after as_of and a repeated influence (~3 findings per KPI)")
    parser.add_argument("--force", action="store_true", help="write into a non-empty directory")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        manifest = generate(args.out, args.kpis, args.dense, args.seed, args.force, args.messy)
    except (FileExistsError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    kinds = ", ".join(f"{count:,} {kind}" for kind, count in manifest["documents_by_kind"].items())
    print(f"wrote {manifest['files']:,} files, {manifest['documents']:,} documents "
          f"({manifest['bytes'] / 1e6:.1f} MB; {kinds}), {manifest['influence_links']:,} influence links, "
          f"in {elapsed:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
