"""Pages a reader meets when something is missing or broken: in the site's style, never Django's."""

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # rendering and signing: the database engine changes nothing here


def test_a_missing_page_is_answered_in_the_sites_style(client):
    response = client.get("/laodongmei/no-such-article/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="site-header"' in html and 'class="site-search"' in html
    assert '<a href="/">返回首页</a>' in html
    assert '<nav class="column-nav" aria-label="版块">' in html


def test_a_server_error_is_answered_in_the_sites_style_without_the_database(monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("数据库连接不上")

    cache.clear()  # no page rendered by an earlier test may answer instead
    monkeypatch.setattr(connection, "cursor", unreachable)
    monkeypatch.setattr(connection, "chunked_cursor", unreachable)
    response = Client(raise_request_exception=False).get("/")
    html = response.content.decode()
    assert response.status_code == 500
    assert '<a class="site-name" href="/">工会融媒体中心</a>' in html
    assert 'action="/search/"' in html and '<a href="/">返回首页</a>' in html
    assert "/static/css/site.css" in html


def test_favicon_ico_sends_browsers_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (302, "/static/favicon.svg")


def test_every_page_names_its_icon(client):
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in client.get("/").content.decode()
