import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from columns.blocks import LinkCardBlock
from columns.models import ArticlePage
from tests.factories import ArticlePageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # rendering and signing: the database engine changes nothing here

WEIBO = "https://weibo.com/1234567890/Ab3dEf"


def card(url=WEIBO, **fields):
    return {"url": url, "title": "市总工会发布春风行动安排", "summary": "", "image": None, **fields}


def test_a_link_card_links_out_without_passing_on_the_reader(series, client, cover_image):
    article = ArticlePageFactory(parent=series, body=[("link_card", card(summary="来自微博的消息", image=cover_image))])
    html = client.get(article.url).content.decode()
    assert f'<a class="block-link-card" href="{WEIBO}" target="_blank" rel="noopener nofollow">' in html
    assert "市总工会发布春风行动安排" in html and "来自微博的消息" in html and "<img" in html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.cn/a.pdf", "weixin://dl/chat"])
def test_a_link_card_refuses_addresses_other_than_the_web(url):
    block = LinkCardBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python(card(url)))


def test_a_link_card_stored_with_a_script_address_is_not_shown(series, client):
    article = ArticlePageFactory(parent=series, body=[("link_card", card("javascript:alert(1)"))])
    html = client.get(article.url).content.decode()
    assert "javascript:" not in html and "市总工会发布春风行动安排" not in html


def test_embeds_stored_before_become_link_cards_in_the_page_and_its_revisions(series, client, columns_migration):
    article = ArticlePageFactory(parent=series)
    body = [
        {"type": "paragraph", "value": "<p>正文。</p>", "id": "p1"},
        {"type": "embed", "value": WEIBO, "id": "e1"},
        {"type": "embed", "value": "javascript:alert(1)", "id": "e2"},
    ]
    ArticlePage.objects.filter(pk=article.pk).update(body=body)
    revision = article.latest_revision
    revision.content["body"] = json.dumps(body)
    revision.save(update_fields=["content"])

    columns_migration("_link_card_block").Migration.operations[-1].code(apps, None)

    converted = [
        {"type": "paragraph", "value": "<p>正文。</p>", "id": "p1"},
        {"type": "link_card", "value": {"url": WEIBO, "title": "weibo.com", "summary": "", "image": None}, "id": "e1"},
    ]
    article.refresh_from_db()
    assert list(article.body.raw_data) == converted
    revision.refresh_from_db()
    assert json.loads(revision.content["body"]) == converted
    html = client.get(article.url).content.decode()
    assert f'href="{WEIBO}"' in html and "javascript:" not in html
