from django.core.management.base import BaseCommand

from blogsync.syncs.importing.report import run_import
from blogsync.syncs.models import Topic


class Command(BaseCommand):
    help = (
        "Import FILE only if the database has no topic yet. `make run` calls this to load "
        "the bundled 2013 archive into a new database."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive file (.txt, .html or .json).")

    def handle(self, *args, **options):
        path = options["file"]
        count = Topic.objects.count()
        if count:
            self.stdout.write(
                f"Skipped importing {path}: the database already has {count} "
                f"topic{'s' if count != 1 else ''}, and the initial archive is only loaded "
                f"into an empty one. To import it anyway, run "
                f"`manage.py import_archive {path}`."
            )
            return
        run_import(self, path, series_slug=None, file_format="auto", progress=True)
