"""The data downloads serve one HTTP byte range (206 with Content-Range; 416 past the end), on
the web view the API catalogue lists as `downloads[].url` and on the API's own download, so an
interrupted download of a large file resumes (curl -C -, wget -c) instead of starting again.
The access rules are the same with a Range header as without."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

WEB = "/tasks/tiny/data/a/{split}/"
API = "/api/v1/tasks/tiny/data/a/{split}/"


def fetch(user, url=WEB, split="dev", *, token=False, **headers):
    client = Client()
    if user is not None and token:
        headers["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
    elif user is not None:
        client.force_login(user)
    return client.get(url.format(split=split), **headers)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def whole(cast) -> bytes:
    response = fetch(cast.participant)
    assert response.status_code == 200
    data = body(response)
    assert int(response["Content-Length"]) == len(data) > 100
    assert response["Accept-Ranges"] == "bytes" and response["ETag"].startswith('"')
    return data


@pytest.mark.parametrize("url", [WEB, API])
def test_a_resume_from_any_byte_gives_the_rest_of_the_file(cast, whole, url):
    etag = fetch(cast.participant, url)["ETag"]
    size = len(whole)
    for start in (1, 17, size // 2, size - 1):
        response = fetch(cast.participant, url, HTTP_RANGE=f"bytes={start}-", HTTP_IF_RANGE=etag)
        assert response.status_code == 206
        assert response["Content-Range"] == f"bytes {start}-{size - 1}/{size}"
        assert response["Content-Length"] == str(size - start)
        assert whole[:start] + body(response) == whole


@pytest.mark.parametrize("url", [WEB, API])
@pytest.mark.parametrize(
    "header, first, last",
    [
        ("bytes=0-0", 0, 0),
        ("bytes=10-49", 10, 49),
        ("bytes=-25", -25, -1),  # the last 25 bytes
        ("bytes=30-99999999", 30, -1),  # an end past the file is the file's end
        (" bytes=5-9 ", 5, 9),
    ],
)
def test_one_range_is_served_with_206(cast, whole, url, header, first, last):
    size = len(whole)
    start, end = first % size, last % size
    response = fetch(cast.participant, url, HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{size}"
    assert response["Content-Length"] == str(end - start + 1)
    assert body(response) == whole[start : end + 1]


@pytest.mark.parametrize("url", [WEB, API])
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_RANGE": "bytes=0-4,10-14"},  # several ranges: the whole file (RFC 9110 allows)
        {"HTTP_RANGE": "lines=1-2"},
        {"HTTP_RANGE": "bytes=9-3"},
        {"HTTP_RANGE": "bytes=-"},
        {"HTTP_RANGE": "bytes=5-", "HTTP_IF_RANGE": '"another-version"'},
    ],
)
def test_what_is_no_single_valid_range_gets_the_whole_file(cast, whole, url, headers):
    response = fetch(cast.participant, url, **headers)
    assert response.status_code == 200 and "Content-Range" not in response
    assert body(response) == whole


@pytest.mark.parametrize("url", [WEB, API])
def test_a_range_past_the_end_is_refused_with_416_and_the_size(cast, whole, url):
    size = len(whole)
    for header in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}", "bytes=-0"):
        response = fetch(cast.participant, url, token=True, HTTP_RANGE=header)
        assert response.status_code == 416, header
        assert response["Content-Range"] == f"bytes */{size}"
        assert response.json()["code"] == "range_not_satisfiable"
        assert str(size) in response.json()["detail"]
    browser = fetch(cast.participant, WEB, HTTP_RANGE=f"bytes={size}-")
    assert browser.status_code == 416
    message = f"The file has {size} bytes; nothing is left from byte {size}."
    assert browser.content.decode() == message


def test_the_web_view_and_the_api_serve_the_same_bytes_and_etag(cast, whole):
    api = fetch(cast.participant, API)
    assert body(api) == whole
    assert api["ETag"] == fetch(cast.participant)["ETag"]
    ranged = [fetch(cast.participant, url, HTTP_RANGE="bytes=7-70") for url in (WEB, API)]
    assert body(ranged[0]) == body(ranged[1]) == whole[7:71]


def test_a_file_replaced_under_the_same_name_changes_the_etag(cast, whole):
    """A resume with the old ETag then gets the whole new file, not a splice of two versions."""
    from podium.sharedtasks.models import Dataset

    old = fetch(cast.participant)["ETag"]
    dataset = Dataset.objects.get(subtask__task=cast.task, split="dev")
    storage, name = dataset.inputs.storage, dataset.inputs.name
    with storage.open(name, "rb") as handle:
        rows = handle.read().splitlines(keepends=True)
    with storage.open(name, "wb") as handle:
        handle.writelines(rows[:3])
    response = fetch(cast.participant, HTTP_RANGE="bytes=20-", HTTP_IF_RANGE=old)
    assert response.status_code == 200 and response["ETag"] != old
    new = body(response)
    assert len(new) == int(response["Content-Length"]) and new.count(b"\n") == 3


@pytest.mark.parametrize("url", [WEB, API])
def test_a_range_changes_nothing_about_who_may_download(cast, url):
    ranged = {"HTTP_RANGE": "bytes=0-9"}
    assert fetch(cast.stranger, url, token=True, **ranged).status_code == 403
    assert fetch(cast.participant, url, "test", token=True, **ranged).status_code == 403
    cast.task.visibility = "draft"
    cast.task.save()
    assert fetch(cast.participant, url, token=True, **ranged).status_code == 404
    assert fetch(cast.organiser, url, token=True, **ranged).status_code == 206


def test_anonymous_browsers_with_a_range_are_still_sent_to_log_in(cast):
    response = fetch(None, HTTP_RANGE="bytes=0-9")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
