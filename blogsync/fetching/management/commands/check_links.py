from django.core.management.base import BaseCommand

from blogsync.fetching.linkhealth import check_all_and_report
from blogsync.fetching.locks import single_run


class Command(BaseCommand):
    help = (
        "Check the link of every approved entry, mark links dead after repeated failures "
        "and email coordinators about new ones. Safe to run from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Links checked at once (default: BLOGSYNC_FETCH_WORKERS).",
        )

    def handle(self, *args, workers=None, **options):
        with single_run("check_links") as acquired:
            if not acquired:
                self.stdout.write("Another check_links run is still going; nothing done.")
                return
            counts = check_all_and_report(workers=workers)
        self.stdout.write(
            f"Checked {counts['checked']} links: {counts['died']} newly dead, "
            f"{counts['reports']} reports sent."
        )
