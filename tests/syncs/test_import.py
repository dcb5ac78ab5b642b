"""Importing the bundled 2013 hub page (data/hub-page-2014.txt)."""

from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from blogsync.syncs.importing import parse_archive
from blogsync.syncs.lists import approved_lines
from blogsync.syncs.models import (
    Contributor,
    Entry,
    EntrySource,
    EntryStatus,
    Series,
    Topic,
    TopicState,
)

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "hub-page-2014.txt"

MONTHS = {
    1: date(2013, 1, 1),
    2: date(2013, 2, 1),
    3: date(2013, 3, 1),
    4: date(2013, 4, 1),
    5: date(2013, 5, 1),
    6: date(2013, 6, 1),
    7: date(2013, 9, 1),
    8: date(2013, 10, 1),
    9: date(2013, 11, 1),
    10: date(2014, 1, 1),
}
# Numbered lines in the file, per topic; topics 2, 5 and 6 have no list.
SOURCE_LINES = {10: 10, 9: 8, 8: 23, 7: 18, 4: 28, 3: 29, 1: 37, 2: 0, 5: 0, 6: 0}
# Posts: topic 8 line 17 and 22 and topic 9 line 8 each list two posts.
ENTRIES = {10: 10, 9: 9, 8: 25, 7: 18, 4: 28, 3: 29, 1: 37, 2: 0, 5: 0, 6: 0}
# Lines on the hub: Ben Preston is on lines 6 and 19 of topic 3, and the hub numbers
# writers, so both posts share line 6.
HUB_LINES = {**SOURCE_LINES, 3: 28}


def run_import(*args) -> str:
    out = StringIO()
    call_command("import_archive", *args, "--no-progress", stdout=out)
    return out.getvalue()


@pytest.fixture
def output(db):
    return run_import(str(BUNDLED))


def entry_at(number: int, position: int) -> list[Entry]:
    return list(
        Entry.objects.filter(topic__number=number, position=position)
        .select_related("contributor")
        .order_by("id")
    )


def test_parser_counts_numbered_lines_per_topic():
    archive = parse_archive(BUNDLED.read_text(encoding="utf-8"), "text")
    assert {topic.number: topic.list_lines for topic in archive.topics} == SOURCE_LINES


def test_ten_topics_with_their_months(output):
    topics = {topic.number: topic for topic in Topic.objects.all()}
    assert sorted(topics) == list(range(1, 11))
    assert {number: topic.month for number, topic in topics.items()} == MONTHS


def test_entries_per_topic(output):
    for number, expected in ENTRIES.items():
        assert Entry.objects.filter(topic__number=number).count() == expected, number


def test_hub_lines_per_topic(output):
    for number, expected in HUB_LINES.items():
        topic = Topic.objects.get(number=number)
        assert len(approved_lines(topic)) == expected, number


def test_imported_topics_are_published_with_london_dates(output):
    january = Topic.objects.get(number=10)
    assert january.signup_opens_at == datetime(2014, 1, 1, 0, 0, tzinfo=UTC)
    assert january.deadline == datetime(2014, 1, 31, 23, 59, tzinfo=UTC)
    assert january.list_published_at == january.deadline
    # September is in British Summer Time: midnight in London is 23:00 UTC.
    september = Topic.objects.get(number=7)
    assert september.signup_opens_at == datetime(2013, 8, 31, 23, 0, tzinfo=UTC)
    assert september.deadline == datetime(2013, 9, 30, 22, 59, tzinfo=UTC)
    for topic in Topic.objects.all():
        assert topic.state == TopicState.PUBLISHED, topic.number


def test_imported_entries_are_approved_without_links(output):
    assert set(Entry.objects.values_list("source", flat=True)) == {EntrySource.IMPORT}
    assert set(Entry.objects.values_list("status", flat=True)) == {EntryStatus.APPROVED}
    assert set(Entry.objects.values_list("url", flat=True)) == {""}


def test_entries_keep_list_order(output):
    titles = list(
        Topic.objects.get(number=10).entries.in_list_order().values_list("position", "title")
    )
    assert titles[0] == (1, "Dear Tristram.")
    assert titles[9] == (10, "An Open Letter to Tristram Hunt…")
    assert [position for position, _ in titles] == list(range(1, 11))


def test_series_created_from_page(output):
    series = Series.objects.get()
    assert series.slug == "blogsync"
    assert series.name == "#blogsync"
    assert series.hashtag == "#blogsync"
    assert series.tagline == "Fuelling the explosion in educational blogging."
    assert series.description.startswith("With the explosion of teacher blogging")
    assert "Idea Bulb" not in series.description
    assert series.description.endswith("in the best ways possible.")


