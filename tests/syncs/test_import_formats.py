"""Importing HTML and JSON archives, bad input, and a large generated file."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from blogsync.syncs.lists import approved_lines
from blogsync.syncs.models import Contributor, Entry, Series, Topic

HTML_PAGE = """<!doctype html>
<html><body>
<p>Fuelling the explosion in educational blogging.</p>
<h2>#blogsync 10: “Dear Mr Tristram Hunt”</h2>
<ol>
  <li>David Ellis: <a href="https://ellis.example.org/dear-tristram/">Dear Tristram.</a></li>
  <li><a href="https://keenan.example.org/thoughts">Amy Keenan: Dear Mr Tristram Hunt,
    These are my thoughts about teaching.</a></li>
  <li><a href="https://cox.example.org/purpose">Dawn CoxThe Purpose of Schools.</a></li>
  <li>Alex Quigley: <a href="https://quigley.example.org/policy">Make your ‘marking policy’
    a ‘feedback policy’</a>, and <a href="https://quigley.example.org/dirty">Dirty Work</a></li>
  <li>: <a href="https://unknown.example.org/progress">Progress – The diagnostic cycle</a></li>
  <li>Secret Teacher: <a href="javascript:alert(1)">An Open Letter to Tristram Hunt…</a></li>
  <li>Sue Cowley: Have a Little Faith.</li>
</ol>
<h2>Sign Up: January #blogsync</h2>
<p>Write a letter to the shadow secretary.</p>
<p>This #blogsync is organised in conjunction with Labourteachers. Say if you mind.</p>
<p>CURRENT TOPIC (January): “Dear Tristram Hunt, Shadow Secretary of State for Education”</p>
<h2>Archive</h2>
<ol start="9">
  <li>November 2013: The Role of the Family</li>
