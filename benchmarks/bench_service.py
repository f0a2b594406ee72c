"""Benchmark the decision-support service under concurrent load on loopback.

Run: ``python benchmarks/bench_service.py`` (not part of the test run; needs the extras
``service`` and ``test``). It starts ``pathway-model serve`` as a real process, then
``--clients`` threads, each with its own keep-alive connection, call it as fast as they
can for ``--seconds``, each call with a freshly signed ES384 token (a replayed token would
be refused). The record is five years in medium secure with monthly reviews (the one
``bench_rules.py`` builds): 60 reviews, 18 incidents, 800 FHIR resources in the CDS Hooks
prefetch (about 1.25 MB of JSON), or one pathway document for the JSON API.

It prints, for each case, the calls made, calls a second, the median, 99th percentile and
slowest latency, the errors (any answer but 200), and the server's resident memory after
a warm-up and at the end (with ``--workers N``, of the supervisor and its N workers,
which share a replay store).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import attrs
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from bench_rules import long_record  # noqa: E402
from tests.service_kit import ISSUER, Keys, prefetch_request, running_server  # noqa: E402

import pathway_model as pm  # noqa: E402

#: The longest any one call may take before it counts as an error.
CALL_TIMEOUT = 30.0


def rss_kib(pid: int) -> int:
    """The resident memory of a process and its children (the workers), in KiB (Linux)."""
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1])
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        total += sum(rss_kib(int(child)) for child in children.read_text().split())
    return total


@attrs.frozen
class Case:
    """What is called: the path, the body and its media type."""

    path: str
    body: bytes
    media_type: str = "application/json"


def load(
    url: str, case: Case, keys: Keys, *, clients: int, seconds: float
) -> tuple[list[float], int]:
    """Call ``case`` from ``clients`` threads for ``seconds``; the latencies and the errors."""
    path, body, media_type = case.path, case.body, case.media_type
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    deadline = time.monotonic() + seconds
    audience = url + path.partition("?")[0]

    def client(number: int) -> None:
        with httpx.Client(timeout=CALL_TIMEOUT) as session:
            while time.monotonic() < deadline:
                headers = {
                    "Authorization": f"Bearer {keys.token(audience)}",
                    "Content-Type": media_type,
                }
                started = time.perf_counter()
                try:
                    response = session.post(url + path, content=body, headers=headers)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies[number].append(time.perf_counter() - started)
                errors[number] += not ok

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + CALL_TIMEOUT + 10)
    return [value for values in latencies for value in values], sum(errors)


def one_by_one(url: str, case: Case, keys: Keys, *, calls: int) -> list[float]:
    """The latencies of ``calls`` calls made one after another, on one connection."""
    audience = url + case.path.partition("?")[0]
    latencies = []
    with httpx.Client(timeout=CALL_TIMEOUT) as session:
        for _ in range(calls):
            headers = {
                "Authorization": f"Bearer {keys.token(audience)}",
                "Content-Type": case.media_type,
            }
            started = time.perf_counter()
            session.post(url + case.path, content=case.body, headers=headers).raise_for_status()
            latencies.append(time.perf_counter() - started)
    return latencies


def report(label: str, latencies: list[float], errors: int, seconds: float) -> None:
    """Print one case's figures."""
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{label}: {len(ordered):,} calls, {len(ordered) / seconds:.1f}/s, "
        f"p50 {statistics.median(ordered) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"max {ordered[-1] * 1000:.0f} ms, errors {errors}"
    )


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--case", choices=["cds", "api", "both"], default="both")
    parser.add_argument(
        "--workers", type=int, default=1, help="serve --workers N (a shared replay store)"
    )
    args = parser.parse_args()

    record = long_record(5)
    as_of = max(review.date for review in record.reviews) + dt.timedelta(days=10)
    hook = prefetch_request(record)
    hook["extension"] = {"org.pathway-model.as-of": as_of.isoformat()}
    cases = {
        "cds": Case("/cds-services/pathway-readiness", json.dumps(hook).encode()),
        "api": Case(f"/api/assess?as_of={as_of.isoformat()}", pm.dumps(record).encode()),
    }
    chosen = list(cases) if args.case == "both" else [args.case]
    print(
        f"{dt.date.today().isoformat()}, {platform.machine()} {platform.system()}, "
        f"{os.cpu_count()} cores, CPython {platform.python_version()}, pathway_model "
        f"{pm.__version__}; {args.clients} clients for {args.seconds:g} s a case; "
        f"{args.workers} worker{'s' if args.workers > 1 else ''}"
    )
    with tempfile.TemporaryDirectory() as folder:
        keys = Keys.make(Path(folder))
        arguments = ["--jwks", str(keys.jwks), "--issuer", ISSUER]
        if args.workers > 1:
            store = str(Path(folder) / "replays.sqlite3")
            arguments += ["--workers", str(args.workers), "--replay-store", store]
        with running_server(arguments, Path(folder) / "server.log") as server:
            for name in chosen:
                case = cases[name]
                load(server.url, case, keys, clients=2, seconds=2.0)  # warm up
                one_at_a_time = one_by_one(server.url, case, keys, calls=20)
                before = rss_kib(server.process.pid)
                latencies, errors = load(
                    server.url, case, keys, clients=args.clients, seconds=args.seconds
                )
                after = rss_kib(server.process.pid)
                report(f"{name} ({len(case.body):,} bytes a call)", latencies, errors, args.seconds)
                alone = statistics.median(one_at_a_time) * 1000
                print(f"  one call at a time: median {alone:.0f} ms")
                print(f"  server RSS: {before / 1024:.0f} MiB before, {after / 1024:.0f} MiB after")


if __name__ == "__main__":
    main()
