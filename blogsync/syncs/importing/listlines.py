"""Read one line of a hub list, "Name: Post title", into an author and post titles.

The 2013 hub page breaks that pattern in several ways, and this module repairs each one,
saying in a review note what it guessed:

- Author and title run together with no colon ("Dawn CoxThe Purpose of Schools.",
  "Andy Day The Purpose of Education?"), sometimes with a colon later in the title
  ("Tim TaylorTrivium: the answer to ..."). The split is taken, in this order, after a
  name that appears before a colon elsewhere in the file, where a lower-case letter meets
  an upper-case one, or before the first words of the topic's title.
- No author at all (": Progress – The diagnostic ..."): the post is listed under
  UNKNOWN_AUTHOR.
- Several posts on one line ("X, and Y"; "X and What ...?"): see split_titles().

Text is never rewritten: curly quotes, accents, dashes and ellipses are kept as given.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field

UNKNOWN_AUTHOR = "Unknown author"

# Words that often open a post title. A remainder starting with one is taken as a title.
TITLE_OPENERS = frozenset(
    "a an the what why how who when where which is are do does did can could should "
    "would will dear my our your this these".split()
)
QUESTION_WORDS = frozenset(
    "what why how who when where which is are do does did can could should would will".split()
)
# A name of more words than this is unlikely, so longer heads are searched for a title.
MAX_NAME_WORDS = 5


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Return the key contributors are matched by: lower-case letters and digits only.

    "@Cherryl-kd", "Cherrylkd" and "cherrylkd" share the key "cherrylkd". Accents are
    dropped first, so "José" and "Jose" match too.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if char.isalnum())


def _is_mc_prefix(text: str, index: int) -> bool:
    """Return whether the capital at `index` follows a Scottish or Irish "Mc"/"Mac" prefix."""
    for prefix in ("Mc", "Mac"):
        start = index - len(prefix)
        if start < 0 or text[start:index] != prefix:
            continue
        if start == 0 or not text[start - 1].isalpha():
            return True
    return False


def camel_boundaries(text: str) -> list[int]:
    """Return the indexes where a lower-case letter is directly followed by a capital.

    "McInerney" and "MacLeod" are not boundaries.
    """
    return [
        index
        for index in range(1, len(text))
        if text[index].isupper() and text[index - 1].islower() and not _is_mc_prefix(text, index)
    ]


def _space_boundaries(text: str) -> list[int]:
    return [
        index
        for index in range(1, len(text))
        if text[index - 1].isspace() and not text[index].isspace()
    ]


# The page has non-breaking spaces after some colons and between some words. They
# separate like spaces but are kept in the stored text.
_WHITESPACE = re.compile(r"\s")
_COLON = re.compile(r":\s+")


def partition_colon(text: str) -> tuple[str, str, str]:
    """Split at the first colon followed by whitespace, like str.partition(": ")."""
    match = _COLON.search(text)
    if match is None:
        return text, "", ""
    return text[: match.start()], match.group(), text[match.end() :]


def _has_space(text: str) -> bool:
    return any(char.isspace() for char in text)


def title_openings(titles: list[str]) -> list[str]:
    """Return the first two words of each title, without opening quotes."""
    openings = []
    for title in titles:
        words = title.lstrip("“‘\"' ").split()
        if len(words) >= 2:
            openings.append(" ".join(words[:2]))
    return openings


@dataclass
class GluedSplit:
    author: str
    title: str
    note: str


def _glued_note(how: str) -> str:
    return f"Author and title were run together with no colon; split {how}."


def split_glued(text: str, known_keys: set[str], openings: list[str]) -> GluedSplit | None:
    """Split "NameTitle" into name and title, or return None if no split is found."""
    words = text.split()
    name_zone = len(" ".join(words[: MAX_NAME_WORDS + 1]))
    camel = [index for index in camel_boundaries(text) if index <= name_zone]

    # 1. A name known from a "Name: Title" line elsewhere. Space boundaries count only
    # when there is no case boundary, so that a known "Chris" does not cut
    # "Chris CurtisProgress" short.
    candidates = camel or [i for i in _space_boundaries(text) if i <= name_zone]
    for index in sorted(candidates, reverse=True):
        author = text[:index].strip()
        if author and name_key(author) in known_keys and text[index:].strip():
            return GluedSplit(
                author,
                text[index:].strip(),
                _glued_note(f"after “{author}”, a name seen elsewhere in the file"),
            )

    # 2. Where lower case meets upper case, in the first word that has such a place. In
    # "BishopErasmusThe" or "@TeacherToolkitThe" the last one of that word ends the
    # name, unless another one starts the topic's title.
    if camel:
        space = _WHITESPACE.search(text, camel[0])
        first_word_end = space.start() if space else len(text)
        in_word = [index for index in camel if index < first_word_end]
        chosen = next(
            (index for index in in_word if _starts_with_any(text[index:], openings)), in_word[-1]
        )
        author, title = text[:chosen].strip(), text[chosen:].strip()
        if author and title:
            return GluedSplit(
                author, title, _glued_note(f"after “{author}”, where lower case meets upper case")
            )

    # 3. Before the first words of the topic's title ("Andy Day The Purpose of ...").
    for index in _space_boundaries(text):
        if index > name_zone:
            break
        if _starts_with_any(text[index:], openings):
            author, title = text[:index].strip(), text[index:].strip()
            opening = next(o for o in openings if text[index:].casefold().startswith(o.casefold()))
            return GluedSplit(
                author, title, _glued_note(f"before “{opening}”, the opening of the topic's title")
            )
    return None


def _starts_with_any(text: str, openings: list[str]) -> bool:
    folded = text.casefold()
    return any(folded.startswith(opening.casefold()) for opening in openings)


def _word_count(text: str) -> int:
    return len(text.split())


def clean_colon_author(text: str) -> str | None:
    """Return the name before ": " when the line plainly reads "Name: Title".

    Returns None for lines whose name part looks glued to a title, is missing, or is
    too long to be a name. The parser collects these names first, to know which names
    to look for in glued lines.
    """
    head, separator, _ = partition_colon(text)
    head = head.strip()
    if not separator or not head or _word_count(head) > MAX_NAME_WORDS:
        return None
    if camel_boundaries(head) and _has_space(head):
        return None
    return head


@dataclass
class LineReading:
    """An author and the titles of one list line, with notes on anything guessed."""

    author: str
    titles: list[str]
    notes: list[str] = field(default_factory=list)
    author_guessed: bool = False
    titles_flagged: bool = False


def read_list_line(
    text: str, known_keys: set[str], openings: list[str], *, split: bool = True
) -> LineReading:
    """Read "Name: Title" (or a broken form of it) into author and titles.

    With `split` False the title part is kept whole even if it reads like several posts.
    """
    text = text.strip()
    reading = _read_author(text, known_keys, openings)
    if not reading.titles[0]:
        reading.titles = ["Untitled"]
        reading.notes.append("The line has no post title; stored as “Untitled”.")
        return reading
    if not split:
        return reading
    titles, notes = split_titles(reading.titles[0])
    reading.titles = titles
    if notes:
        reading.titles_flagged = True
        reading.notes.extend(notes)
    return reading


def _read_author(text: str, known_keys: set[str], openings: list[str]) -> LineReading:
    if text.startswith(":"):
        return LineReading(
            UNKNOWN_AUTHOR,
            [text[1:].strip()],
            [f"The author's name is missing; listed under “{UNKNOWN_AUTHOR}”."],
            author_guessed=True,
        )

    head, separator, tail = partition_colon(text)
    head = head.strip()
    if separator and head and not _head_looks_glued(head, known_keys, openings):
        return LineReading(head, [tail.strip()])

    split = split_glued(text, known_keys, openings)
    if split is not None:
        return LineReading(split.author, [split.title], [split.note], author_guessed=True)
    if separator and head:
        # Nothing better was found: trust the colon.
        return LineReading(head, [tail.strip()])
    return LineReading(
        UNKNOWN_AUTHOR,
        [text],
        [f"No author could be told apart from the title; listed under “{UNKNOWN_AUTHOR}”."],
        author_guessed=True,
    )


def _head_looks_glued(head: str, known_keys: set[str], openings: list[str]) -> bool:
    """Return whether the part before the first colon contains a name and a title's start.

    "Tim TaylorTrivium" does (the title "Trivium: the answer ..." has a colon of its
    own); "PedagogintheMachine", one word, is a handle, and "Anna DeLuca" is a name.
    """
    if _word_count(head) > MAX_NAME_WORDS:
        return True
    boundaries = camel_boundaries(head)
    if not boundaries or not _has_space(head):
        return False
    split = split_glued(head, known_keys, openings)
    if split is None:
        return False
    if name_key(split.author) in known_keys:
        return True
    remainder_words = split.title.split()
    return len(remainder_words) >= 2 or remainder_words[0].casefold() in TITLE_OPENERS


def split_titles(title: str) -> tuple[list[str], list[str]]:
    """Split a line's title part into the titles of the posts it lists.

    Returns the titles and review notes. ", and " separates two posts ("Make your
    ‘marking policy’ a ‘feedback policy’, and Dirty Work") unless the text before it
    has a comma too, which makes it a list inside one title ("The Quick, The Weird, and
    The Thorough"). " and " before a capital splits only where the second part reads as
    a title of its own: a question ("... and What do parents want from schools?") or a
    second "-ing" opening matching the first ("Understanding ... and Using ..."). Those
    splits are flagged. Other " and " + capital joins that could be two posts are kept
    as one title and flagged. "Marking for the Masses and Feedback for the Future" is
    more likely one post with a two-part title than two posts. A coordinator can split
    it in a moment, whereas a wrong split would show a post that does not exist.
    """
    parts = _split_comma_and(title)
    titles: list[str] = []
    notes: list[str] = []
    for part in parts:
        split_parts, part_notes = _split_plain_and(part)
        titles.extend(split_parts)
        notes.extend(part_notes)
    return titles, notes


def _split_comma_and(title: str) -> list[str]:
    parts = []
    rest = title
    while True:
        match = _COMMA_AND.search(rest)
        if match is None or "," in rest[: match.start()]:
            break
        left, rest = rest[: match.start()].strip(), rest[match.end() :].strip()
        if not left or not rest:
            return [title]
        parts.append(left)
    parts.append(rest)
    return parts


_COMMA_AND = re.compile(r",\s+and\s+")
_AND_CAPITAL = re.compile(r"\s+and\s+(?=[A-Z])")


def _split_plain_and(part: str) -> tuple[list[str], list[str]]:
    titles: list[str] = []
    notes: list[str] = []
    start = 0
    search_from = 0
    while True:
        match = _AND_CAPITAL.search(part, search_from)
        if match is None:
            break
        left, right = part[start : match.start()], part[match.end() :]
        search_from = match.end()
        if "," in left:
            continue  # "Progress, Fun and Phonemes": a list inside one title.
        right_first = right.split()[0]
        if _word_count(left) < 2 and right_first.casefold() not in TITLE_OPENERS:
            continue  # "Labels and Leavers": one title.
        if _reads_as_second_title(left, right):
            titles.append(left.strip())
            notes.append(
                f"Read as two posts, split before “and {right_first}”; check that they are two."
            )
            start = match.end()
        else:
            notes.append(f"May be two posts joined by “and {right_first}”; kept as one title.")
    titles.append(part[start:].strip())
    return titles, notes


def _reads_as_second_title(left: str, right: str) -> bool:
    if _word_count(left) < 2 or _word_count(right) < 2:
        return False
    right_first = right.split()[0]
    left_first = left.split()[0]
    if right_first.casefold() in QUESTION_WORDS and right.rstrip().endswith("?"):
        return True
    return left_first.endswith("ing") and right_first.endswith("ing")
