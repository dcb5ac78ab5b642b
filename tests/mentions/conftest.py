"""Fixtures for the mentions tests: a hub at https://hub.example, source posts served
by pytest-httpserver on 127.0.0.1, and helpers to send mentions and run the worker."""

import xmlrpc.client

import pytest
from django.core.management import call_command
from werkzeug import Response

HUB = "https://hub.example"

WORDPRESS_POST = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<title>{title} &#8211; A Teacher&#039;s Notes</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="A Teacher&#039;s Notes">
<meta name="author" content="{author}">
<link rel="pingback" href="{base}/xmlrpc.php">
</head>
<body class="post-template-default single single-post">
<article id="post-123" class="post-123 post type-post status-publish hentry">
<header class="entry-header"><h1 class="entry-title">{title}</h1>
<span class="byline"> by <span class="author vcard"><a class="url fn n"
 href="{base}/author/jo/">{author}</a></span></span></header>
<div class="entry-content">{body}</div>
</article>
</body>
</html>
"""

INDIEWEB_POST = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<article class="h-entry">
  <h1 class="p-name">{title}</h1>
  <a class="p-author h-card" href="{base}/">{author}</a>
  <div class="e-content">{body}</div>
</article>
</body>
</html>
"""


@pytest.fixture(scope="session")
def httpserver_listen_address():
    # pytest-httpserver binds "localhost" by default, which may resolve to ::1.
    return ("127.0.0.1", 0)


@pytest.fixture(autouse=True)
def hub_settings(settings):
    settings.SITE_URL = HUB
    settings.ALLOWED_HOSTS = ["testserver", "hub.example", "www.hub.example"]
    # Send the outgoing Webmention at once rather than after the cache lifetime.
    settings.BLOGSYNC_PUBLIC_CACHE_SECONDS = 0
    settings.BLOGSYNC_MENTION_LIMIT_PER_CLIENT = 1000
    settings.BLOGSYNC_MENTION_LIMIT_PER_HOST = 1000
    return settings


@pytest.fixture
def topic_url(topic):
    return HUB + topic.get_absolute_url()


@pytest.fixture
def serve_post(httpserver):
    """Serve a post at `path` on the loopback server and return its URL.

    `body` is the post's content HTML; `shape` picks a WordPress-like or an
    IndieWeb (h-entry) page. Serving the same path again replaces the page.
    """
    base = f"http://127.0.0.1:{httpserver.port}"

    def serve(
        path="/2013/09/why-i-teach/",
        *,
        body="",
        title="Why I teach",
        author="Jo Bloggs",
        shape="wordpress",
        status=200,
        headers=None,
        content_type="text/html; charset=UTF-8",
        raw=None,
    ):
        template = WORDPRESS_POST if shape == "wordpress" else INDIEWEB_POST
        text = (
            raw
            if raw is not None
            else template.format(title=title, author=author, body=body, base=base)
        )
        response = Response(text, status=status, content_type=content_type, headers=headers or {})
        _replace_handler(httpserver, path)
        httpserver.expect_request(path).respond_with_response(response)
        return base + path

    return serve


def _replace_handler(httpserver, path):
    """Drop earlier permanent handlers for `path`, so that the newest page is served."""
    httpserver.handlers[:] = [
        handler for handler in httpserver.handlers if getattr(handler.matcher, "uri", None) != path
    ]


def link_to(url, text="this month's #blogsync"):
    return f'<p>My post for <a href="{url}">{text}</a>.</p>'


@pytest.fixture
def send_webmention(client):
    def send(source, target, **extra):
        return client.post("/mentions/webmention/", {"source": source, "target": target}, **extra)

    return send


@pytest.fixture
def send_pingback(client):
    """POST an XML-RPC pingback.ping call built by xmlrpc.client; returns the response
    and the parsed result (a string, or an xmlrpc.client.Fault)."""

    def send(source, target, *, content_type="text/xml", body=None, method="pingback.ping"):
        if body is None:
            body = xmlrpc.client.dumps((source, target), methodname=method).encode()
        response = client.post("/mentions/pingback/", body, content_type=content_type)
        try:
            (value,), _ = xmlrpc.client.loads(response.content)
        except xmlrpc.client.Fault as fault:
            value = fault
        return response, value

    return send


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


def verify_pending():
    """Run the verification task's body for every pending mention, in this thread, so
    that tests without the worker (and its transaction=True cost) see the result."""
    from blogsync.mentions.models import Mention, MentionState
    from blogsync.mentions.verification import verify

    for mention_id in Mention.objects.filter(state=MentionState.PENDING).values_list(
        "pk", flat=True
    ):
        verify(mention_id)
