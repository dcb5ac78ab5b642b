"""The numbered list of a topic in the formats other sites take in.

Every format starts from blogsync.syncs.lists.approved_lines(), so that a pasted list,
the widget, the iframe page and the API number and group entries exactly as the topic
page does: one numbered line per contributor, holding all of their approved posts.
"""

import re
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from blogsync.fetching.urlnorm import normalise_url
from blogsync.syncs.lists import ListLine
from blogsync.syncs.models import Entry, Topic

# Characters that Markdown (CommonMark) reads as inline markup anywhere in a line, and
# those that start a block (heading, bullet) when they open a list item's text.
MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>~])")
MARKDOWN_BLOCK_START = re.compile(r"^([#+\->=|])")


def get_topic_or_404(series: str, number: int) -> Topic:
    return get_object_or_404(
        Topic.objects.select_related("series"), series__slug=series, number=number
    )


def absolute_url(path: str) -> str:
    """Turn a path from reverse() into an address on the hub's public origin."""
    return settings.SITE_URL + path


def topic_label(topic: Topic) -> str:
    """Return the short name of a topic, such as "#blogsync 10"."""
    return f"{topic.series.hashtag} {topic.number}"


def is_web_url(url: str) -> bool:
    """Check that `url` is an absolute http(s) address, the only kind an embed links to."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def entry_link(entry: Entry) -> str | None:
    """Return the address to link `entry` with, or None to show its title as text."""
    return entry.url if entry.url and is_web_url(entry.url) else None


def find_line(lines: list[ListLine], post_url: str) -> ListLine | None:
    """Find the line that contains the entry at `post_url`, compared by normalised URL."""
    if not post_url:
        return None
    key = normalise_url(post_url)
    for line in lines:
        if any(entry.normalised_url == key for entry in line.entries):
            return line
    return None


def _join_words(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# HTML: plain tags only (ol, li, a href, strong), so that the WordPress block editor,
# Blogger's HTML view and Substack's editor keep the list as it is.


def _html_titles(line: ListLine):
    parts = []
    for entry in line.entries:
        link = entry_link(entry)
        if link:
            parts.append(format_html('<a href="{}">{}</a>', link, entry.title))
        else:
            parts.append(format_html("{}", entry.title))
    if len(parts) < 2:
        return parts[0] if parts else ""
    return format_html_join(", ", "{}", ((part,) for part in parts[:-1])) + format_html(
        " and {}", parts[-1]
    )


def html_list(lines: list[ListLine], marked_line: ListLine | None = None) -> str:
    """Render the list as an `<ol>` of plain links, marking `marked_line` "you are here"."""
    items = []
    for line in lines:
        text = format_html("{}: {}", line.name, _html_titles(line))
        if line is marked_line:
            text = format_html("<strong>{}</strong> (you are here)", text)
        items.append(format_html("  <li>{}</li>\n", text))
    return format_html("<ol>\n{}</ol>", format_html_join("", "{}", ((i,) for i in items)))


def markdown_escape(text: str) -> str:
    """Escape `text` so that Markdown shows it as written, on one line."""
    escaped = MARKDOWN_INLINE.sub(r"\\\1", " ".join(text.split()))
    return MARKDOWN_BLOCK_START.sub(r"\\\1", escaped)


def markdown_url(url: str) -> str:
    """Percent-encode the characters that would end a Markdown link destination."""
    return (
        url.replace(" ", "%20")
        .replace("(", "%28")
        .replace(")", "%29")
        .replace("<", "%3C")
        .replace(">", "%3E")
    )


def markdown_list(lines: list[ListLine], marked_line: ListLine | None = None) -> str:
    """Render the list as a Markdown ordered list, one line per contributor."""
    rows = []
    for line in lines:
        titles = []
        for entry in line.entries:
            link = entry_link(entry)
            title = markdown_escape(entry.title)
            titles.append(f"[{title}]({markdown_url(link)})" if link else title)
        text = f"{markdown_escape(line.name)}: {_join_words(titles)}"
        if line is marked_line:
            text = f"**{text}** (you are here)"
        rows.append(f"{line.number}. {text}")
    return "\n".join(rows)


def webring_urls(topic: Topic, post_url: str = "") -> dict[str, str]:
    """Build the absolute addresses of the webring links for a post of `topic`."""
    kwargs = {"series": topic.series.slug, "number": topic.number}
    query = "?" + urlencode({"from": post_url}) if post_url else ""
    return {
        "previous": absolute_url(reverse("embeds:previous", kwargs=kwargs)) + query,
        "next": absolute_url(reverse("embeds:next", kwargs=kwargs)) + query,
        "random": absolute_url(reverse("embeds:random", kwargs=kwargs)) + query,
        "list": absolute_url(reverse("embeds:list", kwargs=kwargs)),
    }


def webring_html(topic: Topic, post_url: str = "") -> str:
    urls = webring_urls(topic, post_url)
    return format_html(
        '<p><a href="{}">← previous</a> · <a href="{}">{}</a> · <a href="{}">next →</a></p>',
        urls["previous"],
        urls["list"],
        topic_label(topic),
        urls["next"],
    )


def webring_markdown(topic: Topic, post_url: str = "") -> str:
    urls = webring_urls(topic, post_url)
    return (
        f"[← previous]({markdown_url(urls['previous'])}) · "
        f"[{markdown_escape(topic_label(topic))}]({markdown_url(urls['list'])}) · "
        f"[next →]({markdown_url(urls['next'])})"
    )


def lines_payload(lines: list[ListLine]) -> list[dict]:
    """Convert the lines to JSON-ready dictionaries for the widget."""
    return [
        {
            "number": line.number,
            "name": line.name,
            "entries": [
                {"title": entry.title, "url": entry_link(entry)} for entry in line.entries
            ],
        }
        for line in lines
    ]
