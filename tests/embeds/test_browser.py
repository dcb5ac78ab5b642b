"""The widget and the iframe page inside a page of another origin, in Chromium.

The hub runs as pytest-django's live_server; the "blog" is a small http.server on
127.0.0.1 on another port, so every request from the widget is cross-origin.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from blogsync.syncs import moderation
from blogsync.syncs.models import EntryStatus

# Hostile host styles: if they reached the widget, its list would vanish or turn red.
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A blog post</title>
<style>ol, li { display: none !important; } a { color: rgb(255, 0, 0); }</style>
</head><body>
<h1>My post</h1><p><a id="own-link" href="/elsewhere">a link of the blog</a></p>
{embed}
</body></html>"""


class BlogServer:
    """A second origin: serves `pages` (path -> HTML) from 127.0.0.1 on a free port."""

    def __init__(self):
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = pages.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                data = body.encode()
                content_type = (
                    "text/javascript" if self.path.endswith(".js") else "text/html; charset=utf-8"
                )
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def blog():
    server = BlogServer()
    yield server
    server.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def hub(live_server, settings, topic, make_entry):
    """The live hub with one approved entry and one pending entry."""
    settings.SITE_URL = live_server.url
    # The browser must revalidate after a reload rather than reuse a stored copy.
    settings.BLOGSYNC_PUBLIC_CACHE_SECONDS = 0
    make_entry(name="Ann", title="On purpose", url="https://ann.example/1")
    pending = make_entry(
        name="Bob", title="Late thoughts", url="https://bob.example/1", status=EntryStatus.PENDING
    )
    return {"url": live_server.url, "pending": pending}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_widget_shows_list_on_other_origin(page, blog, hub):
    script = f'<script src="{hub["url"]}/embed/blogsync/1/widget.js" async></script>'
    blog.pages["/post.html"] = HOST_PAGE.replace("{embed}", script)

    page.goto(blog.url + "/post.html")
    widget = page.locator("[data-blogsync-widget]")
    items = widget.locator("li")

    expect(items).to_have_count(1)
    expect(items.first).to_have_text("Ann: On purpose")
    expect(items.first).to_be_visible()
    expect(widget.locator("h2 a")).to_have_attribute("href", hub["url"] + "/blogsync/1/")
    assert items.first.locator("a").evaluate("a => getComputedStyle(a).color") != (
        "rgb(255, 0, 0)"
    )
    assert page.locator("#own-link").evaluate("a => getComputedStyle(a).color") == (
        "rgb(255, 0, 0)"
    )

    moderation.approve_entry(hub["pending"], actor=None)
    page.reload()

    expect(items).to_have_count(2)
    expect(items.nth(1)).to_have_text("Bob: Late thoughts")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_widget_follows_colour_scheme(page, blog, hub):
    script = f'<script src="{hub["url"]}/embed/blogsync/1/widget.js" async></script>'
    blog.pages["/post.html"] = HOST_PAGE.replace("{embed}", script)
    page.goto(blog.url + "/post.html")
    box = page.locator("[data-blogsync-widget] .box")
    expect(box.locator("li")).to_have_count(1)
    light = box.evaluate("b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]")

    page.emulate_media(color_scheme="dark")
    dark = box.evaluate("b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]")

    assert light == ["rgb(29, 29, 31)", "rgb(253, 252, 249)"]
    assert dark == ["rgb(236, 236, 239)", "rgb(22, 23, 26)"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_widget_marks_host_post(page, blog, hub, make_entry):
    make_entry(name="Cat", title="Host post", url=blog.url + "/post.html")
    script = f'<script src="{hub["url"]}/embed/blogsync/1/widget.js" async></script>'
    blog.pages["/post.html"] = HOST_PAGE.replace("{embed}", script)

    page.goto(blog.url + "/post.html")

    expect(page.locator("[data-blogsync-widget] li").nth(1)).to_have_text(
        "Cat: Host post (you are here)"
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_widget_falls_back_to_link_when_hub_is_down(page, blog, hub, client, settings):
    # The same script, but pointing at a port nothing listens on (the closed server's).
    down = BlogServer()
    down_url = down.url
    down.close()
    settings.SITE_URL = down_url
    script = client.get("/embed/blogsync/1/widget.js").content.decode()
    blog.pages["/widget.js"] = script
    blog.pages["/post.html"] = HOST_PAGE.replace(
        "{embed}", '<script src="/widget.js" async></script>'
    )

    page.goto(blog.url + "/post.html")
    widget = page.locator("[data-blogsync-widget]")

    expect(widget.locator("p")).to_contain_text("The list could not be loaded.")
    expect(widget.locator("a")).to_have_attribute("href", down_url + "/blogsync/1/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_frame_shows_list_on_other_origin(page, blog, hub):
    frame = (
        f'<iframe src="{hub["url"]}/embed/blogsync/1/frame/" width="600" '
        'height="400" title="The list"></iframe>'
    )
    blog.pages["/post.html"] = HOST_PAGE.replace("{embed}", frame)

    page.goto(blog.url + "/post.html")
    items = page.frame_locator("iframe").locator("li")

    expect(items).to_have_count(1)
    expect(items.first).to_have_text("Ann: On purpose")

    moderation.approve_entry(hub["pending"], actor=None)
    page.reload()

    expect(items).to_have_count(2)
    expect(items.nth(1)).to_have_text("Bob: Late thoughts")
