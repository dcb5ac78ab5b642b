"""Output of the import commands: a progress bar while storing and a summary after."""

import logging
import sys

from django.core.management.base import CommandError
from django.db import DatabaseError
from tqdm import tqdm

from blogsync.syncs.importing import ArchiveImportError, ImportSummary, import_archive_file

logger = logging.getLogger(__name__)

# Imports of at least this many entries show a progress bar even when stderr is not a
# terminal (a log file of a long import then shows how far it got).
LARGE_IMPORT_ENTRIES = 1000


def progress_bar_factory(enabled: bool):
    """Return a factory for a tqdm bar on stderr, or one returning None if disabled."""

    def make(total: int):
        if not enabled or not (sys.stderr.isatty() or total >= LARGE_IMPORT_ENTRIES):
            return None
        return tqdm(total=total, unit="entry", desc="Importing", file=sys.stderr, mininterval=0.5)

    return make


def run_import(
    command,
    path: str,
    *,
    series_slug: str | None,
    file_format: str,
    progress: bool,
    dry_run: bool = False,
) -> ImportSummary:
    """Import `path` for a management command, turning every failure into CommandError."""
    try:
        summary = import_archive_file(
            path,
            series_slug=series_slug,
            file_format=file_format,
            progress_factory=progress_bar_factory(progress),
            dry_run=dry_run,
        )
    except ArchiveImportError as error:
        logger.error("Import of %s failed: %s", path, error)
        raise CommandError(str(error)) from None
    except DatabaseError as error:
        logger.exception("Import of %s failed in the database", path)
        raise CommandError(
            f"Importing {path} failed in the database, so nothing was stored: {error}"
        ) from None
    if dry_run:
        command.stdout.write("Dry run: nothing was stored. An import would do this:")
    write_summary(command.stdout, path, summary)
    return summary


def write_summary(out, path: str, summary: ImportSummary) -> None:
    series = summary.series
    state = (
        "series created"
        if summary.series_created
        else "series details filled in"
        if summary.series_updated
        else "existing series"
    )
    out.write(f"Imported {path} into {series.hashtag} ({series.slug}, {state}).")
    out.write(
        f"Topics: {summary.topics_created} created, {summary.topics_updated} updated, "
        f"{summary.topics_unchanged} unchanged."
    )
    out.write(f"Contributors: {summary.contributors_created} created.")
    out.write(
        f"Entries: {summary.entries_created} created, {summary.entries_updated} given "
        f"a link, {summary.entries_present} already present."
    )
    if summary.notes:
        out.write("Notes on the file:")
        for note in summary.notes:
            out.write(f"  {note}")
    if summary.flagged:
        out.write(f"Lines read with a guess, flagged for review ({len(summary.flagged)}):")
        for line in summary.flagged:
            out.write(f"  {line}")
    if not summary.changed:
        out.write("Nothing changed: everything in the file was already stored.")
