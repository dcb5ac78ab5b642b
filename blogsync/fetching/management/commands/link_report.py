from django.core.management.base import BaseCommand, CommandError

from blogsync.fetching.linkhealth import dead_entries
from blogsync.syncs.models import Series


class Command(BaseCommand):
    help = "List approved entries whose link is marked dead, with their archived copies."

    def add_arguments(self, parser):
        parser.add_argument("--series", help="Only this series (its slug).")

    def handle(self, *args, series=None, **options):
        selected = None
        if series:
            selected = Series.objects.filter(slug=series).first()
            if selected is None:
                raise CommandError(f"No series has the slug {series!r}.")
        entries = list(dead_entries(selected))
        if not entries:
            self.stdout.write("No listed post is marked dead.")
            return
        for entry in entries:
            health = entry.link_health
            self.stdout.write(
                f"{entry.topic.series.hashtag} {entry.topic.number} | {entry.contributor.name}: "
                f"{entry.title}\n  {entry.url}\n  dead since {health.dead_since:%Y-%m-%d}, "
                f"{health.consecutive_failures} failed checks in a row\n"
                f"  archived copy: {health.archive_url}"
            )
        self.stdout.write(f"{len(entries)} dead links.")
