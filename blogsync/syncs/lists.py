"""The numbered list of a topic: "1. Name: Post title".

Every format that shows a list (the topic page, embeds, feeds, email) builds it here, so
that all of them number and group entries the same way.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from blogsync.syncs.models import Contributor, Entry


@dataclass
class ListLine:
    """One numbered line: a contributor and one or more of their posts."""

    number: int
    contributor: Contributor
    entries: list[Entry] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.contributor.name


def numbered_lines(entries: Iterable[Entry]) -> list[ListLine]:
    """Group entries, already in list order, into numbered lines.

    A contributor's posts share the line of their first post, because the community
    numbers writers, not posts. The entries must have `contributor` loaded
    (select_related) so that this makes no queries.
    """
    lines: list[ListLine] = []
    by_contributor: dict[int, ListLine] = {}
    for entry in entries:
        line = by_contributor.get(entry.contributor_id)
        if line is None:
            line = ListLine(number=len(lines) + 1, contributor=entry.contributor)
            by_contributor[entry.contributor_id] = line
            lines.append(line)
        line.entries.append(entry)
    return lines


def approved_lines(topic) -> list[ListLine]:
    """Build the published list of `topic` in one query."""
    entries = topic.entries.approved().in_list_order().select_related("contributor", "link_health")
    return numbered_lines(entries)
