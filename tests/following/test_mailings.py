import logging
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from blogsync.following.models import (
    FanOut,
    MailKind,
    OutboxMessage,
    OutboxState,
    SeriesMailSettings,
    WriterMailPreference,
)
from blogsync.following.tasks import fill_and_deliver, start_mailing
from blogsync.syncs.models import Contributor, EntryStatus, SignUp
from blogsync.syncs.signals import list_published

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def closing_topic(make_topic):
    """A topic whose deadline is two days away, inside the default three-day reminder."""
    now = timezone.now()
    return make_topic(
        number=5,
        title="Closing soon",
        signup_opens_at=now - timedelta(days=20),
        deadline=now + timedelta(days=2),
    )


def sign_up(topic, name, email, confirmed=True):
    contributor = Contributor.objects.create(name=name, email=email)
    SignUp.objects.create(
        topic=topic, contributor=contributor, confirmed_at=timezone.now() if confirmed else None
    )
    return contributor


def test_reminder_goes_only_to_writers_without_entry(closing_topic, smtp, run_worker, make_entry):
    sign_up(closing_topic, "Writes Late", "late@example.org")
    done = sign_up(closing_topic, "Has Posted", "posted@example.org")
    make_entry(contributor=done, topic=closing_topic, status=EntryStatus.PENDING)
    sign_up(closing_topic, "Never Confirmed", "unconfirmed@example.org", confirmed=False)
    opted_out = sign_up(closing_topic, "Opted Out", "optout@example.org")
    WriterMailPreference.objects.create(contributor=opted_out, writer_mail=False)

    call_command("send_due_mail", verbosity=0)
    run_worker()

    assert [str(m["To"]) for m in smtp.messages] == ["late@example.org"]
    [reminder] = smtp.messages
    assert "Reminder" in reminder["Subject"]
    assert reminder["List-Unsubscribe"] is not None
    assert "/blogsync/5/" in reminder.get_body(("plain",)).get_content()


def test_reminder_waits_for_its_day(closing_topic, smtp, run_worker):
    SeriesMailSettings.objects.create(series=closing_topic.series, reminder_days_before=1)
    sign_up(closing_topic, "Writes Late", "late@example.org")
    call_command("send_due_mail", verbosity=0)
    run_worker()
    assert smtp.messages == []


def test_reminder_shows_deadline_in_bst(make_topic, smtp, run_worker):
    from tests.conftest import london

    topic = make_topic(
        number=9,
        title="Summer",
        signup_opens_at=london(2026, 7, 1, 9, 0),
        deadline=london(2026, 7, 31, 23, 59),
    )
    sign_up(topic, "Writes Late", "late@example.org")
    start_mailing(MailKind.REMINDER, topic.series_id, topic_id=topic.pk)
    run_worker()
    [reminder] = smtp.messages
    assert "Friday 31 July 2026, 23:59 BST" in reminder.get_body(("plain",)).get_content()


def test_send_due_mail_twice_sends_once(closing_topic, smtp, run_worker, make_subscriber):
    make_subscriber("reader@example.org")
    sign_up(closing_topic, "Writes Late", "late@example.org")
    call_command("send_due_mail", verbosity=0)
    call_command("send_due_mail", verbosity=0)
    run_worker()
    call_command("send_due_mail", verbosity=0)
    run_worker()
    counts = Counter((str(m["To"]), m["Subject"]) for m in smtp.messages)
    assert counts and set(counts.values()) == {1}


def test_task_enqueued_twice_sends_once(series, topic, smtp, run_worker, make_subscriber):
    for n in range(5):
        make_subscriber(f"reader{n}@example.org")
    start_mailing(MailKind.NEW_TOPIC, series.pk, topic_id=topic.pk)
    fanout = FanOut.objects.get()
    fill_and_deliver.enqueue(fanout.pk)
    fill_and_deliver.enqueue(fanout.pk)
    FanOut.objects.filter(pk=fanout.pk).update(done_at=None)  # as if the first run died
    run_worker()
    assert sorted(Counter(smtp.recipients).values()) == [1] * 5


