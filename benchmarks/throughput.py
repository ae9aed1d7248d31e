"""Throughput of the production server: gunicorn with the project's own configuration
(``tracker/gunicorn.conf.py``, debug off) serving ``/commitments/`` to 20 concurrent
clients, each sending its next request as soon as the last one is answered.

    python -m benchmarks.throughput [--path /commitments/] [--clients 20] [--seconds 15]

Three rounds, each after a short warm-up:

- ``rendered``: full requests with the server's page cache off
  (``DJANGO_PAGE_CACHE_SECONDS=0``), so every request renders the page;
- ``page cache``: full requests with the production setting, where each process renders
  the page once and then serves it from memory until the data changes;
- ``conditional``: requests with the page's ETag (``If-None-Match``), as a browser or a
  proxy cache revalidating its copy sends them, answered 304.

The database is ``BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/tracker_bench),
used as it is: run ``python -m benchmarks.run`` first to fill it at scale, or point it at a
seeded database. ``GUNICORN_WORKERS`` and ``GUNICORN_THREADS`` are passed on to gunicorn, so
other settings can be compared. The clients (httpx, asyncio, one connection each) run on
the same machine and take part of its CPU.

Output: requests/s, p50 and p95 per round, printed, written to ``bench-throughput.json``
and as a Markdown table to ``benchmarks/throughput-latest.md``.
"""

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench"
RESULTS_FILE = ROOT / "bench-throughput.json"
MARKDOWN_FILE = ROOT / "benchmarks" / "throughput-latest.md"
TARGET_RPS = 200


