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
