from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from blogsync.fetching.linkhealth import check_all_and_report, check_link, record_check
from blogsync.fetching.locks import single_run
from blogsync.fetching.models import CheckResult, LinkCheck, LinkHealth
from blogsync.syncs.models import Contributor, Entry, EntrySource, EntryStatus

LONDON = ZoneInfo("Europe/London")


def test_working_link_checked_with_head(httpserver):
    httpserver.expect_request("/post", method="HEAD").respond_with_data("")
    status = check_link(httpserver.url_for("/post"))
    assert status.result == CheckResult.OK
    assert status.status == 200
    assert [request.method for request, _ in httpserver.log] == ["HEAD"]


@pytest.mark.parametrize("refusal", [405, 501])
def test_get_used_when_head_is_refused(httpserver, refusal):
    httpserver.expect_request("/post", method="HEAD").respond_with_data("", status=refusal)
    httpserver.expect_request("/post", method="GET").respond_with_data("<p>Here</p>")
    status = check_link(httpserver.url_for("/post"))
    assert status.result == CheckResult.OK
    assert [request.method for request, _ in httpserver.log] == ["HEAD", "GET"]


@pytest.mark.parametrize(
    ("code", "result"),
    [
        (404, "failed"),
        (410, "failed"),
        (500, "failed"),
        (403, "inconclusive"),
        (429, "inconclusive"),
    ],
)
def test_error_statuses(httpserver, code, result):
    httpserver.expect_request("/post").respond_with_data("", status=code)
    status = check_link(httpserver.url_for("/post"))
    assert status.result == result
    assert status.status == code


def test_unreachable_link_fails_with_the_reason(resolver, connections):
    resolver["intranet.example"] = ["192.168.0.10"]
    status = check_link("http://intranet.example/post")
    assert status.result == CheckResult.FAILED
    assert status.status is None
    assert "not on the public internet" in status.error
    assert connections == []


def failing(code=404):
    from blogsync.fetching.linkhealth import LinkStatus

    return LinkStatus(status=code, error=f"status {code}", result=CheckResult.FAILED)


def working():
    from blogsync.fetching.linkhealth import LinkStatus

    return LinkStatus(status=200, error="", result=CheckResult.OK)


def test_entry_dies_after_three_failures_in_a_row(make_entry):
    entry = make_entry()
    assert [record_check(entry, failing()) for _ in range(4)] == [False, False, True, False]
    health = LinkHealth.objects.get(entry=entry)
    assert health.is_dead
    assert health.consecutive_failures == 4
    assert LinkCheck.objects.filter(entry=entry).count() == 4


def test_success_resets_the_count_and_revives(make_entry):
    entry = make_entry()
    record_check(entry, failing())
    record_check(entry, failing())
    record_check(entry, working())
    record_check(entry, failing())
    assert not LinkHealth.objects.get(entry=entry).is_dead
    for _ in range(2):
        record_check(entry, failing())
    assert LinkHealth.objects.get(entry=entry).is_dead
    record_check(entry, working())
    health = LinkHealth.objects.get(entry=entry)
    assert not health.is_dead
    assert health.dead_since is None


def test_inconclusive_checks_change_nothing(make_entry):
    from blogsync.fetching.linkhealth import LinkStatus

    entry = make_entry()
    record_check(entry, failing())
    record_check(entry, LinkStatus(403, "", CheckResult.INCONCLUSIVE))
    assert LinkHealth.objects.get(entry=entry).consecutive_failures == 1


def test_archive_url_uses_the_submission_day(make_entry):
    entry = make_entry(
        url="https://jo.example/why/", submitted_at=datetime(2013, 9, 20, 23, 30, tzinfo=LONDON)
    )
    health = LinkHealth.objects.create(entry=entry, is_dead=True)
    assert health.archive_url == "https://web.archive.org/web/20130920/https://jo.example/why/"


def test_topic_page_offers_the_archived_copy(client, topic, make_entry):
    alive = make_entry(url="https://alive.example/post")
    dead = make_entry(
        url="https://dead.example/post", submitted_at=datetime(2013, 9, 21, 10, 0, tzinfo=LONDON)
    )
    LinkHealth.objects.create(entry=dead, is_dead=True)
    LinkHealth.objects.create(entry=alive, is_dead=False)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert page.count("archived copy") == 1
    assert 'href="https://web.archive.org/web/20130921/https://dead.example/post"' in page


