"""Project-wide guards: migrations match the models, and pages have one <h1>."""

import re
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    output = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=output)
    except SystemExit:
        pytest.fail(f"Models changed without a migration:\n{output.getvalue()}")


@pytest.mark.django_db
def test_public_pages_have_one_h1(client, topic, make_entry):
    entry = make_entry()
    pages = [
        "/",
        "/blogsync/",
        "/blogsync/archive/",
        topic.get_absolute_url(),
        entry.contributor.get_absolute_url(),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        headings = re.findall(r"<h1[\s>]", response.content.decode())
        assert len(headings) == 1, f"{page} has {len(headings)} <h1> elements"


@pytest.mark.django_db
def test_public_pages_set_no_cookie(client, topic):
    for page in ["/", "/blogsync/", "/blogsync/archive/", topic.get_absolute_url()]:
        response = client.get(page)
        assert not response.cookies, page
        assert "public" in response["Cache-Control"], page


@pytest.mark.django_db
def test_read_only_pages_answer_405(client, topic):
    pages = [
        "/blogsync/",
        "/blogsync/archive/",
        topic.get_absolute_url(),
        "/blogsync/feeds/entries.rss",
        "/api/v1/series/",
    ]
    for page in pages:
        for method in ("post", "put", "delete"):
            response = getattr(client, method)(page)
            assert response.status_code == 405, f"{method.upper()} {page}"
            assert "GET" in response["Allow"], f"{method.upper()} {page}"
    assert client.post("/api/v1/series/").json()["status"] == 405


@pytest.mark.django_db
def test_follow_form_pages_are_never_cached(client, series):
    response = client.get("/blogsync/follow/email/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
