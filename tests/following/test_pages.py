import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_follow_page_lists_every_way(client, topic, site):
    response = client.get(reverse("following:follow", kwargs={"series": "blogsync"}))
    assert response.status_code == 200
    assert not response.cookies
    assert "public" in response["Cache-Control"]
    page = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", page)) == 1
    for name in [
        "topics_rss",
        "series_entries_atom",
        "series_opml",
        "series_calendar",
        "subscribe",
    ]:
        assert reverse(f"following:{name}", kwargs={"series": "blogsync"}) in page, name


def test_subscription_pages_have_one_h1(client, topic, site):
    for name in ["subscribe", "subscribe_sent"]:
        response = client.get(reverse(f"following:{name}", kwargs={"series": "blogsync"}))
        assert response.status_code == 200, name
        assert len(re.findall(r"<h1[\s>]", response.content.decode())) == 1, name


def test_sent_page_is_public(client, topic):
    response = client.get(reverse("following:subscribe_sent", kwargs={"series": "blogsync"}))
    assert not response.cookies
    assert "public" in response["Cache-Control"]


def test_series_pages_link_the_follow_page(client, topic):
    follow = reverse("following:follow", kwargs={"series": "blogsync"})
    for page in [topic.series.get_absolute_url(), topic.get_absolute_url()]:
        assert f'href="{follow}"' in client.get(page).content.decode(), page
