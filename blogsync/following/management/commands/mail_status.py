"""Show the task queue, the outbox by state and the latest failures."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone

from blogsync.following.models import FanOut, OutboxMessage, OutboxState

STALE_RUNNING = timedelta(hours=1)


class Command(BaseCommand):
    help = "Show queued mail tasks, outbox messages by state, and recent failures."

    def add_arguments(self, parser):
        parser.add_argument(
            "--failures",
            type=int,
            default=10,
            help="How many recent failed messages to list (default 10).",
        )

    def handle(self, *args, failures, **options):
        out = self.stdout
        out.write("Tasks:")
        try:
            from django_tasks_db.models import DBTaskResult
        except ImportError:
            out.write("  (the task backend is not the database backend)")
        else:
            rows = (
                DBTaskResult.objects.values("task_path", "status")
                .annotate(count=Count("id"))
                .order_by("task_path", "status")
            )
            for row in rows:
                out.write(f"  {row['task_path']:<55} {row['status']:<11} {row['count']}")
            if not rows:
                out.write("  none")
            # A worker killed mid-task leaves its task RUNNING for ever; the outbox
            # rows it held are sent by a later delivery, not by that task.
            stale = DBTaskResult.objects.filter(
                status="RUNNING", started_at__lt=timezone.now() - STALE_RUNNING
            ).count()
            if stale:
                out.write(
                    f"  {stale} task(s) RUNNING for over {STALE_RUNNING}: their worker "
                    "has probably stopped."
                )

        out.write("Outbox:")
        counts = dict(
            OutboxMessage.objects.values_list("state")
            .annotate(count=Count("id"))
            .values_list("state", "count")
        )
        for state in OutboxState:
            out.write(f"  {state.value:<8} {counts.get(state.value, 0)}")

        unfinished = FanOut.objects.filter(done_at__isnull=True).count()
        out.write(f"Mailings still being queued: {unfinished}")

        out.write(f"Recent failures (up to {failures}):")
        failed = OutboxMessage.objects.filter(state=OutboxState.FAILED).order_by("-updated_at")[
            :failures
        ]
        for message in failed:
            out.write(
                f"  {message.updated_at:%Y-%m-%d %H:%M} #{message.pk} {message.kind} "
                f"to {message.recipient} after {message.attempts} attempts: "
                f"{message.last_error[:200]}"
            )
        if not failed:
            out.write("  none")
