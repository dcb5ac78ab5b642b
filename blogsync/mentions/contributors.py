"""Working out who wrote a mentioned post.

A mention carries no name or email address, only the post's URL and what the page
states about its author. The writer is, in this order: the signed-up writer of the
topic whose blog the post is on; a known contributor whose blog URL is the page's
h-card author URL or the post's site; or a new contributor named after the page's
author (or the site's host).

NOTE: two mentions from one new blog verified at the same moment for different topics
can create two contributors, because only the topic row is locked.
"""

from urllib.parse import urlsplit

from blogsync.fetching.urlnorm import normalise_url
from blogsync.syncs.models import Contributor, SignUp, Topic
from blogsync.syncs.services import find_or_create_contributor


def _site(url: str) -> tuple[str, str]:
    """Return the host (without a leading www.) and the path of `url`, for comparing
    sites."""
    parts = urlsplit(normalise_url(url))
    host = parts.netloc.removeprefix("www.")
    return host, parts.path.rstrip("/")


def is_on_blog(post_url: str, blog_url: str) -> bool:
    """Return whether `post_url` lies on the blog at `blog_url`: the same host (http or https,
    with or without www.) and a path at or below the blog's path."""
    if not blog_url:
        return False
    post_host, post_path = _site(post_url)
    blog_host, blog_path = _site(blog_url)
    if not post_host or post_host != blog_host:
        return False
    return post_path == blog_path or post_path.startswith(blog_path + "/")


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}/"


def choose_contributor(
    topic: Topic, post_url: str, author_name: str, author_url: str
) -> tuple[Contributor, bool]:
    """Return the contributor for a mentioned post, and whether the post is on the
    blog of a writer with a confirmed sign-up for `topic`."""
    signups = (
        SignUp.objects.filter(topic=topic, confirmed_at__isnull=False)
        .exclude(contributor__blog_url="")
        .select_related("contributor")
    )
    for signup in signups:
        if is_on_blog(post_url, signup.contributor.blog_url):
            return signup.contributor, True

    # The h-card author URL names the writer best when it is on the post's own site,
    # such as an author page or the home page. One elsewhere (a social profile) does not.
    home = origin(post_url)
    candidates = [home]
    if author_url.startswith(("http://", "https://")) and _site(author_url)[0] == _site(home)[0]:
        candidates.insert(0, author_url)
    wanted = {normalise_url(candidate) for candidate in candidates}
    # Blog URLs are stored as given, so compare normalised forms among the few
    # contributors whose blog URL contains the host.
    host, _ = _site(home)
    for candidate in Contributor.objects.filter(blog_url__icontains=host).order_by("pk"):
        if normalise_url(candidate.blog_url) in wanted:
            return candidate, False

    name = author_name.strip() or urlsplit(post_url).hostname or post_url
    return find_or_create_contributor(name[:200], blog_url=candidates[0][:1000]), False
