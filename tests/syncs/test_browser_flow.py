"""A writer's month in a real browser: sign up, confirm by email, submit, get listed."""

import os
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from blogsync.syncs.models import Entry, SignUp

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="needs Debian's Chromium"),
]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            # Inside sync_playwright() Django runs in another contextvars context, so
            # the test body gets its own database connection, which Django's teardown
            # never closes. PostgreSQL then cannot drop the test database.
            connections.close_all()


@pytest.fixture
def open_topic(make_topic):
    return make_topic(
        number=10,
        title="Dear Mr Tristram Hunt",
        invitation="Write an open letter to the Shadow Secretary of State for Education.",
        partner_name="Labourteachers",
        partner_note="This #blogsync is organised in conjunction with Labourteachers.",
        signup_opens_at=timezone.now() - timedelta(days=3),
        deadline=timezone.now() + timedelta(days=20),
    )


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


@pytest.mark.django_db(transaction=True)
def test_writer_signs_up_confirms_submits_and_is_listed(
    live_server, browser, open_topic, settings
):
    settings.SITE_URL = live_server.url
    page = browser.new_page()

    page.goto(live_server.url + "/blogsync/")
    page.get_by_role("link", name="Sign up to write").click()
    page.get_by_label("Your name").fill("Sue Cowley")
    page.get_by_label("Your email address").fill("sue@example.org")
    page.get_by_label("Your blog's address").fill("https://sue.example.org/")
    page.get_by_label(re.compile("don't want links to your post")).check()
    page.get_by_role("button", name="Sign up").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"

    run_worker()
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/signup/confirm/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Your sign-up is confirmed"
    assert SignUp.objects.get().is_confirmed

    page.get_by_role("link", name="Submit your post").click()
    page.get_by_label("Your post's address").fill("javascript:alert(1)")
    page.get_by_label("Your post's title").fill("Have a Little Faith")
    page.get_by_label("Your name").fill("Sue Cowley")
    page.get_by_label("Your email address").fill("sue@example.org")
    page.get_by_role("button", name="Submit post").click()
    assert "starting with https:// or http://" in page.locator("#id_url_error").inner_text()
    assert page.get_by_label("Your post's title").input_value() == "Have a Little Faith"

    page.get_by_label("Your post's address").fill("https://sue.example.org/2014/01/faith")
    page.get_by_role("button", name="Submit post").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for your post"

    entry = Entry.objects.get()
    assert entry.partner_opt_out is True
    from blogsync.syncs.moderation import approve_entry

    approve_entry(entry, None)

    page.goto(live_server.url + open_topic.get_absolute_url())
    line = page.locator("ol.entry-list > li").first
    assert line.get_attribute("value") == "1"
    assert line.inner_text().strip() == "Sue Cowley: Have a Little Faith"
    href = line.get_by_role("link", name="Have a Little Faith").get_attribute("href")
    assert href == "https://sue.example.org/2014/01/faith"


@pytest.mark.django_db(transaction=True)
def test_home_page_fits_a_phone_screen(live_server, browser, open_topic, make_entry, tmp_path):
    for n in range(5):
        make_entry(
            topic=open_topic,
            name=f"Writer with a longish name {n}",
            title=f"A post title that goes on for quite a while, part {n}",
        )
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    page.goto(live_server.url + "/blogsync/")
    page.screenshot(path=str(tmp_path / "home-phone.png"), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375
    button = page.get_by_role("link", name="Sign up to write").bounding_box()
    assert button["height"] >= 44
    # The skip link is the first thing a keyboard reaches, and it becomes visible.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0
    context.close()
