import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from columns.content_checks import WordScanner, page_texts
from columns.models import ArticlePage, CommonTypo, SensitiveWord
from tests.admin_driver import PageEditor

pytestmark = pytest.mark.django_db


def test_scanner_finds_every_occurrence_with_its_place():
    scanner = WordScanner([("赌博", ""), ("网络赌博", "")])
    hits = scanner.scan([("标题", "严防网络赌博"), ("摘要", "赌博害人，远离赌博")])
    assert sorted((hit.where, hit.offset, hit.word) for hit in hits) == [
        ("摘要", 0, "赌博"),
        ("摘要", 7, "赌博"),
        ("标题", 2, "网络赌博"),
        ("标题", 4, "赌博"),
    ]


def test_empty_word_list_finds_nothing_and_blank_entries_are_ignored():
    assert WordScanner([]).scan([("标题", "任何文字")]) == []
    assert WordScanner([("  ", "")]).scan([("标题", "任何文字")]) == []


def test_a_pages_checked_texts_label_each_body_block_by_position(series):
    from tests.factories import ArticlePageFactory

    article = ArticlePageFactory(
        parent=series,
        body=[("paragraph", "<p>第一段</p>"), ("quote", {"text": "引用的话", "attribution": "某人"})],
    )
    labels = [where for where, _ in page_texts(article)]
    assert labels[:2] == ["标题", "摘要"]
    assert labels[2].startswith("正文第1块") and labels[3].startswith("正文第2块")


def test_a_page_type_without_checked_fields_has_nothing_to_check(home):
    assert page_texts(home) == []


def test_scanner_sees_a_newly_added_word_without_a_restart(make_staff, series):
    from columns.content_checks import find_sensitive_words

    texts = [("标题", "这里有个新敏感词")]
    assert find_sensitive_words(texts) == []
    SensitiveWord.objects.create(word="新敏感词")
    assert [hit.word for hit in find_sensitive_words(texts)] == ["新敏感词"]


@pytest.fixture
def editor(make_staff):
    return PageEditor(Client(), make_staff("bianji", columns=["laodongmei"]))


def test_sensitive_word_blocks_submission_naming_the_word_and_where(editor, series):
    SensitiveWord.objects.create(word="赌博")

    response = editor.add_article(series, action="submit", title="职工文体活动", paragraphs=["第一段。", "远离赌博。"])

    html = response.content.decode()
    assert response.status_code == 200
    assert "敏感词「赌博」" in html and "正文第2块" in html
    assert not ArticlePage.objects.filter(title="职工文体活动").exists()


def test_sensitive_word_in_title_is_reported_in_the_title(editor, series):
    SensitiveWord.objects.create(word="赌博")
    html = editor.add_article(series, action="submit", title="赌博的危害").content.decode()
    assert "敏感词「赌博」（标题）" in html


def test_draft_with_a_sensitive_word_still_saves_so_nothing_is_lost(editor, series):
    SensitiveWord.objects.create(word="赌博")

    editor.add_article(series, action="draft", title="远离赌博的草稿")

    article = ArticlePage.objects.get(title="远离赌博的草稿")
    assert not article.live and article.current_workflow_state is None


def test_submission_goes_through_once_the_word_is_removed(editor, series):
    SensitiveWord.objects.create(word="赌博")
    editor.add_article(series, action="draft", title="远离赌博的草稿")
    article = ArticlePage.objects.get(title="远离赌博的草稿")

    editor.edit(article, action="submit", title="远离不良嗜好")

    article.refresh_from_db()
    assert article.current_workflow_task.name == "初审"


def test_typo_is_a_warning_that_does_not_block_submission(editor, series):
    CommonTypo.objects.create(wrong="再接再励", correct="再接再厉")

    response = editor.add_article(series, action="submit", title="再接再励创佳绩")

    warnings = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("「再接再励」应为「再接再厉」（标题）" in warning for warning in warnings)
    assert ArticlePage.objects.get(title="再接再励创佳绩").current_workflow_task.name == "初审"


def test_a_word_added_while_the_article_waits_stops_its_approval(make_staff, editor, series):
    editor.add_article(series, action="submit", title="文体活动报名开始")
    article = ArticlePage.objects.get(title="文体活动报名开始")
    SensitiveWord.objects.create(word="报名")
    reviewer = PageEditor(Client(), make_staff("chushen", roles=["初审"]))

    refused = reviewer.approve(article)
    warning = reviewer.client.get(f"/admin/pages/{article.pk}/edit/")

    article.refresh_from_db()
    assert article.current_workflow_task.name == "初审"
    assert refused.status_code in (302, 403)
    assert "敏感词「报名」（标题）" in warning.content.decode()


def test_word_lists_are_editable_in_the_admin_by_administrators(client, make_staff):
    client.force_login(make_staff("guanli", roles=["管理员"]))
    response = client.post("/admin/snippets/columns/sensitiveword/add/", {"word": "违禁词", "note": "测试"})
    assert response.status_code == 302
    assert SensitiveWord.objects.filter(word="违禁词").exists()


def test_editors_cannot_change_the_word_lists(client, make_staff):
    client.force_login(make_staff("bianji2", columns=["laodongmei"]))
    client.post("/admin/snippets/columns/sensitiveword/add/", {"word": "编辑加的词"})
    assert not SensitiveWord.objects.filter(word="编辑加的词").exists()


def test_article_without_a_slug_gets_a_dated_one(editor, series):
    editor.add_article(series, action="draft", title="没有填写网址的文章", slug="")
    slug = ArticlePage.objects.get(title="没有填写网址的文章").slug
    assert re.fullmatch(r"\d{8}-[a-z0-9]{4}", slug)
