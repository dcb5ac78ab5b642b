import os
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse database access from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

LONDON = ZoneInfo("Europe/London")

CHROMIUM = "/usr/bin/chromium"
# Root-safe flags; the background-networking ones keep Chromium off the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser():
    """Debian's headless Chromium, driven by Playwright; skips when it is missing."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"needs Debian's Chromium at {CHROMIUM} (make test installs it as root)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            # Inside sync_playwright() Django runs in another contextvars context, so
            # the test body gets its own database connection, which Django's teardown
            # never closes. PostgreSQL then cannot drop the test database.
            connections.close_all()


@pytest.fixture(autouse=True)
def resolver(monkeypatch):
    """A fixed name-to-address table used by the safe fetcher instead of DNS.

    Every test gets it, so a form that fetches a page (the entry form reads a missing
    title) never sends a DNS query for a made-up host. Names not in the table fail like
    an unknown host; `resolver["blog.example"] = ["10.0.0.1"]` maps a name.
    tests/fetching has its own fixture of the same name.
    """
    import socket

    from blogsync.fetching import fetcher

    table: dict[str, list[str]] = {"localhost": ["127.0.0.1"]}

    def resolve(host, port):
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(table[host])

    monkeypatch.setattr(fetcher, "resolve_host", resolve)
    return table


@pytest.fixture
def series(db):
    from blogsync.syncs.models import Series

    return Series.objects.create(
        name="#blogsync",
        slug="blogsync",
        hashtag="#blogsync",
        description="Fuelling the explosion in educational blogging.",
    )


@pytest.fixture
def make_topic(series):
    """Create a topic; by default it opened a week ago and closes in a week."""
    from django.utils import timezone

    from blogsync.syncs.models import Topic

    def make(number=1, title="The Purpose of Education", **fields):
        now = timezone.now()
        values = {
            "month": date(2013, 9, 1),
            "signup_opens_at": now - timedelta(days=7),
            "deadline": now + timedelta(days=7),
            "invitation": "Write about it.",
        }
        values.update(fields)
        return Topic.objects.create(
            series=fields.pop("series", series),
            number=number,
            title=title,
            **{k: v for k, v in values.items() if k != "series"},
        )

    return make


@pytest.fixture
def topic(make_topic):
    return make_topic()


@pytest.fixture
def make_entry(topic):
    from blogsync.syncs.models import Contributor, Entry, EntrySource, EntryStatus

    counter = {"n": 0}

    def make(
        name=None,
        title=None,
        url=None,
        status=EntryStatus.APPROVED,
        topic=topic,
        contributor=None,
        **fields,
    ):
        counter["n"] += 1
        n = counter["n"]
        if contributor is None:
            contributor = Contributor.objects.create(name=name or f"Writer {n}")
        return Entry.objects.create(
            topic=topic,
            contributor=contributor,
            title=title or f"Post {n}",
            url=url if url is not None else f"https://writer{n}.example.org/post",
            position=fields.pop("position", n),
            source=fields.pop("source", EntrySource.FORM),
            status=status,
            **fields,
        )

    return make


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)
