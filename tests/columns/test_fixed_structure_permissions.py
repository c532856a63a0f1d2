"""Editors, even with every page permission on the site, cannot add, delete, move, copy, unpublish,
edit or re-slug a column or series through the admin. They can still write articles under a series."""

import pytest
from django.urls import reverse

from columns.models import ArticlePage, ColumnPage, HomePage, SeriesPage
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def assert_refused(response):
    """Wagtail turns a PermissionDenied in the admin into a redirect to the dashboard with an error message."""
    assert (response.status_code, response.get("Location")) == (302, reverse("wagtailadmin_home"))


@pytest.fixture
def editor_client(client, broad_editor):
    client.force_login(broad_editor)
    return client


@pytest.fixture
def column():
    return ColumnPage.objects.get(slug="laodongmei")


def test_editor_cannot_open_the_add_form_for_an_eleventh_column(editor_client, home):
    url = reverse("wagtailadmin_pages:add", args=("columns", "columnpage", home.pk))
    assert_refused(editor_client.get(url))


def test_editor_cannot_post_a_new_column(editor_client, home):
    url = reverse("wagtailadmin_pages:add", args=("columns", "columnpage", home.pk))
    response = editor_client.post(url, {"title": "第十一个版块", "slug": "extra", "action-publish": "1"})
    assert_refused(response)
    assert ColumnPage.objects.count() == 10


def test_editor_cannot_add_a_series_to_a_column(editor_client, column):
    url = reverse("wagtailadmin_pages:add", args=("columns", "seriespage", column.pk))
    assert_refused(editor_client.get(url))


def test_editor_cannot_delete_a_column(editor_client, column):
    response = editor_client.post(reverse("wagtailadmin_pages:delete", args=(column.pk,)))
    assert_refused(response)
    assert ColumnPage.objects.filter(pk=column.pk, live=True).exists()
    assert SeriesPage.objects.child_of(column).count() == 3


def test_editor_cannot_delete_a_series(editor_client):
    series = SeriesPage.objects.get(slug="zuimei-zhigong")
    response = editor_client.post(reverse("wagtailadmin_pages:delete", args=(series.pk,)))
    assert_refused(response)
    assert SeriesPage.objects.filter(pk=series.pk).exists()


def test_editor_cannot_move_a_series_to_another_column(editor_client):
    series = SeriesPage.objects.get(slug="zuimei-zhigong")
    other_column = ColumnPage.objects.get(slug="gonghuodong")
    response = editor_client.post(reverse("wagtailadmin_pages:move_confirm", args=(series.pk, other_column.pk)))
    assert_refused(response)
    assert SeriesPage.objects.get(pk=series.pk).get_parent().slug == "laodongmei"


def test_editor_cannot_reorder_columns(editor_client, home, column):
    url = reverse("wagtailadmin_pages:set_page_position", args=(column.pk,)) + "?position=5"
    response = editor_client.post(url)
    assert_refused(response)
    assert ColumnPage.objects.child_of(home).first().pk == column.pk


def test_editor_cannot_copy_a_column(editor_client, home, column):
    response = editor_client.post(
        reverse("wagtailadmin_pages:copy", args=(column.pk,)),
        {"new_title": "副本", "new_slug": "copy", "new_parent_page": home.pk, "copy_subpages": "on"},
    )
    assert_refused(response)
    assert ColumnPage.objects.count() == 10


def test_editor_cannot_unpublish_a_column(editor_client, column):
    response = editor_client.post(reverse("wagtailadmin_pages:unpublish", args=(column.pk,)))
    assert_refused(response)
    assert ColumnPage.objects.get(pk=column.pk).live


def test_editor_cannot_edit_a_columns_title(editor_client, column):
    url = reverse("wagtailadmin_pages:edit", args=(column.pk,))
    response = editor_client.post(url, {"title": "改名", "slug": column.slug, "intro": "", "action-publish": "1"})
    assert_refused(response)
    assert ColumnPage.objects.get(pk=column.pk).title == "劳动美"


def test_editor_can_open_the_article_form_under_a_series(editor_client, series):
    url = reverse("wagtailadmin_pages:add", args=("columns", "articlepage", series.pk))
    assert editor_client.get(url).status_code == 200


def test_articles_live_only_under_a_series(home, column, series):
    assert ArticlePage.can_create_at(series)
    assert not ArticlePage.can_create_at(column)
    assert not ArticlePage.can_create_at(home)
    assert not ColumnPage.can_create_at(home), "ten columns exist, an eleventh must not be creatable"
    assert not SeriesPage.can_create_at(column), "twenty-six series exist"
    assert not HomePage.can_create_at(home.get_parent())


def test_nothing_can_be_created_below_an_article(series):
    article = ArticlePageFactory(parent=series)
    assert article.specific_class.creatable_subpage_models() == []


def test_superuser_can_edit_a_columns_intro(client, superuser, column):
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:edit", args=(column.pk,))
    response = client.post(url, {"title": "劳动美", "slug": column.slug, "intro": "新的简介", "action-publish": "1"})
    assert response.status_code == 302
    assert ColumnPage.objects.get(pk=column.pk).intro == "新的简介"


def test_even_a_superuser_cannot_change_a_columns_slug(client, superuser, column):
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:edit", args=(column.pk,))
    client.post(url, {"title": "劳动美", "slug": "renamed", "intro": "", "action-publish": "1"})
    assert ColumnPage.objects.get(pk=column.pk).slug == "laodongmei"


def test_even_a_superuser_cannot_delete_a_column(client, superuser, column):
    client.force_login(superuser)
    response = client.post(reverse("wagtailadmin_pages:delete", args=(column.pk,)))
    assert_refused(response)
    assert ColumnPage.objects.filter(pk=column.pk).exists()
