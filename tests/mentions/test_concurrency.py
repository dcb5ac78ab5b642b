"""Two mentions of one source verified at the same moment make one entry.

The source server keeps each request waiting until a second one arrives (or 5 seconds pass),
so that both verifications have fetched the page before either stores anything.
"""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection
from pytest_httpserver import HTTPServer
from werkzeug import Response

from blogsync.mentions.models import Mention, MentionState
from blogsync.mentions.verification import verify
from blogsync.syncs.models import Entry
from tests.mentions.conftest import HUB, WORDPRESS_POST, link_to

ROOT = Path(__file__).resolve().parents[2]
# The suite's SQLite test database lives in memory with a shared cache. There a second
# thread gets "database table is locked" at once instead of waiting for the lock as a
# file database does. Threads are therefore tested on PostgreSQL, and SQLite with two
# worker processes on a database file. (The worker itself cannot run in a thread: it
# installs signal handlers.)
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads need a database server; see test_two_worker_processes_on_sqlite",
)


@pytest.fixture
def paired_server():
    """A threaded loopback server whose post page responds to two requests together."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    barrier = threading.Barrier(2)
    page = WORDPRESS_POST.format(
        title="Why I teach", author="Jo Bloggs", body=link_to(f"{HUB}/blogsync/1/"), base=""
    )

    def answer(request):
        try:
            barrier.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        return Response(page, content_type="text/html; charset=utf-8")

    server.expect_request("/post").respond_with_handler(answer)
    yield f"http://127.0.0.1:{server.port}/post"
    server.clear()
    if server.is_running():
        server.stop()


def _run_in_threads(function, arguments):
    errors = []

    def run(argument):
        try:
            function(argument)
        except Exception as error:  # reported by the caller's assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_verifications_at_once_give_one_entry(send_webmention, topic, paired_server):
    send_webmention(paired_server, f"{HUB}/blogsync/1/")
    send_webmention(paired_server, f"{HUB}/blogsync/1/")

    errors = _run_in_threads(verify, list(Mention.objects.values_list("pk", flat=True)))

    assert errors == []
    entry = Entry.objects.get()
    assert set(Mention.objects.values_list("entry", flat=True)) == {entry.pk}
    assert set(Mention.objects.values_list("state", flat=True)) == {MentionState.ACCEPTED}


SEED = """
from blogsync.mentions import receiving
from blogsync.mentions.tasks import verify_mention_task
from blogsync.syncs.models import Series, Topic

series = Series.objects.create(name="#blogsync", slug="blogsync", hashtag="#blogsync")
Topic.objects.create(series=series, number=1, month="2013-09-01", title="Purpose")
for _ in range(2):
    mention = receiving.receive(receiving.Request(
        source="{source}", target="{hub}/blogsync/1/", protocol="webmention",
        client_ip="127.0.0.1", request_host="hub.example"))
    verify_mention_task.enqueue(mention.pk)
"""

REPORT = """
from blogsync.mentions.models import Mention
from blogsync.syncs.models import Entry
print(Entry.objects.count(), sorted(set(Mention.objects.values_list("state", flat=True))))
"""


def test_two_worker_processes_on_sqlite(tmp_path, paired_server):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}",
        "BLOGSYNC_VAR_DIR": str(tmp_path),
        "BLOGSYNC_SITE_URL": HUB,
        "ALLOWED_HOSTS": "hub.example",
        "BLOGSYNC_LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]

    def run(*arguments):
        return subprocess.run(
            [*manage, *arguments],
            env=environment,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )

    run("migrate", "--no-input")
    run("shell", "-c", SEED.format(source=paired_server, hub=HUB))
    workers = [
        subprocess.Popen(
            [*manage, "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
            env=environment,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    # `shell` prints a line about auto-imported models first; the report is the last.
    report = run("shell", "-c", REPORT).stdout.strip().splitlines()[-1]
    assert report == "1 ['accepted']"
