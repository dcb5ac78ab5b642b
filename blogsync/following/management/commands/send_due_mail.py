"""Queue the mail that is due: run it from cron every few minutes.

    */5 * * * *  cd /srv/blogsync && .venv/bin/python manage.py send_due_mail

It only queues tasks; a running `manage.py db_worker` sends the messages.
"""

import logging

from django.core.management.base import BaseCommand

from blogsync.following.due import queue_due_mail

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Queue announcements of new topics, deadline reminders, 'the list is out' "
        "messages and daily digests that are due, and any outbox messages waiting to be "
        "sent. Safe to run every few minutes: nothing is queued twice."
    )

    def handle(self, *args, **options):
        started = queue_due_mail()
        summary = ", ".join(f"{name} {count}" for name, count in started.items())
        logger.info("send_due_mail: %s", summary)
        self.stdout.write(f"Started: {summary}")
