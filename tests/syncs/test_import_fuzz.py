"""Arbitrary input never crashes the parsers: it is read, or rejected with a message."""

from hypothesis import given, settings
from hypothesis import strategies as st

from blogsync.syncs.importing import ArchiveImportError, parse_archive
from blogsync.syncs.importing.listlines import read_list_line

LINE_PIECES = st.sampled_from(
    [
        ":",
        ": ",
        "\u00a0",
        " and ",
        ", and ",
        "Mc",
        "The ",
        "A",
        "a",
        "@",
        "?",
        "“",
        "”",
        "…",
        "1.",
        "  ",
        "Dawn Cox",
        "What",
        "ing",
    ]
)
PAGE_PIECES = st.sampled_from(
    [
        "#blogsync 3: “T”\n",
        "  1. A Writer: A post\n",
        "  2. : Lost\n",
        "6 Archive\n",
        "  3. March 2013: T\n",
        "  4. Feburary 2013: X\n",
        "CURRENT TOPIC (May): “Y”\n",
        "4Sign Up: May\n",
        "in conjunction with Z.\n",
        "\n",
        "<h2>",
        "</h2>",
        "<ol>",
        "<li>",
        '<a href="https://example.org/">',
        "</a>",
        "<ol start='x'>",
        "<li value='7'>",
        "{",
        "[",
    ]
)


@given(st.lists(st.one_of(LINE_PIECES, st.text(max_size=5)), max_size=12).map("".join))
@settings(max_examples=200, deadline=None, database=None)
def test_list_line_always_gives_author_and_title(text):
    reading = read_list_line(text, {"dawncox"}, ["The Purpose"])
    assert reading.author.strip()
    assert reading.titles
    assert all(title.strip() for title in reading.titles)


@given(
    st.lists(st.one_of(PAGE_PIECES, st.text(max_size=8)), max_size=25).map("".join),
    st.sampled_from(["text", "html", "json"]),
)
@settings(max_examples=100, deadline=None, database=None)
def test_page_is_parsed_or_rejected(text, file_format):
    try:
        archive = parse_archive(text, file_format)
    except ArchiveImportError:
        return
    for topic in archive.topics:
        assert topic.month is not None
        assert topic.title
