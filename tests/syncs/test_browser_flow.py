"""A writer's month in a real browser: sign up, confirm by email, submit, get listed."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from blogsync.syncs.coordinators import COORDINATORS_GROUP, ensure_coordinators_group
from blogsync.syncs.models import AuditEvent, Entry, EntryStatus, SignUp

pytestmark = pytest.mark.browser


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


def create_coordinator(username):
    # Transactional tests flush the group the data migration made, so make it again.
    ensure_coordinators_group(Group, Permission)
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", "a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    return user


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
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm your sign-up"
    assert not SignUp.objects.get().is_confirmed
    page.get_by_role("button", name="Confirm my sign-up").click()
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
    assert entry.status == EntryStatus.PENDING

    # A coordinator approves it through the admin, in another browser context.
    coordinator = create_coordinator("alice")
    admin = browser.new_page()
    admin.goto(live_server.url + "/admin/")
    admin.get_by_label("Username").fill("alice")
    admin.get_by_label("Password").fill("a-long-test-password")
    admin.get_by_role("button", name="Log in").click()
    admin.goto(live_server.url + "/admin/syncs/entry/")
    admin.locator(f"input[name=_selected_action][value='{entry.pk}']").check()
    admin.locator("select[name=action]").select_option("approve_selected")
    admin.locator("button[name=index]").click()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED
    assert AuditEvent.objects.get(entry=entry, action="approve_entry").actor == coordinator

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
