import pytest


@pytest.fixture
def add_entries(topic):
    """Create `count` approved entries of `topic` in bulk, one contributor each.

    Bulk inserts keep the 1,000-entry query-count tests fast; save() is bypassed, so
    normalised_url is set here.
    """
    from blogsync.fetching.urlnorm import normalise_url
    from blogsync.syncs.models import Contributor, Entry, EntrySource, EntryStatus

    def add(count, topic=topic, status=EntryStatus.APPROVED):
        start = Entry.objects.filter(topic=topic).count()
        contributors = Contributor.objects.bulk_create(
            Contributor(
                name=f"Bulk writer {topic.pk}-{start + i}",
                slug=f"bulk-writer-{topic.pk}-{start + i}",
            )
            for i in range(count)
        )
        entries = []
        for i, contributor in enumerate(contributors, start=start + 1):
            url = f"https://bulk{i}.example.org/post/"
            entries.append(
                Entry(
                    topic=topic,
                    contributor=contributor,
                    url=url,
                    normalised_url=normalise_url(url),
                    title=f"Bulk post {i}",
                    position=i,
                    source=EntrySource.IMPORT,
                    status=status,
                )
            )
        return Entry.objects.bulk_create(entries)

    return add
