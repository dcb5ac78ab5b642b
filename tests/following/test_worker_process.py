"""A worker process killed part-way through an announcement, then restarted."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from blogsync.following.models import MailKind, OutboxMessage, OutboxState
from blogsync.following.tasks import start_mailing

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
RECIPIENTS = 30
KILL_AFTER = 10
LEASE_SECONDS = 1


def database_url() -> str:
    """The test database as a DATABASE_URL that the worker process can read."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{db['NAME']}"


def manage(*args, env, **popen):
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, **popen
    )


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {seconds} s waiting for {what}")
        time.sleep(0.05)


def test_killed_worker_resumes_without_duplicates(series, topic, smtp, make_subscriber, settings):
    for n in range(RECIPIENTS):
        make_subscriber(f"reader{n:02d}@example.org")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(settings.EMAIL_PORT),
        "BLOGSYNC_SITE_URL": settings.SITE_URL,
        "BLOGSYNC_MAIL_LEASE_SECONDS": str(LEASE_SECONDS),
        "BLOGSYNC_LOG_LEVEL": "WARNING",
    }
    # The server delays the message that arrives after KILL_AFTER were accepted, so the
    # worker is known to be part-way through the announcement when it is killed.
    smtp.hold_at = KILL_AFTER
    start_mailing(MailKind.NEW_TOPIC, series.pk, topic_id=topic.pk)

    worker = manage("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1", env=env)
    try:
        wait_for(smtp.holding.is_set, 60, "the worker to reach the held message")
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    killed_at = timezone.now()
    smtp.release.set()
    assert len(smtp.recipients) == KILL_AFTER
    assert OutboxMessage.objects.filter(state=OutboxState.SENT).count() == KILL_AFTER

    # The rows the dead worker had claimed become free once their lease runs out.
    wait_for(
        lambda: (timezone.now() - killed_at).total_seconds() > LEASE_SECONDS + 0.5,
        10,
        "the lease to run out",
    )
    smtp.hold_at = None
    trigger = manage("send_due_mail", env=env, stdout=subprocess.DEVNULL)
    assert trigger.wait(timeout=60) == 0
    restarted = manage("db_worker", "--batch", "--no-reload", "--no-startup-delay", env=env)
    assert restarted.wait(timeout=120) == 0

    counts = Counter(smtp.recipients)
    assert len(counts) == RECIPIENTS
    assert set(counts.values()) == {1}
    assert OutboxMessage.objects.filter(state=OutboxState.SENT).count() == RECIPIENTS