def log(message=""):
    print(message, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.throughput", description=__doc__)
    parser.add_argument("--path", default="/commitments/", help="page to request (/commitments/)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--seconds", type=float, default=15, help="length of each round (15)")
    parser.add_argument(
        "--warmup", type=float, default=5, help="warm-up before each round (5 s, 3 answers each)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS_FILE, help="results JSON file")
    parser.add_argument("--markdown", type=Path, default=MARKDOWN_FILE, help="Markdown file")
    return parser.parse_args(argv)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(port, static_root, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="benchmark-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",  # plain HTTP on the loopback, as behind the proxy
        DJANGO_STATIC_ROOT=str(static_root),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        **extra,
    )
    return env


def start_server(env, error_log):
    """collectstatic (the manifest storage needs it), then gunicorn with the project's
    configuration. Its access log goes nowhere: it would flood the output; its error log
    to a file, shown if it stops."""
    python = sys.executable
    subprocess.run(  # noqa: S603 - this project's manage.py
        [python, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    gunicorn = Path(python).with_name("gunicorn")
    command = [str(gunicorn), "-c", "tracker/gunicorn.conf.py"]
    return subprocess.Popen(  # noqa: S603 - our own gunicorn and config
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=error_log,
        start_new_session=True,
    )


def wait_until_up(server, base_url, path, error_log, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{error_log.read_text()}")
        try:
            response = httpx.get(base_url + path, timeout=10)
            if response.status_code == 200:
                return response
            raise SystemExit(f"{path} answered {response.status_code}: {response.text[:500]}")
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer within a minute") from None
            time.sleep(0.3)


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


async def load(base_url, path, clients, seconds, headers, expected_status, at_least=0):
    """``clients`` loops, each on its own connection, for ``seconds`` and at least
    ``at_least`` answers each: the latency of every answer, and the number of answers with
    another status or none at all."""
    latencies = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        end = time.perf_counter() + seconds

        async def one_client():
            nonlocal errors
            answered = 0
            while time.perf_counter() < end or answered < at_least:
                answered += 1
                started = time.perf_counter()
                try:
                    response = await client.get(path, headers=headers)
                except httpx.HTTPError:
                    errors += 1
                    continue
                if response.status_code == expected_status:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return latencies, errors, elapsed


def proc_times(pid, children=False):
    """CPU seconds of a process (user and system), with those of its reaped children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the name: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(master_pid):
    """CPU seconds used so far by gunicorn: the master with its exited workers, and the
    workers alive now. Unlike the wall-clock figures, this hardly depends on what else
    runs on the machine."""
    total = proc_times(master_pid, children=True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == master_pid:
                total += proc_times(stat.parent.name)
        except (OSError, ValueError):
            continue  # a process that ended meanwhile
    return total


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_round(name, server, base_url, args, headers, expected_status):
    log(f"{name}: warm-up {args.warmup:g} s, then {args.clients} clients for {args.seconds:g} s")
    # Long enough for every worker thread to have answered: the first answers of a
    # process render the page and fill its caches.
    asyncio.run(load(base_url, args.path, args.clients, args.warmup, headers, expected_status, 3))
    cpu_before = server_cpu_seconds(server.pid)
    latencies, errors, elapsed = asyncio.run(
        load(base_url, args.path, args.clients, args.seconds, headers, expected_status)
    )
    cpu = server_cpu_seconds(server.pid) - cpu_before
    if not latencies:
        raise SystemExit(f"{name}: no request answered {expected_status}")
    result = {
        "name": name,
        "status": expected_status,
        "requests": len(latencies),
        "errors": errors,
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "server_cpu_ms_per_request": round(cpu * 1000 / len(latencies), 2),
        # What the server's CPU time per request allows on all of the machine's CPUs.
        "cpu_bound_requests_per_s": round(len(latencies) * os.cpu_count() / cpu) if cpu else None,
    }
    log(
        f"  {result['requests_per_s']:.1f} requests/s, p50 {result['p50_ms']:.1f} ms, "
        f"p95 {result['p95_ms']:.1f} ms, {errors} errors; server CPU "
        f"{result['server_cpu_ms_per_request']:.1f} ms a request "
        f"(at most {result['cpu_bound_requests_per_s']} requests/s on {os.cpu_count()} CPUs)"
    )
    return result


def gunicorn_settings(env):
    """The workers and threads gunicorn runs with, read from its config as it would."""
    code = (
        "import runpy; c = runpy.run_path('tracker/gunicorn.conf.py'); "
        "print(c['workers'], c['threads'])"
    )
    out = subprocess.run(  # noqa: S603 - a fixed snippet
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return {"workers": int(out[0]), "threads": int(out[1])}


def markdown(report):
    server = report["server"]
    lines = [
        f"Throughput of `{report['path']}` (database `{report['database']}`): gunicorn "
        "(`tracker/gunicorn.conf.py`, "
        f"{server['workers']} workers x {server['threads']} threads, debug off), "
        f"{report['clients']} concurrent clients for {report['seconds']:g} s each; "
        f"{report['machine']['cpus']} CPUs, load average "
        f"{report['machine']['load_average_before'][0]:g} before, {report['when']}. Target: "
        f"at least {TARGET_RPS} requests/s for full requests.",
        "",
        "| requests | answer | requests/s | p50 ms | p95 ms | errors "
        "| server CPU ms a request | requests/s its CPU time allows |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in report["rounds"]:
        lines.append(
            f"| {r['name']} | {r['status']} | {r['requests_per_s']:.1f} | {r['p50_ms']:.1f} "
            f"| {r['p95_ms']:.1f} | {r['errors']} | {r['server_cpu_ms_per_request']:.1f} "
            f"| {r['cpu_bound_requests_per_s']} |"
        )
    return "\n".join(lines) + "\n"


def serve_and_measure(args, folder, rounds, **extra):
    """Start gunicorn with ``extra`` settings, run ``rounds`` (name, conditional) against
    it, stop it."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = server_env(port, folder / "static", **extra)
    log(f"Starting gunicorn on {base_url} ({env['DATABASE_URL'].rsplit('/', 1)[-1]}) {extra}")
    error_log = folder / "gunicorn.log"
    with error_log.open("w") as log_file:
        server = start_server(env, log_file)
    results = []
    try:
        first = wait_until_up(server, base_url, args.path, error_log)
        for name, conditional in rounds:
            if conditional:
                etag = first.headers.get("ETag")
                if not etag:
                    log("The page has no ETag: no conditional round")
                    continue
                results.append(
                    run_round(name, server, base_url, args, {"If-None-Match": etag}, 304)
                )
            else:
                results.append(run_round(name, server, base_url, args, {}, 200))
    finally:
        stop_server(server)
    return results, env


def main(argv=None):
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    load_before = [round(x, 2) for x in os.getloadavg()]
    try:
        rounds, _env = serve_and_measure(
            args, folder, [("rendered", False)], DJANGO_PAGE_CACHE_SECONDS="0"
        )
        more, env = serve_and_measure(args, folder, [("page cache", False), ("conditional", True)])
        rounds += more
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "database": env["DATABASE_URL"].rsplit("/", 1)[-1],
        "path": args.path,
        "clients": args.clients,
        "seconds": args.seconds,
        "server": gunicorn_settings(env),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": load_before,
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "target_requests_per_s": TARGET_RPS,
        "rounds": rounds,
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    args.markdown.write_text(table)
    log()
    log(table)


if __name__ == "__main__":
    main()
