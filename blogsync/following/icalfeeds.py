"""iCalendar (RFC 5545) feeds of a series' or a topic's dates.

Each topic gives up to three events: sign-up opening, the writing deadline and the
list's publication. Times carry the series' TZID with a VTIMEZONE built from the tz
database, so a July deadline at 23:59 shows as 23:59 BST (22:59 UTC) and a January one
as 23:59 GMT.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

MOMENTS = [
    ("signup", "signup_opens_at", "Sign-up opens"),
    ("deadline", "deadline", "Writing deadline"),
    ("list", "list_published_at", "List published"),
]


def build_calendar(series, topics, name: str) -> bytes:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    zone = series.zone
    calendar = Calendar()
    calendar.add("prodid", "-//blogsync//following//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", series.time_zone)
    for topic in topics:
        url = f"{settings.SITE_URL}{topic.get_absolute_url()}"
        for slug, field, label in MOMENTS:
            moment = getattr(topic, field)
            if moment is None:
                continue
            event = Event()
            # The UID names the topic and the moment, never the title or the date,
            # so a calendar updates the event in place when either changes.
            event.add("uid", f"topic-{topic.pk}-{slug}@{host}")
            # DTSTAMP: when this event's data last changed, so that the same data
            # always gives the same bytes.
            event.add("dtstamp", topic.updated_at)
            event.add("last-modified", topic.updated_at)
            event.add("dtstart", timezone.localtime(moment, zone))
            event.add("summary", f"{series.hashtag} {topic.number}: {label}: {topic.title}")
            event.add("description", f"{topic.title}\n{url}")
            event.add("url", url)
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
