from django.core.management.base import BaseCommand

from blogsync.fetching.locks import single_run
from blogsync.fetching.watching import poll_open_topic_feeds


class Command(BaseCommand):
    help = (
        "Poll the feeds of writers signed up to open topics and add matching posts as "
        "pending entries. Safe to run from cron: a run still going makes a new one exit."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Feeds fetched at once (default: BLOGSYNC_FETCH_WORKERS).",
        )

    def handle(self, *args, workers=None, **options):
        with single_run("poll_feeds") as acquired:
            if not acquired:
                self.stdout.write("Another poll_feeds run is still going; nothing done.")
                return
            counts = poll_open_topic_feeds(workers=workers)
        self.stdout.write(
            f"Polled {counts['feeds']} feeds: {counts['failed']} failed, "
            f"{counts['not_modified']} unchanged, {counts['entries']} entries added."
        )
