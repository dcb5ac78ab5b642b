"""RSS 2.0, Atom and JSON Feed 1.1 for a series and its topics.

Three feeds, each in three formats: new topics of a series (announced once sign-up
opens), the approved entries of one topic, and the approved entries of a whole series.
Titles are plain text here; each format's writer escapes them once.

Item ids are tag URIs (RFC 4151) built from the site's host, the day the object was
created and its primary key, so they do not change when a title or a URL does.
"""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.html import format_html

from blogsync.syncs.models import Entry, Series, Topic

ITEM_LIMIT = 50


def tag_uri(kind: str, pk: int, created) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{created:%Y-%m-%d}:{kind}/{pk}"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class JSONFeed(feedgenerator.SyndicationFeed):
    """A JSON Feed 1.1 writer (https://www.jsonfeed.org/version/1.1/) for Django's
    syndication framework."""

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        feed = self.feed
        document = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["description"],
            "language": feed["language"],
            "items": [self._item(item) for item in self.items],
        }
        if feed.get("author_name"):
            document["authors"] = [{"name": feed["author_name"]}]
        outfile.write(json.dumps(document, ensure_ascii=False, indent=1).encode(encoding))

    def _item(self, item) -> dict:
        result = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
            "content_html": item["description"],
        }
        if item["pubdate"]:
            result["date_published"] = item["pubdate"].isoformat()
        if item["updateddate"]:
            result["date_modified"] = item["updateddate"].isoformat()
        if item["author_name"]:
            author = {"name": item["author_name"]}
            if item["author_link"]:
                author["url"] = item["author_link"]
            result["authors"] = [author]
        return result


class StableDateMixin:
    """Date an empty feed by its object's creation, not by the current time.

    Django dates a feed without items "now", so its bytes, and its ETag, would change
    every second.
    """

    def latest_post_date(self):
        if not self.items and self.feed.get("empty_since"):
            return self.feed["empty_since"]
        return super().latest_post_date()


class RssFeed(StableDateMixin, feedgenerator.Rss201rev2Feed):
    pass


class AtomFeed(StableDateMixin, feedgenerator.Atom1Feed):
    pass


FEED_TYPES = {
    "rss": RssFeed,
    "atom": AtomFeed,
    "json": JSONFeed,
}


class BaseFeed(Feed):
    language = "en-GB"
    url_name = ""

    def __init__(self, feed_format: str):
        super().__init__()
        self.feed_format = feed_format
        self.feed_type = FEED_TYPES[feed_format]

    def item_guid_is_permalink(self, item):
        return False

    def feed_url(self, obj):
        return absolute(reverse(self.url_name, kwargs=self.url_kwargs(obj)))

    def feed_extra_kwargs(self, obj):
        return {"empty_since": obj.created_at}


class TopicsFeed(BaseFeed):
    """New topics of a series, newest first, once their sign-up has opened."""

    def __init__(self, feed_format):
        super().__init__(feed_format)
        self.url_name = f"following:topics_{feed_format}"

    def get_object(self, request, series):
        return get_object_or_404(Series, slug=series)

    def url_kwargs(self, obj):
        return {"series": obj.slug}

    def title(self, obj):
        return f"{obj.name}: new topics"

    def link(self, obj):
        return absolute(obj.get_absolute_url())

    def description(self, obj):
        return f"Each new {obj.hashtag} topic when it opens for sign-ups."

    def feed_guid(self, obj):
        return tag_uri("series-topics", obj.pk, obj.created_at)

    def author_name(self, obj):
        return obj.name

    def items(self, obj):
        return list(
            Topic.objects.filter(series=obj, signup_opens_at__lte=timezone.now())
            .select_related("series")
            .order_by("-signup_opens_at", "-number")[:ITEM_LIMIT]
        )

    def item_title(self, item):
        return f"{item.series.hashtag} {item.number}: {item.title}"

    def item_description(self, item):
        deadline = ""
        if item.deadline:
            local = timezone.localtime(item.deadline, item.series.zone)
            deadline = (
                f"Writing deadline: {local:%A} {local.day} {local:%B %Y, %H:%M} {local.tzname()}."
            )
        return format_html(
            "<p>{} {} is open for sign-ups. {}</p><p>{}</p>",
            item.series.hashtag,
            item.number,
            deadline,
            item.invitation,
        )

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return tag_uri("topic", item.pk, item.created_at)

    def item_pubdate(self, item):
        return item.signup_opens_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.signup_opens_at)


class EntriesFeed(BaseFeed):
    """Approved entries, newest approval first, of one topic or of a whole series."""

    def __init__(self, feed_format, per_topic: bool):
        super().__init__(feed_format)
        self.per_topic = per_topic
        scope = "topic" if per_topic else "series"
        self.url_name = f"following:{scope}_entries_{feed_format}"

    def get_object(self, request, series, number=None):
        if self.per_topic:
            return get_object_or_404(
                Topic.objects.select_related("series"), series__slug=series, number=number
            )
        return get_object_or_404(Series, slug=series)

    def url_kwargs(self, obj):
        if self.per_topic:
            return {"series": obj.series.slug, "number": obj.number}
        return {"series": obj.slug}

    def title(self, obj):
        if self.per_topic:
            return f"{obj.series.hashtag} {obj.number}: {obj.title}"
        return f"{obj.name}: every post"

    def link(self, obj):
        return absolute(obj.get_absolute_url())

    def description(self, obj):
        if self.per_topic:
            return f"The posts listed for {obj.series.hashtag} {obj.number}."
        return f"Every post listed on {obj.name}."

    def feed_guid(self, obj):
        kind = "topic-entries" if self.per_topic else "series-entries"
        return tag_uri(kind, obj.pk, obj.created_at)

    def items(self, obj):
        entries = Entry.objects.approved().select_related("contributor", "topic__series")
        if self.per_topic:
            entries = entries.filter(topic=obj)
        else:
            entries = entries.filter(topic__series=obj)
        return list(entries.order_by("-approved_at", "-id")[:ITEM_LIMIT])

    def item_title(self, item):
        return f"{item.contributor.name}: {item.title}"

    def item_description(self, item):
        topic = item.topic
        return format_html(
            "<p>{}: {}, for {} {}, “{}”.</p>",
            item.contributor.name,
            format_html('<a href="{}">{}</a>', item.url, item.title) if item.url else item.title,
            topic.series.hashtag,
            topic.number,
            topic.title,
        )

    def item_link(self, item):
        return item.url or absolute(item.topic.get_absolute_url())

    def item_guid(self, item):
        return tag_uri("entry", item.pk, item.created_at)

    def item_author_name(self, item):
        return item.contributor.name

    def item_author_link(self, item):
        return item.contributor.blog_url or None

    def item_pubdate(self, item):
        return item.approved_at or item.submitted_at

    def item_updateddate(self, item):
        return item.updated_at
