from django.core.management.base import BaseCommand

from blogsync.syncs.importing import FORMATS
from blogsync.syncs.importing.report import run_import


class Command(BaseCommand):
    help = (
        "Import topics and their numbered lists from a hub page (plain text or HTML) or a "
        "JSON archive. Running it again with the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive file (.txt, .html or .json).")
        parser.add_argument(
            "--series",
            help="Slug of the series to import into; it is created if missing. Default: "
            "the series named in the file, else blogsync.",
        )
        parser.add_argument(
            "--format",
            choices=["auto", *FORMATS],
            default="auto",
            help="The file format. Default: from the extension, else from the content.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read the file and print the summary, but store nothing.",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="Do not show a progress bar on stderr.",
        )

    def handle(self, *args, **options):
        run_import(
            self,
            options["file"],
            series_slug=options["series"],
            file_format=options["format"],
            progress=not options["no_progress"],
            dry_run=options["dry_run"],
        )
