"""Requests per second of the widget's data endpoint, beside a static file.

Starts gunicorn (with WhiteNoise for static files) on 127.0.0.1 against a fresh SQLite
database holding one topic with --entries approved entries, then loads three URLs in
turn: the data endpoint with a plain GET (200 with the JSON), the same with
If-None-Match carrying its current ETag (304, one small query), and a static file.
The load comes from wrk when it is installed, otherwise from httpx in threads with a
fixed number of requests. Run it with `bench/run.py embeds` (or `make bench`).
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS_DOC = ROOT / "docs" / "benchmarks.md"

SEED = """
from django.utils import timezone
from blogsync.syncs.models import Contributor, Entry, Series, Topic
from datetime import date
series = Series.objects.create(name="#blogsync", slug="blogsync", hashtag="#blogsync")
topic = Topic.objects.create(series=series, number=10, title="Bench", month=date(2014, 1, 1))
for i in range({entries}):
    contributor = Contributor.objects.create(name=f"Writer {{i}}")
    Entry.objects.create(topic=topic, contributor=contributor, title=f"Post {{i}}",
                         url=f"https://writer{{i}}.example.org/post", position=i + 1,
                         source="import", status="approved", approved_at=timezone.now())
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr}")
    return result.stdout


def wait_until_serving(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds} s")


def run_wrk(url: str, headers: dict, connections: int, seconds: int) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+(\S+)", output).group(1)
    p99 = re.search(r"99%\s+(\S+)", output).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rate": rate, "p50": p50, "p99": p99, "errors": int(errors.group(1)) if errors else 0}


def run_threads(url: str, headers: dict, connections: int, requests: int) -> dict:
    """Send `requests` GETs from `connections` threads; each thread keeps one connection."""
    per_thread = requests // connections
    errors = [0]
    lock = threading.Lock()

    def work():
        with httpx.Client(headers=headers, timeout=10) as client:
            for _ in range(per_thread):
                status = client.get(url).status_code
                if status >= 400:
                    with lock:
                        errors[0] += 1

    threads = [threading.Thread(target=work) for _ in range(connections)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {
        "rate": per_thread * connections / elapsed,
        "p50": "-",
        "p99": "-",
        "errors": errors[0],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100, help="approved entries in the topic")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each wrk run")
    parser.add_argument(
        "--requests", type=int, default=5000, help="requests per URL when wrk is not installed"
    )
    parser.add_argument(
        "--record", action="store_true", help="append the results to docs/benchmarks.md"
    )
    args = parser.parse_args(argv)

    load_before = os.getloadavg()[0]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    var_dir = Path(tempfile.mkdtemp(prefix="blogsync-bench-"))
    env = {
        **os.environ,
        "SECRET_KEY": "bench-only-secret-key-not-for-production",
        "BLOGSYNC_VAR_DIR": str(var_dir),
        "BLOGSYNC_SITE_URL": base,
        "BLOGSYNC_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "blogsync.settings",
    }
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    manage(env, "shell", "--no-imports", "-c", SEED.format(entries=args.entries))
    static_path = manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django.templatetags.static import static; print(static('embeds/copy.js'))",
    ).strip()

    gunicorn = [
        str(Path(PYTHON).with_name("gunicorn")),
        "blogsync.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    try:
        data_url = f"{base}/embed/blogsync/10/data.json"
        wait_until_serving(data_url, server)
        first = httpx.get(data_url)
        etag = first.headers["etag"]
        assert httpx.get(data_url, headers={"If-None-Match": etag}).status_code == 304

        use_wrk = shutil.which("wrk") is not None
        cases = [
            ("data endpoint, plain GET (200)", data_url, {}),
            ("data endpoint, If-None-Match (304)", data_url, {"If-None-Match": etag}),
            ("static file via WhiteNoise (200)", base + static_path, {}),
        ]
        rows = []
        for label, url, headers in cases:
            if use_wrk:
                result = run_wrk(url, headers, args.connections, args.seconds)
            else:
                result = run_threads(url, headers, args.connections, args.requests)
            rows.append((label, result))
            print(
                f"{label}: {result['rate']:.0f} req/s, p50 {result['p50']}, "
                f"p99 {result['p99']}, errors {result['errors']}",
                flush=True,
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)

    client = (
        f"wrk -t2 -c{args.connections} -d{args.seconds}s"
        if use_wrk
        else f"httpx, {args.connections} threads, {args.requests} requests per URL"
    )
    report = [
        f"\n## Embeds: widget data endpoint ({datetime.now(UTC):%Y-%m-%d})\n",
        "Command: `.venv/bin/python bench/run.py embeds`. Machine: 2 cores, shared by "
        f"the server and the load generator. Server: gunicorn, {args.workers} sync "
        f"workers, WhiteNoise, SQLite; one topic with {args.entries} approved entries "
        f"({len(first.content):,} bytes of JSON). Load: {client}, on 127.0.0.1. "
        f"Load average before the run: {load_before:.1f} (other processes share the "
        "cores, so compare rows of one run rather than runs).\n",
        "| request | req/s | p50 | p99 | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, result in rows:
        report.append(
            f"| {label} | {result['rate']:.0f} | {result['p50']} | "
            f"{result['p99']} | {result['errors']} |"
        )
    text = "\n".join(report) + "\n"
    print(text)
    if args.record:
        if not RESULTS_DOC.exists():
            RESULTS_DOC.write_text(
                "# Benchmarks\n\nMeasured figures, newest last; each "
                "section names its command and machine.\n"
            )
        with RESULTS_DOC.open("a") as doc:
            doc.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
