from datetime import UTC, datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.conftest import london

pytestmark = pytest.mark.django_db

TRICKY = "Fish & <chips>, \"quoted\"; 'single' 🐟"


@pytest.fixture
def summer_and_winter(make_topic, site):
    summer = make_topic(
        number=7,
        title=TRICKY,
        signup_opens_at=london(2026, 7, 1, 9, 0),
        deadline=london(2026, 7, 31, 23, 59),
        list_published_at=london(2026, 8, 3, 12, 0),
    )
    winter = make_topic(
        number=8,
        title="Winter",
        signup_opens_at=london(2027, 1, 1, 9, 0),
        deadline=london(2027, 1, 31, 23, 59),
        list_published_at=None,
    )
    return summer, winter


def fetch(client, url) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_uid(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_series_calendar_has_every_date(client, summer_and_winter):
    summer, winter = summer_and_winter
    calendar = fetch(client, reverse("following:series_calendar", kwargs={"series": "blogsync"}))
    uids = set(events_by_uid(calendar))
    assert f"topic-{summer.pk}-signup@hub.example.org" in uids
    assert f"topic-{summer.pk}-deadline@hub.example.org" in uids
    assert f"topic-{summer.pk}-list@hub.example.org" in uids
    assert f"topic-{winter.pk}-deadline@hub.example.org" in uids
    assert f"topic-{winter.pk}-list@hub.example.org" not in uids


def test_july_deadline_is_2359_bst(client, summer_and_winter):
    summer, _ = summer_and_winter
    calendar = fetch(
        client, reverse("following:topic_calendar", kwargs={"series": "blogsync", "number": 7})
    )
    deadline = events_by_uid(calendar)[f"topic-{summer.pk}-deadline@hub.example.org"]
    start = deadline.decoded("DTSTART")
    assert deadline["DTSTART"].params["TZID"] == "Europe/London"
    assert (start.hour, start.minute) == (23, 59)
    assert start.tzname() == "BST"
    assert start.astimezone(UTC) == datetime(2026, 7, 31, 22, 59, tzinfo=UTC)
    assert b"DTSTART;TZID=Europe/London:20260731T235900" in calendar.to_ical()


def test_january_deadline_is_2359_gmt(client, summer_and_winter):
    _, winter = summer_and_winter
    calendar = fetch(
        client, reverse("following:topic_calendar", kwargs={"series": "blogsync", "number": 8})
    )
    deadline = events_by_uid(calendar)[f"topic-{winter.pk}-deadline@hub.example.org"]
    start = deadline.decoded("DTSTART")
    assert start.tzname() == "GMT"
    assert start.astimezone(UTC) == datetime(2027, 1, 31, 23, 59, tzinfo=UTC)


def test_calendar_has_vtimezone_with_both_offsets(client, summer_and_winter):
    calendar = fetch(client, reverse("following:series_calendar", kwargs={"series": "blogsync"}))
    zones = calendar.walk("VTIMEZONE")
    assert [str(zone["TZID"]) for zone in zones] == ["Europe/London"]
    names = {str(part["TZNAME"]) for part in zones[0].subcomponents}
    assert {"GMT", "BST"} <= names


def test_events_have_utc_dtstamp_and_summary(client, summer_and_winter):
    summer, _ = summer_and_winter
    calendar = fetch(
        client, reverse("following:topic_calendar", kwargs={"series": "blogsync", "number": 7})
    )
    for event in calendar.walk("VEVENT"):
        assert event.decoded("DTSTAMP").utcoffset().total_seconds() == 0
        assert TRICKY in str(event["SUMMARY"])
    assert b"DTSTAMP:" in calendar.to_ical()


def test_uids_survive_a_date_change(client, summer_and_winter):
    summer, _ = summer_and_winter
    url = reverse("following:topic_calendar", kwargs={"series": "blogsync", "number": 7})
    before = set(events_by_uid(fetch(client, url)))
    summer.deadline = london(2026, 7, 30, 18, 0)
    summer.title = "Renamed"
    summer.save()
    assert set(events_by_uid(fetch(client, url))) == before


def test_calendar_answers_304(client, summer_and_winter):
    url = reverse("following:series_calendar", kwargs={"series": "blogsync"})
    first = client.get(url)
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    assert (
        client.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304
    )


def test_calendar_query_count_is_fixed(client, make_topic, site, django_assert_num_queries):
    for number in range(1, 30):
        make_topic(number=number, title=f"Topic {number}")
    url = reverse("following:series_calendar", kwargs={"series": "blogsync"})
    # The series, its topics, and the latest modification time.
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