def test_list_headings_are_titles_and_other_names_alternatives(output):
    families = Topic.objects.get(number=9)
    assert families.title == "The Role of Families"
    assert families.alternative_titles == ["The Role of the Family"]
    letter = Topic.objects.get(number=10)
    assert letter.title == "Dear Mr Tristram Hunt"
    assert letter.alternative_titles == [
        "Dear Tristram Hunt, Shadow Secretary of State for Education"
    ]
    purpose = Topic.objects.get(number=7)
    assert purpose.alternative_titles == ["What is the purpose of education?"]


def test_case_only_variant_is_not_an_alternative_title(output):
    marking = Topic.objects.get(number=8)
    assert marking.title == "Marking with Impact"
    assert marking.alternative_titles == []


def test_topics_without_list_take_archive_title(output):
    assert Topic.objects.get(number=5).title == (
        "What would do most to improve the status of the teaching profession?"
    )
    assert Topic.objects.get(number=2).entries.count() == 0


def test_current_topic_invitation_and_partner(output):
    topic = Topic.objects.get(number=10)
    assert topic.invitation.startswith(
        "Blogsync and its contributors have frequently come to the attention"
    )
    assert topic.invitation.endswith("influence our elected representatives directly.")
    assert "Labourteachers" not in topic.invitation
    assert topic.partner_name == "Labourteachers"
    assert topic.partner_note == (
        "This #blogsync is organised in conjunction with Labourteachers. Please indicate if "
        "you don’t want links to your letter also to appear on their site."
    )


@pytest.mark.parametrize(
    ("number", "position", "author", "title"),
    [
        (10, 8, "Dawn Cox", "The Purpose of Schools."),
        (10, 4, "Nancy", "An Open Letter to Mr Tristram Hunt, Shadow Education Secretary."),
        (7, 16, "Cav", "An education to change the world"),
        (
            1,
            23,
            "BishopErasmus",
            "The Universal Panacea? The number one shift in UK education I wish to see in my "
            "lifetime",
        ),
        (
            7,
            3,
            "Andy Day",
            "The Purpose of Education? -Not so much filling up empty vessels, as empty chairs",
        ),
    ],
)
def test_glued_lines_split_and_flagged(output, number, position, author, title):
    [entry] = entry_at(number, position)
    assert entry.contributor.name == author
    assert entry.title == title
    assert entry.needs_review
    assert "run together" in entry.review_note


def test_every_topic_one_line_is_flagged(output):
    assert not Entry.objects.filter(topic__number=1, needs_review=False).exists()


def test_plain_line_is_not_flagged(output):
    [entry] = entry_at(10, 1)
    assert entry.contributor.name == "David Ellis"
    assert not entry.needs_review
    assert entry.review_note == ""


def test_empty_author_gets_placeholder(output):
    [entry] = entry_at(4, 7)
    assert entry.contributor.name == "Unknown author"
    assert entry.title == "Progress – The diagnostic and summative testing cycle in Mathematics"
    assert entry.needs_review


def test_comma_and_splits_two_posts(output):
    entries = entry_at(8, 17)
    assert [entry.title for entry in entries] == [
        "Make your ‘marking policy’ a ‘feedback policy’",
        "Dirty Work",
    ]
    assert {entry.contributor.name for entry in entries} == {"Alex Quigley"}


def test_and_before_second_title_splits_and_flags(output):
    fawcett = entry_at(8, 22)
    assert [entry.title for entry in fawcett] == [
        "Understanding why feedback doesn’t stick",
        "Using methods to make feedback stick",
    ]
    chivers = entry_at(9, 8)
    assert [entry.title for entry in chivers] == [
        "Parents and Schools",
        "What do parents want from schools?",
    ]
    for entry in [*fawcett, *chivers]:
        assert entry.needs_review
        assert "Read as two posts" in entry.review_note


def test_two_part_title_is_kept_and_flagged(output):
    [entry] = entry_at(8, 4)
    assert entry.title == "Marking for the Masses and Feedback for the Future"
    assert entry.needs_review
    assert "kept as one title" in entry.review_note


def test_posts_on_one_line_share_a_hub_line(output):
    lines = approved_lines(Topic.objects.get(number=8))
    quigley = lines[16]
    assert quigley.number == 17
    assert quigley.name == "Alex Quigley"
    assert len(quigley.entries) == 2


def test_repeated_author_shares_earlier_line(output):
    lines = approved_lines(Topic.objects.get(number=3))
    preston = lines[5]
    assert preston.name == "Ben Preston"
    assert [entry.title for entry in preston.entries] == [
        "How can the issue of ‘disillusionment’ be addressed?",
        "How can disillusionment be addressed?",
    ]
    [second] = entry_at(3, 19)
    assert second.needs_review
    assert "also on line 6" in second.review_note


