"""A lock that keeps two runs of one periodic command from overlapping.

Cron starts a command on time whether or not the previous run has finished. A slow
run of feed polling must not be joined by a second one fetching the same feeds.
The lock is an flock on a file under BLOGSYNC_VAR_DIR, so it covers processes on one
machine only. The kernel releases it if the process dies.
"""

import contextlib
import fcntl
import logging
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def single_run(name: str):
    """Yield True while holding the lock called `name`, or False if another process
    holds it."""
    directory = Path(settings.VAR_DIR) / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / f"{name}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.info("Another %s run is still going; this one stops", name)
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