def test_list_published_signal_mails_subscribers_and_writers(
    topic, smtp, run_worker, make_subscriber, make_entry
):
    make_subscriber("reader@example.org")
    make_subscriber("quiet@example.org", list_published=False)
    writer = sign_up(topic, "Writer & Co", "writer@example.org")
    make_entry(contributor=writer, title="My <post>")
    both = sign_up(topic, "Both", "both@example.org")
    make_subscriber("both@example.org")
    make_entry(contributor=both)
    topic.list_published_at = timezone.now()
    topic.save()

    list_published.send(type(topic), topic=topic)
    run_worker()

    assert sorted(smtp.recipients) == [
        "both@example.org",
        "reader@example.org",
        "writer@example.org",
    ]
    [message] = smtp.to("writer@example.org")
    text = message.get_body(("plain",)).get_content()
    assert "1. Writer & Co: My <post>" in text
    html = message.get_body(("html",)).get_content()
    assert "Writer &amp; Co: <a href=" in html
    assert "My &lt;post&gt;" in html


def test_list_is_out_is_not_sent_for_old_lists(make_topic, smtp, run_worker, make_subscriber):
    make_subscriber("reader@example.org")
    make_topic(
        number=3,
        title="Long ago",
        signup_opens_at=timezone.now() - timedelta(days=400),
        deadline=timezone.now() - timedelta(days=370),
        list_published_at=timezone.now() - timedelta(days=365),
    )
    call_command("send_due_mail", verbosity=0)
    run_worker()
    assert smtp.messages == []


def test_new_topic_announced_once_signup_opens(make_topic, smtp, run_worker, make_subscriber):
    make_subscriber("reader@example.org")
    make_subscriber("no-topics@example.org", new_topics=False)
    make_topic(
        number=4, title="Fresh & new", signup_opens_at=timezone.now() - timedelta(minutes=3)
    )
    make_topic(number=6, title="Later", signup_opens_at=timezone.now() + timedelta(days=3))
    call_command("send_due_mail", verbosity=0)
    run_worker()
    [message] = smtp.messages
    assert str(message["To"]) == "reader@example.org"
    assert message["Subject"] == "#blogsync 4: Fresh & new"


def test_daily_digest_lists_yesterdays_entries(
    topic, smtp, run_worker, make_subscriber, make_entry
):
    make_subscriber("digest@example.org", daily_digest=True)
    make_subscriber("nodigest@example.org")
    yesterday = timezone.now() - timedelta(days=1)
    make_entry(title="Approved yesterday", approved_at=yesterday)
    make_entry(title="Approved today", approved_at=timezone.now())
    make_entry(title="Still pending", status=EntryStatus.PENDING)

    call_command("send_due_mail", verbosity=0)
    run_worker()
    [digest] = smtp.to("digest@example.org")
    text = digest.get_body(("plain",)).get_content()
    assert "Approved yesterday" in text
    assert "Approved today" not in text
    assert "Still pending" not in text
    assert smtp.to("nodigest@example.org") == []


def test_smtp_error_is_retried_with_backoff(
    series, topic, smtp, run_worker, make_subscriber, caplog
):
    make_subscriber("reader@example.org")
    smtp.fail_next = 1
    with caplog.at_level(logging.INFO, logger="blogsync.following"):
        start_mailing(MailKind.NEW_TOPIC, series.pk, topic_id=topic.pk)
        run_worker()
    row = OutboxMessage.objects.get()
    assert row.state == OutboxState.PENDING
    assert row.attempts == 1
    assert "451" in row.last_error
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=30)
    assert any("retrying" in record.getMessage() for record in caplog.records)
    assert smtp.messages == []

    # When the retry is due, send_due_mail hands it to a worker again.
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    call_command("send_due_mail", verbosity=0)
    run_worker()
    row.refresh_from_db()
    assert row.state == OutboxState.SENT
    assert row.attempts == 2
    assert len(smtp.messages) == 1


