import pytest
from django.core.exceptions import ValidationError

from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def test_repost_without_original_author_is_invalid(series):
    with pytest.raises(ValidationError) as error:
        ArticlePageFactory(parent=series, live=False, source="工人日报", original_title="原题")
    assert "original_author" in error.value.message_dict


def test_repost_must_name_a_source_other_than_ourselves(series):
    with pytest.raises(ValidationError) as error:
        ArticlePageFactory(parent=series, live=False, original_title="原题", original_author="张三")
    assert "source" in error.value.message_dict


def test_repost_page_shows_source_original_title_and_author(series, client):
    article = ArticlePageFactory(parent=series, source="工人日报", original_title="一线工人的一天", original_author="张三")
    html = client.get(article.url).content.decode()
    assert "转载自工人日报，原标题《一线工人的一天》，原作者：张三" in html


def test_original_article_shows_no_repost_line(series, client):
    article = ArticlePageFactory(parent=series)
    assert "转载自" not in client.get(article.url).content.decode()
