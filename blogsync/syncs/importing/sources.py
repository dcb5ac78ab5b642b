"""Turn a hub page, as plain text or HTML, into a sequence of SourceLine records.

Both forms of the page then go through the same reading in hubpage.py: headings open
sections, numbered items are list lines or archive lines, paragraphs are prose.
"""

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag


@dataclass
class Link:
    text: str
    href: str


@dataclass
class SourceLine:
    """One heading, paragraph or numbered item of the page."""

    # The line of the file it starts on (1-based), for messages.
    line: int
    kind: str  # "heading", "item" or "paragraph"
    text: str
    item_number: int | None = None
    # For HTML list items: the links, in order, and the text before the first one.
    links: list[Link] = field(default_factory=list)
    text_before_links: str = ""


_ITEM = re.compile(r"^\s*(?P<number>\d+)\.\s*(?P<text>.*?)\s*$")
_TOPIC_HEADING = re.compile(r"^#[\w-]+\s+\d+\s*:")
# "4Sign Up: January #blogsync", "6 Archive": a section number, then a short heading.
# One or two digits only, so that a paragraph starting with a year stays a paragraph.
_NUMBERED_SECTION = re.compile(r"^(?P<number>\d{1,2})\s*(?P<text>[^\d\s.].{0,79})$")


def text_lines(text: str) -> list[SourceLine]:
    """Classify each non-blank line of the plain-text page."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        item = _ITEM.match(raw)
        if item:
            lines.append(SourceLine(number, "item", item["text"], item_number=int(item["number"])))
            continue
        if _TOPIC_HEADING.match(stripped):
            lines.append(SourceLine(number, "heading", stripped))
            continue
        section = _NUMBERED_SECTION.match(stripped)
        if section and not stripped.endswith("."):
            lines.append(SourceLine(number, "heading", section["text"].strip()))
            continue
        lines.append(SourceLine(number, "paragraph", stripped))
    return lines


_BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li"]
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _inside_other_block(tag: Tag) -> bool:
    return any(parent.name in _BLOCKS for parent in tag.parents)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _item_number(tag: Tag) -> int:
    """Return the number a browser shows for this <li>, honouring `start` and `value`."""
    parent = tag.parent
    number = 1
    if parent is not None and parent.name == "ol" and str(parent.get("start", "")).isdigit():
        number = int(parent["start"])
    siblings = parent.find_all("li", recursive=False) if parent is not None else [tag]
    for sibling in siblings:
        value = str(sibling.get("value", "")).strip()
        if value.isdigit():
            number = int(value)
        if sibling is tag:
            return number
        number += 1
    return number


def html_lines(text: str) -> list[SourceLine]:
    """Read headings, paragraphs and list items of an HTML page, in document order."""
    soup = BeautifulSoup(text, "html.parser")
    lines = []
    for tag in soup.find_all(_BLOCKS):
        if _inside_other_block(tag):
            continue
        content = _clean(tag.get_text(""))
        line = tag.sourceline or 0
        if not content:
            continue
        if tag.name in _HEADINGS:
            lines.append(SourceLine(line, "heading", content))
        elif tag.name == "p":
            lines.append(SourceLine(line, "paragraph", content))
        else:
            lines.append(_html_item(tag, content, line))
    return lines


def _html_item(tag: Tag, content: str, line: int) -> SourceLine:
    links = [
        Link(_clean(anchor.get_text("")), anchor.get("href", "").strip())
        for anchor in tag.find_all("a")
        if _clean(anchor.get_text(""))
    ]
    first = tag.find("a")
    before = _clean(_text_before(tag, first)) if first is not None else ""
    return SourceLine(
        line, "item", content, item_number=_item_number(tag), links=links, text_before_links=before
    )


def _text_before(container: Tag, anchor: Tag) -> str:
    """Return the text of `container` that comes before `anchor`."""
    pieces = []
    for piece in container.descendants:
        if piece is anchor:
            break
        if isinstance(piece, str) and not isinstance(piece, Tag):
            pieces.append(str(piece))
    return "".join(pieces)