def test_spellings_of_one_name_are_one_contributor(output):
    contributor = Contributor.objects.get(name="@Cherryl-kd")
    numbers = sorted(contributor.entries.values_list("topic__number", flat=True))
    assert numbers == [1, 3, 4, 7, 8, 9, 10]
    assert not Contributor.objects.filter(name__iexact="cherrylkd").exists()


def test_nearly_equal_names_are_flagged_not_merged(output):
    assert Contributor.objects.filter(name__in=["Laura McInerney", "Laura McInerny"]).count() == 2
    [entry] = entry_at(8, 23)
    assert "nearly the same as “Laura McInerney”" in entry.review_note


@pytest.mark.parametrize(
    ("number", "position", "title"),
    [
        (1, 6, "Les Misérables"),
        (4, 25, "Progress, ’til there’s nothing left to gain."),
        (10, 10, "An Open Letter to Tristram Hunt…"),
        (
            1,
            5,
            "A\u00a0Letter to Mr Gove – The number one shift in UK Education I wish to see "
            "in my lifetime",
        ),
        (3, 9, "“Buffeted by the weather"),
    ],
)
def test_text_kept_exactly(output, number, position, title):
    [entry] = entry_at(number, position)
    assert entry.title == title


def test_summary_reports_counts_and_flagged_lines(output):
    assert "Topics: 10 created, 0 updated, 0 unchanged." in output
    assert "Entries: 156 created, 0 given a link, 0 already present." in output
    assert "line 235: read the month “Feburary” as February" in output
    assert "  line 41: topic 10, “Nancy”: Author and title were run together" in output
    assert "  line 119: topic 4, “Unknown author”: The author's name is missing" in output


def test_second_run_changes_nothing(output):
    models = [Series, Topic, Contributor, Entry]
    before = {model: model.objects.count() for model in models}
    updated = {topic.pk: topic.updated_at for topic in Topic.objects.all()}

    second = run_import(str(BUNDLED))

    assert {model: model.objects.count() for model in models} == before
    assert {topic.pk: topic.updated_at for topic in Topic.objects.all()} == updated
    assert "Topics: 0 created, 0 updated, 10 unchanged." in second
    assert "Contributors: 0 created." in second
    assert "Entries: 0 created, 0 given a link, 156 already present." in second
    assert "Nothing changed" in second


def test_dry_run_stores_nothing(db):
    output = run_import(str(BUNDLED), "--dry-run")
    assert "Dry run: nothing was stored." in output
    assert "Entries: 156 created" in output
    assert Topic.objects.count() == 0
    assert Series.objects.count() == 0
    assert Contributor.objects.count() == 0


def test_import_into_named_series(db):
    run_import(str(BUNDLED), "--series", "archive-2013")
    series = Series.objects.get()
    assert series.slug == "archive-2013"
    assert series.hashtag == "#archive-2013"
    assert series.name == "#archive-2013"
    assert series.topics.count() == 10


def test_existing_topic_is_merged_not_overwritten(series, make_topic):
    topic = make_topic(number=10, title="Letters to Tristram Hunt", invitation="")
    run_import(str(BUNDLED))
    topic.refresh_from_db()
    assert topic.title == "Letters to Tristram Hunt"
    assert topic.alternative_titles == [
        "Dear Mr Tristram Hunt",
        "Dear Tristram Hunt, Shadow Secretary of State for Education",
    ]
    assert topic.partner_name == "Labourteachers"
    assert topic.invitation.startswith("Blogsync and its contributors")
    assert topic.entries.count() == 10


def test_imported_archive_is_served(output, client):
    home = client.get("/blogsync/")
    assert home.status_code == 200
    assert "Fuelling the explosion in educational blogging." in home.content.decode()
    page = client.get("/blogsync/10/").content.decode()
    assert "Dear Tristram." in page
    assert "Dawn Cox" in page


def test_load_initial_archive_imports_into_empty_database(db):
    out = StringIO()
    call_command("load_initial_archive", str(BUNDLED), stdout=out)
    assert Topic.objects.count() == 10
    assert "Topics: 10 created" in out.getvalue()


def test_load_initial_archive_skips_when_topics_exist(topic):
    out = StringIO()
    call_command("load_initial_archive", str(BUNDLED), stdout=out)
    assert Topic.objects.count() == 1
    assert "Skipped importing" in out.getvalue()
    assert "already has 1 topic," in out.getvalue()


def test_missing_file_is_command_error(db):
    with pytest.raises(CommandError, match="does not exist"):
        run_import("/nonexistent/archive.txt")