</ol>
</body></html>
"""

JSON_ARCHIVE = {
    "version": 1,
    "series": {
        "slug": "letters",
        "name": "Letters",
        "hashtag": "#letters",
        "tagline": "Monthly letters.",
        "description": "We write letters.",
    },
    "topics": [
        {
            "number": 1,
            "month": "2024-03",
            "title": "Dear Minister",
            "alternative_titles": ["Dear Secretary of State", "Dear Minister"],
            "invitation": "Write to the minister.",
            "partner_name": "Teachers' Union",
            "partner_note": "Organised with the Teachers' Union.",
            "entries": [
                {
                    "author": "Amy Keenan",
                    "title": "My thoughts",
                    "url": "https://keenan.example.org/thoughts?utm_source=x",
                },
                {"author": "Michael Tidd", "title": "Dear Mr Hunt."},
                {"author": "amy keenan", "title": "A second letter"},
                {"author": "", "title": "Anonymous letter"},
            ],
        },
        {
            "number": 2,
            "month": "2024-04",
            "title": "Misérables",
            "deadline": "2024-05-02T18:00:00+01:00",
            "entries": [],
        },
    ],
}


def run_import(path, *args) -> str:
    out = StringIO()
    call_command("import_archive", str(path), *args, "--no-progress", stdout=out)
    return out.getvalue()


@pytest.fixture
def html_file(tmp_path):
    path = tmp_path / "hub.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    return path


@pytest.fixture
def json_file(tmp_path):
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(JSON_ARCHIVE, ensure_ascii=False), encoding="utf-8")
    return path


def html_entries() -> dict[str, Entry]:
    return {entry.title: entry for entry in Entry.objects.select_related("contributor")}


def test_html_name_before_link(db, html_file):
    run_import(html_file)
    entry = html_entries()["Dear Tristram."]
    assert entry.contributor.name == "David Ellis"
    assert entry.url == "https://ellis.example.org/dear-tristram/"
    assert entry.position == 1
    assert not entry.needs_review


def test_html_whole_line_as_link(db, html_file):
    run_import(html_file)
    entry = html_entries()["Dear Mr Tristram Hunt, These are my thoughts about teaching."]
    assert entry.contributor.name == "Amy Keenan"
    assert entry.url == "https://keenan.example.org/thoughts"
    glued = html_entries()["The Purpose of Schools."]
    assert glued.contributor.name == "Dawn Cox"
    assert glued.url == "https://cox.example.org/purpose"
    assert glued.needs_review


def test_html_two_links_on_one_line(db, html_file):
    run_import(html_file)
    entries = list(Entry.objects.filter(position=4).order_by("id"))
    assert [(entry.title, entry.url) for entry in entries] == [
        ("Make your ‘marking policy’ a ‘feedback policy’", "https://quigley.example.org/policy"),
        ("Dirty Work", "https://quigley.example.org/dirty"),
    ]
    assert len(approved_lines(Topic.objects.get(number=10))) == 7


def test_html_missing_author_and_bad_link_are_flagged(db, html_file):
    run_import(html_file)
    anonymous = html_entries()["Progress – The diagnostic cycle"]
    assert anonymous.contributor.name == "Unknown author"
    assert anonymous.needs_review
    script = html_entries()["An Open Letter to Tristram Hunt…"]
    assert script.url == ""
    assert "not a valid http(s) URL" in script.review_note


def test_html_one_link_keeps_one_post(db, tmp_path):
    path = tmp_path / "one-link.html"
    path.write_text(
        "<h2>#blogsync 9: “The Role of Families”</h2><ol><li>"
        '<a href="https://chivers.example.org/parents">Chris Chivers: Parents and Schools and '
        "What do parents want from schools?</a></li></ol>"
        '<h2>Archive</h2><ol start="9"><li>November 2013: The Role of the Family</li></ol>',
        encoding="utf-8",
    )
    run_import(path)
    entry = Entry.objects.get()
    assert entry.title == "Parents and Schools and What do parents want from schools?"
    assert entry.url == "https://chivers.example.org/parents"
    assert "has one link" in entry.review_note


def test_html_line_without_link(db, html_file):
    run_import(html_file)
    entry = html_entries()["Have a Little Faith."]
    assert entry.contributor.name == "Sue Cowley"
    assert entry.url == ""


def test_html_sections_give_month_and_invitation(db, html_file):
    run_import(html_file)
    topic = Topic.objects.get(number=10)
    assert topic.month.isoformat() == "2014-01-01"
    assert topic.invitation == "Write a letter to the shadow secretary."
    assert topic.partner_name == "Labourteachers"
    assert topic.alternative_titles == [
        "Dear Tristram Hunt, Shadow Secretary of State for Education"
    ]
    assert Topic.objects.get(number=9).title == "The Role of the Family"


def test_html_import_is_idempotent(db, html_file):
    run_import(html_file)
    second = run_import(html_file)
    assert "Entries: 0 created, 0 given a link, 8 already present." in second
    assert Entry.objects.count() == 8


def test_html_adds_links_to_text_import(db, tmp_path, html_file):
    text = tmp_path / "hub.txt"
    text.write_text(
        "#blogsync 10: “Dear Mr Tristram Hunt”\n\n  1. David Ellis: Dear Tristram.\n\n"
        "6 Archive\n\n  9. November 2013: The Role of the Family\n\n"
        "CURRENT TOPIC (January): “Dear Tristram Hunt”\n",
        encoding="utf-8",
    )
    run_import(text)
    assert Entry.objects.get().url == ""
    output = run_import(html_file)
    assert "1 given a link" in output
    assert Entry.objects.get(title="Dear Tristram.").url == (
        "https://ellis.example.org/dear-tristram/"
    )


def test_json_import(db, json_file):
    output = run_import(json_file)
    series = Series.objects.get()
    assert (series.slug, series.name, series.hashtag) == ("letters", "Letters", "#letters")
    topic = Topic.objects.get(number=1)
    assert topic.title == "Dear Minister"
    assert topic.alternative_titles == ["Dear Secretary of State"]
    assert topic.partner_name == "Teachers' Union"
    assert topic.month.isoformat() == "2024-03-01"
    entries = list(topic.entries.in_list_order().select_related("contributor"))
    assert [(entry.position, entry.contributor.name, entry.title) for entry in entries] == [
        (1, "Amy Keenan", "My thoughts"),
        (1, "Amy Keenan", "A second letter"),
        (2, "Michael Tidd", "Dear Mr Hunt."),
        (3, "Unknown author", "Anonymous letter"),
    ]
    assert entries[0].normalised_url == "https://keenan.example.org/thoughts"
    assert entries[3].needs_review
    assert "topics[0].entries[3]" in output


def test_json_dates_default_to_month_and_accept_given(db, json_file):
    run_import(json_file)
    april = Topic.objects.get(number=2)
    assert april.title == "Misérables"
    assert april.deadline.isoformat() == "2024-05-02T17:00:00+00:00"
    assert april.signup_opens_at.isoformat() == "2024-03-31T23:00:00+00:00"
    # Publication defaults to the deadline when the deadline is after the month's end.
    assert april.list_published_at == april.deadline


def test_json_import_is_idempotent(db, json_file):
    run_import(json_file)
    counts = (Topic.objects.count(), Contributor.objects.count(), Entry.objects.count())
    second = run_import(json_file)
    assert (Topic.objects.count(), Contributor.objects.count(), Entry.objects.count()) == counts
    assert "Entries: 0 created" in second


def test_json_matches_entry_by_normalised_url(db, json_file, tmp_path):
    run_import(json_file)
    changed = json.loads(json.dumps(JSON_ARCHIVE))
    changed["topics"][0]["entries"][0]["title"] = "My thoughts, retitled"
    changed["topics"][0]["entries"][0]["url"] = "HTTPS://keenan.example.org/thoughts/"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    assert "Entries: 0 created" in run_import(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "top level must be a JSON object"),
        ('{"topics": "none"}', "topics is missing or is not a list"),
        ('{"topics": [{"number": 1, "month": "2024-03"}]}', r"topics\[0\].title is missing"),
        (
            '{"topics": [{"number": 0, "month": "2024-03", "title": "T"}]}',
            r"topics\[0\].number must be a positive",
        ),
        ('{"topics": [{"number": 1, "month": "March", "title": "T"}]}', "is not a month"),
        (
            '{"topics": [{"number": 1, "month": "2024-03", "title": "T", "entires": []}]}',
            "unknown field “entires”",
        ),
        (
            '{"topics": [{"number": 1, "month": "2024-03", "title": "T", '
            '"entries": [{"author": "A"}]}]}',
            r"topics\[0\].entries\[0\].title is missing",
        ),
        ('{"version": 2, "topics": []}', "version 2 is not supported"),
        (
            '{"topics": [{"number": 1, "month": "2024-03", "title": "T", '
            '"deadline": "2024-02-01T00:00:00+00:00"}]}',
            r"topics\[0\]: the deadline of topic 1 comes before sign-up opens",
        ),
        ('{"topics": []}', "no topics were found"),
        (
            '{"topics": [{"number": 1, "month": "2024-03", "title": "T", '
            '"deadline": "2024-03-31T23:59"}]}',
            "needs a UTC offset",
        ),
    ],
)
def test_bad_json_is_command_error(db, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run_import(path)
    assert Topic.objects.count() == 0


def test_text_without_topics_is_command_error(db, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Just some notes.\nNothing numbered here.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no topics were found"):
        run_import(path)


def test_file_not_utf8_is_command_error(db, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("#blogsync 1: “Misérables”".encode("cp1252"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        run_import(path)


def test_directory_is_command_error(db, tmp_path):
    with pytest.raises(CommandError, match="is a directory"):
        run_import(tmp_path)


def test_invalid_series_slug_is_command_error(db, json_file):
    with pytest.raises(CommandError, match="not a valid series slug"):
        run_import(json_file, "--series", "Not A Slug")


def test_paragraph_starting_with_year_is_not_heading(db, tmp_path):
    path = tmp_path / "hub.txt"
    path.write_text(
        "#blogsync 3: “Known”\n\n  1. A Writer: A post\n\n"
        "4Sign Up: March #blogsync\n\n2013 brought many new writers to the hub\n\n"
        "CURRENT TOPIC (March): “Known”\n\n"
        "6 Archive\n\n  2. February 2013: Earlier\n",
        encoding="utf-8",
    )
    run_import(path)
    assert Topic.objects.get(number=3).invitation == "2013 brought many new writers to the hub"


def test_list_without_month_is_left_out_with_note(db, tmp_path):
    path = tmp_path / "hub.txt"
    path.write_text(
        "#blogsync 3: “Known”\n\n  1. A Writer: A post\n\n"
        "#blogsync 12: “Unknown month”\n\n  1. B Writer: Another post\n\n"
        "6 Archive\n\n  3. March 2013: Known\n",
        encoding="utf-8",
    )
    output = run_import(path)
    assert list(Topic.objects.values_list("number", flat=True)) == [3]
    assert "topic 12 has no month in the archive section" in output


def large_hub_page(topics: int, lines_per_topic: int) -> str:
    """Return a hub page with topics × lines entries and an archive giving each month."""
    parts = []
    for number in range(topics, 0, -1):
        parts.append(f"#blogsync {number}: “Topic number {number}”\n")
        for line in range(1, lines_per_topic + 1):
            writer = (number * 7 + line) % 400
            parts.append(f"  {line}. Writer {writer}: Post {line} of topic {number}\n")
        parts.append("\n")
    parts.append("6 Archive\n\n")
    for number in range(1, topics + 1):
        year, month = 2000 + (number - 1) // 12, (number - 1) % 12
        month_name = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ][month]
        parts.append(f"  {number}. {month_name} {year}: Topic number {number}\n")
    return "".join(parts)


def test_large_file_imports(db, tmp_path, capsys):
    path = tmp_path / "large.txt"
    path.write_text(large_hub_page(topics=50, lines_per_topic=100), encoding="utf-8")
    out = StringIO()
    call_command("import_archive", str(path), stdout=out)

    assert Topic.objects.count() == 50
    assert Entry.objects.count() == 5000
    assert Contributor.objects.count() == 400
    assert "Entries: 5000 created" in out.getvalue()
    # Imports this large show a progress bar on stderr even when it is not a terminal.
    assert "Importing" in capsys.readouterr().err

    second = StringIO()
    call_command("import_archive", str(path), "--no-progress", stdout=second)
    assert "Entries: 0 created, 0 given a link, 5000 already present." in second.getvalue()
    assert Entry.objects.count() == 5000
