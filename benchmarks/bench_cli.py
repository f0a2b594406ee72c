"""Benchmark the start-up of ``pathway-model assess`` against ``python -c pass``.

Run: ``python benchmarks/bench_cli.py`` (not part of the test run), or, to compare source
trees in one run, ``python benchmarks/bench_cli.py SRC [SRC ...]`` with each tree's ``src``
folder. Each run is a real subprocess, as a person or a script starts the command:
``pathway-model assess examples/medium_secure.json --as-of 2025-01-15``, through the
console script installed beside this Python (``python -m pathway_model`` if there is
none), with each tree first on the import path. The runs
of every case are interleaved, so that a noisy machine slows them alike, and the figure is
the ratio of medians to the floor, ``python -c pass``, measured in the same run. Each
tree's ``import pathway_model`` is timed too: the part of start-up the command cannot
avoid; and so are ``import attrs`` and ``import attrs, cattrs``, the least that any
command built on the core's two dependencies can take; and ``import attrs, cattrs`` with as
many attrs classes defined as ``import pathway_model`` defines, each with its real count of
fields (frozen, slotted, keyword-only, as the model's are) and nothing else: the least the
model's shape costs on this stack, before any rule, JSON or command line.

Byte code is compiled once, into a temporary folder of its own (``PYTHONPYCACHEPREFIX``),
before timing: an installed package has its byte code, and the source trees are left as
they are.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARGUMENTS = ["assess", "examples/medium_secure.json", "--as-of", "2025-01-15"]
#: The console script an installation makes (``pathway-model``), else ``python -m pathway_model``.
SCRIPT = Path(sys.executable).with_name("pathway-model")
COMMAND = [str(SCRIPT)] if SCRIPT.is_file() else ["-m", "pathway_model"]
COMMAND += ARGUMENTS
FLOOR = ["-c", "pass"]
#: The part of start-up that is the library's own: its root package, imported alone.
IMPORT = ["-c", "import pathway_model"]
#: What the core's two runtime dependencies cost before the library defines anything:
#: the least any command built on them can take.
DEPENDENCIES = [
    ("import attrs", ["-c", "import attrs"]),
    ("import attrs, cattrs", ["-c", "import attrs, cattrs"]),
]


def _model_shape(tree: str) -> str:
    """Code that defines as many attrs classes, with as many fields, as the tree's package.

    Counted in a subprocess, so the benchmark's own interpreter imports nothing of the tree.
    """
    count = (
        "import sys, attrs, pathway_model; "
        "print(' '.join(str(len(attrs.fields(c))) for m in list(sys.modules.values()) "
        "if m.__name__.startswith('pathway_model') for c in vars(m).values() "
        "if isinstance(c, type) and attrs.has(c) and c.__module__ == m.__name__))"
    )
    done = subprocess.run(
        [sys.executable, "-c", count],
        env={**os.environ, "PYTHONPATH": tree},
        capture_output=True,
        text=True,
        check=True,
    )
    sizes = [int(size) for size in done.stdout.split()]
    lines = ["import attrs, cattrs"]
    for number, size in enumerate(sizes):
        fields = "; ".join(f"f{field}: int = attrs.field()" for field in range(size)) or "pass"
        lines.append(f"@attrs.frozen(kw_only=True)\nclass C{number}:\n    {fields}")
    return "\n".join(lines)


def _run(arguments: list[str], env: dict[str, str]) -> float:
    """Run Python with ``arguments`` once; return the wall time in milliseconds."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, env=env, capture_output=True, check=False
    )
    elapsed = (time.perf_counter() - start) * 1000
    if result.returncode != 0:
        msg = f"{arguments} failed with {result.returncode}: {result.stderr.decode()[-500:]}"
        raise SystemExit(msg)
    return elapsed


def main() -> None:
    """Time each source tree's command and the floor, interleaved, and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "trees", nargs="*", default=[str(ROOT / "src")], help="source trees (src folders)"
    )
    parser.add_argument("--runs", type=int, default=40, help="runs of each case (default 40)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cli-pyc-") as cache:
        base = {
            key: value
            for key, value in os.environ.items()
            if key not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
        }
        base["PYTHONPYCACHEPREFIX"] = cache
        cases: list[tuple[str, list[str], dict[str, str]]] = [("python -c pass", FLOOR, base)]
        cases += [(label, arguments, base) for label, arguments in DEPENDENCIES]
        shape = _model_shape(str(Path(options.trees[0]).resolve()))
        classes = shape.count("@attrs.frozen")
        cases.append((f"import attrs, cattrs + {classes} attrs classes", ["-c", shape], base))
        for tree in options.trees:
            env = {**base, "PYTHONPATH": str(Path(tree).resolve())}
            cases.append((f"import pathway_model ({tree})", IMPORT, env))
            cases.append((f"pathway-model assess ({tree})", COMMAND, env))
        for _, arguments, env in cases:  # compile and cache byte code; warm the file cache
            for _ in range(3):
                _run(arguments, env)
        times: dict[str, list[float]] = {label: [] for label, _, _ in cases}
        for _ in range(options.runs):
            for label, arguments, env in cases:
                times[label].append(_run(arguments, env))
    floor = statistics.median(times["python -c pass"])
    print(f"Python {platform.python_version()} on {platform.machine()}, {options.runs} runs each")
    print(f"{'case':<60} {'median ms':>10} {'spread ms':>10} {'ratio':>7}")
    for label, values in times.items():
        median = statistics.median(values)
        quartiles = statistics.quantiles(values, n=4)
        spread = f"{quartiles[0]:.0f}-{quartiles[2]:.0f}"
        print(f"{label:<60} {median:>10.1f} {spread:>10} {median / floor:>6.1f}x")


if __name__ == "__main__":
    main()
