"""The interactive API docs are served by the server itself (no CDN) and linked from the site."""

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_docs_page_loads_swagger_ui_from_this_server(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "/api/schema/" in page
    for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs"):
        assert cdn not in page
    # The files come with the package, found as any app's static files (runserver, whitenoise).
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def test_every_page_links_to_the_api_docs(client):
    page = client.get("/tasks/").content.decode()
    assert 'href="/api/docs/"' in page


def test_unknown_api_urls_answer_json_not_the_html_page(client):
    response = client.post("/api/v1/submissions/-1/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    hint = client.get("/api/v1/tasks")
    assert hint.status_code == 404 and "Did you mean /api/v1/tasks/ ?" in hint.json()["detail"]
    assert "Did you mean" not in client.get("/api/v1/nothing").json()["detail"]


def test_an_invalid_token_is_a_documented_401_even_where_anonymous_may_read(client):
    response = client.get("/api/v1/tasks/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"
    document = client.get("/api/schema/?format=json").json()
    assert "401" in document["paths"]["/api/v1/tasks/"]["get"]["responses"]
    assert "401" not in document["paths"]["/api/v1/auth/token/"]["post"]["responses"]
