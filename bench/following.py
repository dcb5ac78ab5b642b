"""Send one new-topic announcement to N confirmed subscribers through a local SMTP sink.

    .venv/bin/python bench/run.py following            # 5,000 and 50,000 subscribers
    .venv/bin/python bench/following.py --sizes 2000   # other sizes

Each size runs in a fresh process with a fresh SQLite database (or DATABASE_URL, whose
database must be empty), so that one run does not warm or bloat the next. The SMTP sink
is another process, so its memory is not counted. Figures per size: the wall time of
the fan-out and delivery (the code the worker runs, called in-process), and the
process's peak resident set size before and after it. With --tracemalloc, it also
records the peak of Python allocations during it, and tracing slows the run.
"""

import argparse
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = [5_000, 50_000]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_sink(port: int) -> None:
    """Accept mail on 127.0.0.1:`port` and count it; print the count on SIGTERM."""
    from aiosmtpd.controller import Controller

    class Counting:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            self.count += len(envelope.rcpt_tos)
            return "250 OK"

    # Block SIGTERM before the server thread starts, so that sigwait() receives it.
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM])
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    signal.sigwait([signal.SIGTERM])
    controller.stop()
    print(handler.count, flush=True)


def run_size(size: int, port: int, trace: bool) -> dict:
    """Set up a database with `size` subscribers, send one announcement, measure."""
    with tempfile.TemporaryDirectory(prefix="blogsync-bench-") as var_dir:
        os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
        os.environ["BLOGSYNC_VAR_DIR"] = var_dir
        os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
        os.environ["EMAIL_HOST"] = "127.0.0.1"
        os.environ["EMAIL_PORT"] = str(port)
        os.environ["BLOGSYNC_LOG_LEVEL"] = "WARNING"
        os.environ["DJANGO_SETTINGS_MODULE"] = "blogsync.settings"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command
        from django.utils import timezone

        call_command("migrate", verbosity=0)
        from blogsync.following.fanout import CHUNK_SIZE, start_fanout
        from blogsync.following.models import FanOut, MailKind, OutboxMessage, Subscriber
        from blogsync.following.tasks import fill_and_deliver
        from blogsync.syncs.models import Series, Topic

        series = Series.objects.create(name="#blogsync", slug="blogsync", hashtag="#blogsync")
        now = timezone.now()
        topic = Topic.objects.create(
            series=series,
            number=1,
            month=now.date(),
            title="The Purpose of Education",
            signup_opens_at=now,
            deadline=now,
        )
        for start in range(0, size, CHUNK_SIZE):
            Subscriber.objects.bulk_create(
                [
                    Subscriber(series=series, email=f"reader{n}@example.org", confirmed_at=now)
                    for n in range(start, min(size, start + CHUNK_SIZE))
                ]
            )
        fanout = start_fanout(MailKind.NEW_TOPIC, series.pk, topic_id=topic.pk)

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        fill_and_deliver.call(fanout.pk)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        tracemalloc.stop()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        assert FanOut.objects.get(pk=fanout.pk).queued == size
        sent = OutboxMessage.objects.filter(state="sent").count()
        return {
            "size": size,
            "sent": sent,
            "seconds": round(seconds, 1),
            "per_second": round(sent / seconds),
            "tracemalloc_peak_mib": round(peak / 2**20, 1) if trace else None,
            "maxrss_before_mib": round(rss_before / 1024, 1),
            "maxrss_after_mib": round(rss_after / 1024, 1),
        }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES)
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="Also trace Python allocations; this slows the run about twofold.",
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="Accepted for bench/run.py; this benchmark prints its figures, copy them "
        "into docs/benchmarks.md by hand.",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sink", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.sink:
        run_sink(args.sink)
        return
    if args.one:
        print(json.dumps(run_size(args.one, args.port, args.tracemalloc)), flush=True)
        return

    me = [sys.executable, str(Path(__file__).resolve())]
    for size in args.sizes:
        port = free_port()
        sink = subprocess.Popen([*me, "--sink", str(port)], stdout=subprocess.PIPE, text=True)
        try:
            assert sink.stdout.readline().strip() == "ready"
            trace = ["--tracemalloc"] if args.tracemalloc else []
            child = subprocess.run(
                [*me, "--one", str(size), "--port", str(port), *trace],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(child.stdout.strip().splitlines()[-1])
        finally:
            sink.send_signal(signal.SIGTERM)
            received = int(sink.stdout.read().strip() or 0)
            sink.wait(timeout=30)
        result["received_by_sink"] = received
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
