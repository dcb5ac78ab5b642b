"""The entry form's script fills in the title when the URL field loses focus."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from blogsync.syncs.models import Entry
from tests.syncs.test_title_lookup import H_ENTRY_PAGE, serve_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def httpserver_listen_address():
    return ("127.0.0.1", 0)


@pytest.fixture(autouse=True)
def fresh_rate_counts():
    cache.clear()
    yield
    cache.clear()


def test_title_filled_after_leaving_url_field(live_server, browser, topic, httpserver):
    url = serve_page(httpserver, "/2014/01/doors-open", H_ENTRY_PAGE)
    page = browser.new_page()
    page.goto(live_server.url + "/blogsync/1/submit/")

    page.get_by_label("Your post's address").fill(url)
    page.get_by_label("Your post's address").press("Tab")

    title = page.get_by_label("Your post's title")
    status = page.locator("#title-status")
    # expect() retries until the lookup has finished or its timeout passes.
    expect(title).to_have_value("Doors Open & Minds Too")
    expect(status).to_have_text(
        "We filled in the title from your post's page: Doors Open & Minds Too. "
        "Check it before you submit."
    )
    assert status.get_attribute("aria-live") == "polite"

    page.get_by_label("Your name").fill("Sue Cowley")
    page.get_by_label("Your email address").fill("sue@example.org")
    page.get_by_role("button", name="Submit post").click()
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Submit your post")
    entry = Entry.objects.get()
    assert entry.title == "Doors Open & Minds Too"
    assert entry.url == url


def test_failed_lookup_is_announced(live_server, browser, topic, httpserver):
    url = serve_page(httpserver, "/gone", "Not here", status=404)
    page = browser.new_page()
    page.goto(live_server.url + "/blogsync/1/submit/")

    page.get_by_label("Your post's address").fill(url)
    page.get_by_label("Your post's address").press("Tab")

    expect(page.locator("#title-status")).to_contain_text(
        "We could not read a title from that page:"
    )
    expect(page.get_by_label("Your post's title")).to_have_value("")
