import json
from pathlib import Path

import jsonschema
import pytest
from openapi_spec_validator import validate

from blogsync.syncs.models import EntryStatus

DOCUMENT_PATH = Path(__file__).resolve().parents[2] / "blogsync" / "embeds" / "openapi.json"
DOCUMENT = json.loads(DOCUMENT_PATH.read_text())


def response_schema(path: str, status: int) -> dict:
    """Return the JSON schema the OpenAPI document gives for `path` returning `status`."""
    response = DOCUMENT["paths"][path]["get"]["responses"][str(status)]
    if "$ref" in response:
        response = DOCUMENT["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = response["content"]["application/json"]["schema"]
    # Resolve "#/components/..." references against the whole document.
    return {**DOCUMENT, **schema}


def assert_matches_document(response, path: str):
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    jsonschema.validate(
        response.json(),
        response_schema(path, response.status_code),
        cls=jsonschema.Draft202012Validator,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


@pytest.fixture
def listed_topic(topic, make_entry):
    ann = make_entry(name="Ann", title="One", url="https://ann.example/1")
    make_entry(name="Bob", title="Pending", status=EntryStatus.PENDING)
    make_entry(name="Cat", title="No link", url="", is_late=True)
    make_entry(title="Two", url="https://ann.example/2", contributor=ann.contributor)
    return topic


def test_openapi_document_is_valid():
    validate(DOCUMENT)


@pytest.mark.django_db
def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json() == DOCUMENT
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_series_list_matches_document(client, series):
    response = client.get("/api/v1/series/")

    assert_matches_document(response, "/series/")
    assert [item["slug"] for item in response.json()["items"]] == ["blogsync"]


@pytest.mark.django_db
def test_series_detail_matches_document(client, series):
    response = client.get("/api/v1/series/blogsync/")

    assert_matches_document(response, "/series/{series}/")
    assert response.json()["id"] == series.pk
    assert response.json()["topics_url"] == "http://127.0.0.1:8000/api/v1/series/blogsync/topics/"


@pytest.mark.django_db
def test_unknown_series_is_json_404(client, series):
    response = client.get("/api/v1/series/nope/")

    assert response.status_code == 404
    assert_matches_document(response, "/series/{series}/")
    assert response.json()["reason"] == "There is no series 'nope'."


@pytest.mark.django_db
def test_topic_detail_lists_numbered_lines(client, listed_topic):
    response = client.get("/api/v1/series/blogsync/topics/1/")

    assert_matches_document(response, "/series/{series}/topics/{number}/")
    data = response.json()
    assert data["entry_count"] == 3
    assert [(line["number"], line["contributor"]["name"]) for line in data["lines"]] == [
        (1, "Ann"),
        (2, "Cat"),
    ]
    assert [entry["title"] for entry in data["lines"][0]["entries"]] == ["One", "Two"]
    assert data["lines"][1]["entries"][0]["url"] is None
    assert data["lines"][1]["entries"][0]["is_late"] is True
    assert data["deadline"].endswith(("Z", "+00:00"))


@pytest.mark.django_db
def test_unknown_topic_is_json_404(client, topic):
    response = client.get("/api/v1/series/blogsync/topics/99/")

    assert response.status_code == 404
    assert_matches_document(response, "/series/{series}/topics/{number}/")


@pytest.mark.django_db
def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing/here")

    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "reason": "There is no API resource at /api/v1/nothing/here.",
    }


@pytest.mark.django_db
def test_topic_list_paginates(client, make_topic):
    for number in range(1, 6):
        make_topic(number=number)

    first = client.get("/api/v1/series/blogsync/topics/", {"per_page": 2})
    last = client.get("/api/v1/series/blogsync/topics/", {"per_page": 2, "page": 3})

    assert_matches_document(first, "/series/{series}/topics/")
    assert_matches_document(last, "/series/{series}/topics/")
    assert [t["number"] for t in first.json()["items"]] == [5, 4]
    assert first.json()["next"].endswith("/topics/?page=2&per_page=2")
    assert first.json()["previous"] is None
    assert [t["number"] for t in last.json()["items"]] == [1]
    assert last.json()["next"] is None
    assert last.json()["total"] == 5


@pytest.mark.django_db
def test_empty_series_has_one_empty_page(client, series):
    response = client.get("/api/v1/series/blogsync/topics/")

    assert_matches_document(response, "/series/{series}/topics/")
    assert response.json()["items"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "two"},
        {"page": "1.5"},
        {"page": ""},
        {"per_page": "0"},
        {"per_page": "101"},
        {"per_page": "x"},
        {"page": "٣"},
        {"page": "9"},
        {"page": "9" * 40},
    ],
)
def test_bad_pagination_is_json_400(client, topic, params):
    response = client.get("/api/v1/series/blogsync/topics/", params)

    assert response.status_code == 400
    assert_matches_document(response, "/series/{series}/topics/")
    assert "page" in response.json()["reason"]


@pytest.mark.django_db
def test_api_rejects_post_with_json_405(client, series):
    response = client.post("/api/v1/series/")

    assert response.status_code == 405
    assert response.json()["status"] == 405


@pytest.mark.django_db
def test_api_answers_cors_preflight(client, series):
    response = client.options(
        "/api/v1/series/",
        HTTP_ORIGIN="https://blog.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]


@pytest.mark.django_db
def test_topic_page_links_to_its_json(client, topic):
    body = client.get(topic.get_absolute_url()).content.decode()

    assert (
        '<link rel="alternate" type="application/json" '
        'href="http://127.0.0.1:8000/api/v1/series/blogsync/topics/1/"'
    ) in body


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_topic_detail_query_count(client, topic, add_entries, django_assert_num_queries, count):
    add_entries(count)

    # The topic with its series, then the approved entries with their contributors.
    with django_assert_num_queries(2):
        response = client.get("/api/v1/series/blogsync/topics/1/")

    assert len(response.json()["lines"]) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_topic_list_query_count(
    client, topic, make_topic, add_entries, django_assert_num_queries, count
):
    make_topic(number=2)
    make_topic(number=3)
    add_entries(count, topic=topic)

    # The series, the paginator's count, then one page of topics with entry counts.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/series/blogsync/topics/")

    assert response.json()["items"][-1]["entry_count"] == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_series_query_count(client, topic, add_entries, django_assert_num_queries, count):
    add_entries(count)

    # One query each: the series are listed without their topics or entries.
    with django_assert_num_queries(1):
        listing = client.get("/api/v1/series/")
    with django_assert_num_queries(1):
        detail = client.get("/api/v1/series/blogsync/")

    assert listing.status_code == 200
    assert detail.status_code == 200
