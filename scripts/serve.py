"""Serve the hub, run its background worker and its periodic commands until interrupted.

`make run` calls this. The development web server and `manage.py db_worker` run as two
child processes, and stopping either one (or pressing Ctrl+C) stops everything. The
periodic commands that production runs from cron (see docs/deploy.md) run here on the
same schedule, each as a short-lived child process.
"""

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (management command, seconds between starts). The first run of each is at start-up.
PERIODIC_COMMANDS = [
    ("send_due_mail", 5 * 60),
    ("poll_feeds", 30 * 60),
    ("check_links", 24 * 3600),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()

    manage = [sys.executable, str(ROOT / "manage.py")]
    worker = subprocess.Popen([*manage, "db_worker", "--no-reload", "--interval", "1"])
    web = subprocess.Popen([*manage, "runserver", "--noreload", f"{args.host}:{args.port}"])
    children = [web, worker]
    print(f"blogsync is serving on http://{args.host}:{args.port}/ (Ctrl+C stops it)", flush=True)

    # command name -> (its running process or None, monotonic time of its next start)
    periodic: dict[str, tuple[subprocess.Popen | None, float]] = {
        name: (None, time.monotonic()) for name, _ in PERIODIC_COMMANDS
    }
    intervals = dict(PERIODIC_COMMANDS)

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(child.poll() is None for child in children):
            now = time.monotonic()
            for name, (process, next_start) in periodic.items():
                # A run still going when its next start is due is not started twice;
                # the commands also take a file lock of their own.
                if now >= next_start and (process is None or process.poll() is not None):
                    process = subprocess.Popen([*manage, name])
                    periodic[name] = (process, now + intervals[name])
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        running = children + [p for p, _ in periodic.values() if p is not None]
        for child in running:
            if child.poll() is None:
                # SIGTERM: runserver exits at once, and db_worker finishes the task
                # it is running before it exits.
                child.terminate()
        for child in running:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    return max((child.returncode or 0) for child in children)


if __name__ == "__main__":
    sys.exit(main())
