"""What counts as a change of an article in review: its content, not Wagtail's bookkeeping."""

import pytest
from django.utils import timezone

from columns.review import NOT_CONTENT, same_content
from tests.factories import ArticlePageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(series):
    article = ArticlePageFactory(parent=series, live=False, seo_title="劳模风采", search_description="一线职工")
    article.tags.add("劳动")
    article.save_revision()
    return article


def revision_with(article, **fields):
    page = article.get_latest_revision_as_object()
    for name, value in fields.items():
        setattr(page, name, value)
    return page.save_revision(user=UserFactory())


def test_a_save_that_changes_nothing_is_the_same_content(article):
    assert same_content(article.get_latest_revision(), revision_with(article))


def test_bookkeeping_and_block_ids_are_not_content(article):
    before = article.get_latest_revision()
    page = article.get_latest_revision_as_object()
    page.locked, page.locked_by, page.owner = True, UserFactory(), UserFactory()
    page.live, page.has_unpublished_changes, page.last_published_at = True, False, timezone.now()
    page.body = [("paragraph", block.value) for block in page.body]  # the same paragraphs under new block ids
    after = page.save_revision()

    assert same_content(before, after)
    assert {"latest_revision", "latest_revision_created_at", "live", "locked_by", "owner"} <= NOT_CONTENT


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "改过的标题"},
        {"summary": "改过的摘要"},
        {"seo_title": "改过的SEO标题"},
        {"search_description": "改过的搜索描述"},
        {"slug": "gaiguo-de-lianjie"},
        {"body": [("paragraph", "<p>改过的正文。</p>")]},
    ],
    ids=lambda fields: next(iter(fields)),
)
def test_a_change_of_a_field_is_a_change(article, fields):
    assert not same_content(article.get_latest_revision(), revision_with(article, **fields))


def test_a_new_cover_is_a_change(article, cover_image):
    assert not same_content(article.get_latest_revision(), revision_with(article, cover_image=cover_image))


def test_a_change_of_tags_is_a_change(article):
    before = article.get_latest_revision()
    page = article.get_latest_revision_as_object()
    page.tags.add("工会")

    assert not same_content(before, page.save_revision())


def test_a_new_go_live_time_is_a_change(article):
    assert not same_content(article.get_latest_revision(), revision_with(article, go_live_at=timezone.now()))
