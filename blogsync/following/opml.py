"""OPML 2.0 (http://opml.org/spec2.opml) lists of contributors' blog feeds.

Only contributors whose feed URL is known are listed, as outlines of type "rss";
ElementTree escapes every attribute.
"""

import xml.etree.ElementTree as ET

from blogsync.syncs.models import Contributor, EntryStatus


def contributors_with_feeds(*, series=None, topic=None):
    """Contributors with an approved entry in `series` or `topic` and a known feed URL,
    in one query."""
    contributors = Contributor.objects.filter(entries__status=EntryStatus.APPROVED)
    if topic is not None:
        contributors = contributors.filter(entries__topic=topic)
    else:
        contributors = contributors.filter(entries__topic__series=series)
    return contributors.exclude(feed_url="").distinct().order_by("name", "id")


def build_opml(title: str, owner_url: str, contributors) -> bytes:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "ownerId").text = owner_url
    ET.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = ET.SubElement(root, "body")
    for contributor in contributors:
        attributes = {
            "text": contributor.name,
            "title": contributor.name,
            "type": "rss",
            "xmlUrl": contributor.feed_url,
        }
        if contributor.blog_url:
            attributes["htmlUrl"] = contributor.blog_url
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
