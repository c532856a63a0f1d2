"""Requests carrying NUL are refused with 400 before any view or database sees them."""

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/tags/%00/", "/search/?q=%00", "/search/?q=a%00b", "/laodongmei/?page=%00", "/%00"])
def test_nul_in_the_path_or_query_is_a_bad_request(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_nul_in_a_json_body_is_a_bad_request(client, superuser):
    client.force_login(superuser)
    body = json.dumps({"filename": "a\x00.mp4", "size": 100, "title": "标题"})
    response = client.post("/admin/video-uploads/start/", body, content_type="application/json")
    assert response.status_code == 400
    assert "NUL" in response.json()["error"]


def test_an_escaped_backslash_u0000_text_is_not_a_nul(client):
    body = json.dumps({"text": "\\u0000"})
    assert client.post("/stats/page/1/", body, content_type="application/json").status_code != 400
