"""Time to poll 1,000 feeds, then to poll them again when every one returns 304.

Starts one threaded HTTP server on 127.0.0.1 serving 1,000 feed paths (ten items
each, with an ETag and a Last-Modified date), and a fresh SQLite database in a
temporary directory. Round one fetches every feed through the safe fetcher, parses it
and stores its FeedState; round two sends the stored validators back, and the server
answers 304 without a body. The server counts the body bytes it sends, so the second
round's figure shows that no body travelled. Run it with `bench/run.py feeds`.
"""

import argparse
import os
import platform
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DOC = ROOT / "docs" / "benchmarks.md"
LAST_MODIFIED = "Fri, 20 Sep 2013 19:04:11 GMT"


def feed_body(number: int) -> bytes:
    items = "".join(
        f"<item><title>Post {i} of blog {number}</title>"
        f"<link>https://blog{number}.example/posts/{i}</link>"
        f"<pubDate>Fri, 20 Sep 2013 19:04:{i:02d} GMT</pubDate>"
        f'<description>&lt;p&gt;Written for &lt;a href="https://hub.example/blogsync/1/"&gt;'
        f"#blogsync&lt;/a&gt;.&lt;/p&gt;</description></item>"
        for i in range(10)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Blog {number}</title><link>https://blog{number}.example/</link>{items}"
        f"</channel></rss>"
    ).encode()


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: dict[int, int] = {}
        self.body_bytes = 0

    def add(self, status: int, size: int) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.body_bytes += size

    def reset(self) -> None:
        with self.lock:
            self.statuses = {}
            self.body_bytes = 0


def make_handler(bodies: dict[str, bytes], counters: Counters):
    class FeedHandler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = bodies.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                counters.add(404, 0)
                return
            etag = f'"{self.path}-v1"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                counters.add(304, 0)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
            self.end_headers()
            self.wfile.write(body)
            counters.add(200, len(body))

        def log_message(self, format, *args):
            pass

    return FeedHandler


def setup_django(workdir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "blogsync.settings",
            "BLOGSYNC_DEBUG": "true",
            "BLOGSYNC_FETCH_ALLOW_LOOPBACK": "true",
            "BLOGSYNC_VAR_DIR": str(workdir),
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "BLOGSYNC_LOG_LEVEL": "ERROR",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def poll_round(urls: list[str], workers: int) -> tuple[float, int, int]:
    from blogsync.fetching.feeds import poll_feeds

    started = time.perf_counter()
    failed = new_items = 0
    for polled in poll_feeds(urls, workers):
        failed += bool(polled.outcome.error)
        new_items += len(polled.new_items)
    return time.perf_counter() - started, failed, new_items


def record(text: str) -> None:
    if not RESULTS_DOC.exists():
        RESULTS_DOC.write_text(
            "# Benchmarks\n\nMeasured figures, newest last; each section names its command "
            "and machine.\n"
        )
    with RESULTS_DOC.open("a") as handle:
        handle.write("\n" + text)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)

    counters = Counters()
    bodies = {f"/feeds/{n}.xml": feed_body(n) for n in range(args.feeds)}
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(bodies, counters))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    urls = [f"http://127.0.0.1:{port}{path}" for path in bodies]
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="blogsync-bench-feeds-") as workdir:
            setup_django(Path(workdir))
            for label in ("first poll (200, full bodies)", "second poll (304, no bodies)"):
                counters.reset()
                seconds, failed, new_items = poll_round(urls, args.workers)
                rows.append(
                    (
                        label,
                        seconds,
                        dict(counters.statuses),
                        counters.body_bytes,
                        failed,
                        new_items,
                    )
                )
                print(
                    f"{label}: {seconds:.2f} s, {args.feeds / seconds:.0f} feeds/s, "
                    f"statuses {dict(counters.statuses)}, {counters.body_bytes:,} body bytes, "
                    f"{failed} failed, {new_items} new items",
                    flush=True,
                )
    finally:
        server.shutdown()
        server.server_close()

    second = rows[1]
    if second[2] != {304: args.feeds} or second[3] != 0:
        print("The second round was expected to be all 304s with no body.", file=sys.stderr)
        return 1
    if args.record:
        load = os.getloadavg()[0]
        lines = [
            f"## Feeds: polling {args.feeds:,} feeds ({datetime.now(UTC):%Y-%m-%d})",
            "",
            f"Command: `.venv/bin/python bench/run.py feeds`. Machine: {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, shared by the feed server and the poller. "
            f"One threaded http.server on 127.0.0.1 serves {args.feeds:,} RSS feeds of ten "
            f"items ({len(feed_body(0)):,} bytes each); the poller uses "
            f"{args.workers} worker threads, the safe fetcher, feedparser and SQLite. "
            f"Load average before the run: {load:.1f}.",
            "",
            "| round | seconds | feeds/s | answers | body bytes sent | failed | new items |",
            "|---|---:|---:|---|---:|---:|---:|",
        ]
        for label, seconds, statuses, body_bytes, failed, new_items in rows:
            answers = ", ".join(f"{count} × {status}" for status, count in statuses.items())
            lines.append(
                f"| {label} | {seconds:.2f} | {args.feeds / seconds:.0f} | {answers} | "
                f"{body_bytes:,} | {failed} | {new_items:,} |"
            )
        record("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