def test_message_fails_after_max_attempts(series, topic, smtp, make_subscriber, caplog):
    from blogsync.following import outbox

    make_subscriber("reader@example.org")
    from blogsync.following.fanout import fill_outbox, start_fanout

    fill_outbox(start_fanout(MailKind.NEW_TOPIC, series.pk, topic_id=topic.pk))
    smtp.fail_next = outbox.MAX_ATTEMPTS
    with caplog.at_level(logging.INFO, logger="blogsync.following"):
        for _ in range(outbox.MAX_ATTEMPTS):
            OutboxMessage.objects.update(next_attempt_at=timezone.now())
            outbox.deliver_due()
    row = OutboxMessage.objects.get()
    assert row.state == OutboxState.FAILED
    assert row.attempts == outbox.MAX_ATTEMPTS
    assert any(record.levelno == logging.ERROR for record in caplog.records)


def test_mail_status_shows_queue_outbox_and_failures(series, topic, make_subscriber):
    from io import StringIO

    subscriber = make_subscriber("reader@example.org")
    OutboxMessage.objects.create(
        key="k1",
        kind=MailKind.NEW_TOPIC,
        recipient=subscriber.email,
        series=series,
        topic=topic,
        subscriber=subscriber,
        state=OutboxState.FAILED,
        attempts=5,
        last_error="SMTPDataError(451)",
    )
    start_mailing(MailKind.NEW_TOPIC, series.pk, topic_id=topic.pk)
    output = StringIO()
    call_command("mail_status", stdout=output)
    text = output.getvalue()
    assert "blogsync.following.tasks.fill_and_deliver" in text
    assert "READY" in text
    assert "failed   1" in text
    assert "SMTPDataError(451)" in text

    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now() - timedelta(hours=2))
    output = StringIO()
    call_command("mail_status", stdout=output)
    assert "1 task(s) RUNNING for over 1:00:00" in output.getvalue()


def test_reminder_uses_the_series_time_zone(make_topic, smtp, run_worker):
    from zoneinfo import ZoneInfo

    topic = make_topic(number=11, title="Far away")
    topic.series.time_zone = "America/New_York"
    topic.series.save()
    topic.deadline = timezone.datetime(2026, 7, 31, 23, 59, tzinfo=ZoneInfo("America/New_York"))
    topic.save()
    sign_up(topic, "Writes Late", "late@example.org")
    start_mailing(MailKind.REMINDER, topic.series_id, topic_id=topic.pk)
    run_worker()
    [reminder] = smtp.messages
    assert "Friday 31 July 2026, 23:59 EDT" in reminder.get_body(("plain",)).get_content()


def test_delivery_stops_when_smtp_keeps_failing(series, topic, smtp, make_subscriber):
    from blogsync.following import outbox
    from blogsync.following.fanout import fill_outbox, start_fanout

    for n in range(6):
        make_subscriber(f"reader{n}@example.org")
    fill_outbox(start_fanout(MailKind.NEW_TOPIC, series.pk, topic_id=topic.pk))
    smtp.fail_next = 100
    counts = outbox.deliver_due()
    assert counts["retry"] == outbox.MAX_CONSECUTIVE_ERRORS
    untried = OutboxMessage.objects.filter(attempts=0)
    assert untried.count() == 6 - outbox.MAX_CONSECUTIVE_ERRORS
    assert set(untried.values_list("state", flat=True)) == {OutboxState.PENDING}
    assert all(row.next_attempt_at > timezone.now() for row in untried)


def test_file_backend_of_make_run_receives_mail(
    series, topic, settings, tmp_path, site, run_worker, make_subscriber
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    for n in range(3):
        make_subscriber(f"reader{n}@example.org")
    start_mailing(MailKind.NEW_TOPIC, series.pk, topic_id=topic.pk)
    run_worker()
    written = "".join(path.read_text() for path in tmp_path.iterdir())
    for n in range(3):
        assert f"To: reader{n}@example.org" in written
    assert OutboxMessage.objects.filter(state=OutboxState.SENT).count() == 3
