"""Serve the hub and run its background worker until interrupted.

`make run` calls this: the development web server and `manage.py db_worker` run as two
child processes, and stopping one (or pressing Ctrl+C) stops both.
"""

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                # SIGTERM: runserver exits at once, and db_worker finishes the task
                # it is running before it exits.
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    return max((child.returncode or 0) for child in children)


if __name__ == "__main__":
    sys.exit(main())
