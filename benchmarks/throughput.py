"""Throughput of the production server: gunicorn with the project's own configuration
(``tracker/gunicorn.conf.py``, debug off) serving ``/commitments/`` to 20 concurrent
clients, each sending its next request as soon as the last one is answered.

    python -m benchmarks.throughput [--path /commitments/] [--clients 20] [--seconds 15]

Two rounds, each after a short warm-up: full requests (every one renders the page), and
conditional requests with the page's ETag (``If-None-Match``), as a browser or a cache
revalidating its copy sends them, answered 304 without rendering.

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
    parser.add_argument("--warmup", type=float, default=3, help="warm-up before each round (3)")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE, help="results JSON file")
    parser.add_argument("--markdown", type=Path, default=MARKDOWN_FILE, help="Markdown file")
    return parser.parse_args(argv)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(port, static_root):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="benchmark-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",  # plain HTTP on the loopback, as behind the proxy
        DJANGO_STATIC_ROOT=str(static_root),
        GUNICORN_BIND=f"127.0.0.1:{port}",
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


async def load(base_url, path, clients, seconds, headers, expected_status):
    """``clients`` loops, each on its own connection, for ``seconds``: the latency of every
    answer, and the number of answers with another status or none at all."""
    latencies = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        end = time.perf_counter() + seconds

        async def one_client():
            nonlocal errors
            while time.perf_counter() < end:
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


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_round(name, base_url, args, headers, expected_status):
    log(f"{name}: warm-up {args.warmup:g} s, then {args.clients} clients for {args.seconds:g} s")
    asyncio.run(load(base_url, args.path, args.clients, args.warmup, headers, expected_status))
    latencies, errors, elapsed = asyncio.run(
        load(base_url, args.path, args.clients, args.seconds, headers, expected_status)
    )
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
    }
    log(
        f"  {result['requests_per_s']:.1f} requests/s, p50 {result['p50_ms']:.1f} ms, "
        f"p95 {result['p95_ms']:.1f} ms, {errors} errors"
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
        f"Throughput of `{report['path']}`: gunicorn (`tracker/gunicorn.conf.py`, "
        f"{server['workers']} workers x {server['threads']} threads, debug off), "
        f"{report['clients']} concurrent clients for {report['seconds']:g} s each; "
        f"{report['machine']['cpus']} CPUs, {report['when']}. Target: "
        f"at least {TARGET_RPS} requests/s for full requests.",
        "",
        "| requests | answer | requests/s | p50 ms | p95 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in report["rounds"]:
        lines.append(
            f"| {r['name']} | {r['status']} | {r['requests_per_s']:.1f} | {r['p50_ms']:.1f} "
            f"| {r['p95_ms']:.1f} | {r['errors']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None):
    args = parse_args(argv)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    folder = Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    env = server_env(port, folder / "static")
    log(f"Starting gunicorn on {base_url} ({env['DATABASE_URL'].rsplit('/', 1)[-1]})")
    error_log = folder / "gunicorn.log"
    with error_log.open("w") as log_file:
        server = start_server(env, log_file)
    try:
        first = wait_until_up(server, base_url, args.path, error_log)
        etag = first.headers.get("ETag")
        rounds = [run_round("full", base_url, args, {}, 200)]
        if etag:
            rounds.append(run_round("conditional", base_url, args, {"If-None-Match": etag}, 304))
        else:
            log("The page has no ETag: no conditional round")
    finally:
        stop_server(server)
        shutil.rmtree(folder, ignore_errors=True)
    report = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "path": args.path,
        "clients": args.clients,
        "seconds": args.seconds,
        "server": gunicorn_settings(env),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
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