@pytest.mark.parametrize("count", [10, 1000])
def test_topic_page_queries_do_not_grow(client, topic, count, django_assert_num_queries):
    writer = Contributor.objects.create(name="Writer")
    entries = Entry.objects.bulk_create(
        Entry(
            topic=topic,
            contributor=writer,
            url=f"https://w.example/{n}",
            title=f"P{n}",
            position=n,
            source=EntrySource.FORM,
            status=EntryStatus.APPROVED,
        )
        for n in range(count)
    )
    LinkHealth.objects.bulk_create(
        LinkHealth(entry=entry, is_dead=n % 2 == 0) for n, entry in enumerate(entries)
    )
    # The topic with its series, the entries with contributors and link health, and
    # the count of confirmed sign-ups.
    with django_assert_num_queries(3):
        response = client.get(topic.get_absolute_url())
    assert response.content.decode().count("archived copy") == count // 2


def test_series_home_queries_do_not_grow(
    client, series, topic, make_entry, django_assert_num_queries
):
    for n in range(10):
        LinkHealth.objects.create(entry=make_entry(), is_dead=n % 2 == 0)
    # Series, open topic, upcoming topic, latest topics, their approved entries.
    with django_assert_num_queries(5):
        response = client.get(series.get_absolute_url())
    assert response.content.decode().count("archived copy") == 5


@pytest.fixture
def coordinator(series):
    user = get_user_model().objects.create_user("alice", email="alice@example.org")
    series.coordinators.add(user)
    return user


def test_coordinators_told_about_newly_dead_links(httpserver, settings, coordinator, make_entry):
    settings.BLOGSYNC_LINK_FAILURES_BEFORE_DEAD = 2
    httpserver.expect_request("/alive").respond_with_data("")
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    make_entry(url=httpserver.url_for("/alive"))
    lost = make_entry(name="Sam Patel", title="Lost post", url=httpserver.url_for("/gone"))
    make_entry(url=httpserver.url_for("/gone?pending"), status=EntryStatus.PENDING)

    assert check_all_and_report() == {"checked": 2, "died": 0, "reports": 0}
    assert check_all_and_report() == {"checked": 2, "died": 1, "reports": 1}
    assert check_all_and_report() == {"checked": 2, "died": 0, "reports": 0}

    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "1 listed post no longer online" in message.subject
    assert "Sam Patel: Lost post" in message.body
    assert lost.link_health.archive_url in message.body


def test_check_links_command(httpserver, make_entry):
    httpserver.expect_request("/post").respond_with_data("")
    make_entry(url=httpserver.url_for("/post"))
    out = StringIO()
    call_command("check_links", stdout=out)
    assert out.getvalue().strip() == "Checked 1 links: 0 newly dead, 0 reports sent."


def test_check_links_skips_when_locked(make_entry):
    out = StringIO()
    with single_run("check_links") as acquired:
        assert acquired
        call_command("check_links", stdout=out)
    assert "still going" in out.getvalue()
    assert LinkCheck.objects.count() == 0


def test_link_report_lists_dead_links(make_entry):
    entry = make_entry(name="Sam Patel", title="Lost post", url="https://gone.example/p")
    LinkHealth.objects.create(
        entry=entry, is_dead=True, consecutive_failures=3, dead_since=entry.submitted_at
    )
    out = StringIO()
    call_command("link_report", stdout=out)
    assert "Sam Patel: Lost post" in out.getvalue()
    assert "https://web.archive.org/web/" in out.getvalue()
    assert out.getvalue().strip().endswith("1 dead links.")


def test_link_report_with_nothing_dead(db):
    out = StringIO()
    call_command("link_report", stdout=out)
    assert out.getvalue().strip() == "No listed post is marked dead."


def test_poll_feeds_command(db):
    out = StringIO()
    call_command("poll_feeds", stdout=out)
    assert out.getvalue().strip() == ("Polled 0 feeds: 0 failed, 0 unchanged, 0 entries added.")


def test_admin_lists_link_health(admin_client, make_entry):
    entry = make_entry(title="Lost post")
    LinkHealth.objects.create(entry=entry, is_dead=True)
    LinkCheck.objects.create(entry=entry, status=404, result=CheckResult.FAILED)
    for name in ("linkhealth", "linkcheck", "feedstate"):
        response = admin_client.get(reverse(f"admin:fetching_{name}_changelist"))
        assert response.status_code == 200, name
