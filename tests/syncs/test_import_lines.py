"""Reading single list lines: names run into titles, several posts on a line, name keys."""

import pytest

from blogsync.syncs.importing.listlines import (
    UNKNOWN_AUTHOR,
    name_key,
    read_list_line,
    split_titles,
)

KNOWN = {name_key(name) for name in ["Cherrylkd", "Cav", "Tim Taylor", "Michael Tidd"]}
UNIVERSAL = ["The Universal", "A Universal"]


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("@Cherryl-kd", "cherrylkd"),
        ("Cherrylkd", "cherrylkd"),
        ("cherrylkd", "cherrylkd"),
        ("@Cherrylkd", "cherrylkd"),
        ("Harry Fletcher-Wood", "harryfletcherwood"),
        ("José Núñez", "josenunez"),
    ],
)
def test_name_key_keeps_letters_and_digits(spelling, key):
    assert name_key(spelling) == key


@pytest.mark.parametrize(
    ("line", "openings", "author", "title"),
    [
        ("Dawn CoxThe Purpose of Schools.", [], "Dawn Cox", "The Purpose of Schools."),
        (
            "NancyAn Open Letter to Mr Tristram Hunt, Shadow Education Secretary.",
            [],
            "Nancy",
            "An Open Letter to Mr Tristram Hunt, Shadow Education Secretary.",
        ),
        ("CavAn education to change the world", [], "Cav", "An education to change the world"),
        (
            "cherrylkdA letter to Tristram Hunt MP.",
            [],
            "cherrylkd",
            "A letter to Tristram Hunt MP.",
        ),
        (
            "BishopErasmusThe Universal Panacea? The number one shift",
            UNIVERSAL,
            "BishopErasmus",
            "The Universal Panacea? The number one shift",
        ),
        (
            "@TeacherToolkitThe Universal Panacea? CPD",
            UNIVERSAL,
            "@TeacherToolkit",
            "The Universal Panacea? CPD",
        ),
        (
            "Andy Day\u00a0The Purpose of Education? -Not so much",
            ["The Purpose"],
            "Andy Day",
            "The Purpose of Education? -Not so much",
        ),
        (
            "Tim TaylorTrivium: the answer to the purpose of education?",
            [],
            "Tim Taylor",
            "Trivium: the answer to the purpose of education?",
        ),
        (
            "Laura McInernyThe Quick, The Weird, and The Thorough: How I Mark Student Work",
            [],
            "Laura McInerny",
            "The Quick, The Weird, and The Thorough: How I Mark Student Work",
        ),
        (
            "Tom RileyImproving feedback in a 1:1 environment",
            [],
            "Tom Riley",
            "Improving feedback in a 1:1 environment",
        ),
    ],
)
def test_glued_line_is_split_and_flagged(line, openings, author, title):
    reading = read_list_line(line, KNOWN, openings)
    assert reading.author == author
    assert reading.titles == [title]
    assert reading.author_guessed
    assert reading.notes[0].startswith("Author and title were run together")


@pytest.mark.parametrize(
    ("line", "author", "title"),
    [
        ("David Ellis: Dear Tristram.", "David Ellis", "Dear Tristram."),
        (
            "PedagogintheMachine: The Purpose of Education? Ask Malala Yousafzai",
            "PedagogintheMachine",
            "The Purpose of Education? Ask Malala Yousafzai",
        ),
        (
            "Ross McGill: Share: Tool for demonstrating Rapid Progress",
            "Ross McGill",
            "Share: Tool for demonstrating Rapid Progress",
        ),
        (
            "E Tomazde Vasconcelos:\u00a0“It’s when they know more",
            "E Tomazde Vasconcelos",
            "“It’s when they know more",
        ),
        (
            "Lynne Moore (Superstylynne): “Buffeted by the weather",
            "Lynne Moore (Superstylynne)",
            "“Buffeted by the weather",
        ),
    ],
)
def test_colon_line_is_read_without_flag(line, author, title):
    reading = read_list_line(line, KNOWN, [])
    assert reading.author == author
    assert reading.titles == [title]
    assert reading.notes == []


def test_known_name_wins_over_case_boundary():
    reading = read_list_line("Michael TiddA universal panacea? Not quite!", KNOWN, [])
    assert reading.author == "Michael Tidd"
    assert "a name seen elsewhere" in reading.notes[0]


def test_missing_author_gets_placeholder():
    reading = read_list_line(": Progress – The diagnostic and summative testing cycle", KNOWN, [])
    assert reading.author == UNKNOWN_AUTHOR
    assert reading.titles == ["Progress – The diagnostic and summative testing cycle"]
    assert "missing" in reading.notes[0]


def test_line_without_any_split_point_keeps_whole_text():
    reading = read_list_line("just some words here", KNOWN, [])
    assert reading.author == UNKNOWN_AUTHOR
    assert reading.titles == ["just some words here"]
    assert reading.author_guessed


@pytest.mark.parametrize(
    ("title", "titles", "flagged"),
    [
        (
            "Make your ‘marking policy’ a ‘feedback policy’, and Dirty Work",
            ["Make your ‘marking policy’ a ‘feedback policy’", "Dirty Work"],
            False,
        ),
        (
            "Understanding why feedback doesn’t stick and\u00a0"
            "Using methods to make feedback stick",
            ["Understanding why feedback doesn’t stick", "Using methods to make feedback stick"],
            True,
        ),
        (
            "Parents and Schools and What do parents want from schools?",
            ["Parents and Schools", "What do parents want from schools?"],
            True,
        ),
        (
            "Marking for the Masses and Feedback for the Future",
            ["Marking for the Masses and Feedback for the Future"],
            True,
        ),
        (
            "Making Progress in my Classroom and How I Show it.",
            ["Making Progress in my Classroom and How I Show it."],
            True,
        ),
        (
            "The Quick, The Weird, and The Thorough: How I Mark Student Work",
            ["The Quick, The Weird, and The Thorough: How I Mark Student Work"],
            False,
        ),
        (
            "Parent Power, Partnership and Pushiness",
            ["Parent Power, Partnership and Pushiness"],
            False,
        ),
        ("Labels and Leavers", ["Labels and Leavers"], False),
        (
            "Clarifying roles and responsibilities",
            ["Clarifying roles and responsibilities"],
            False,
        ),
    ],
)
def test_split_titles(title, titles, flagged):
    result, notes = split_titles(title)
    assert result == titles
    assert bool(notes) == flagged
