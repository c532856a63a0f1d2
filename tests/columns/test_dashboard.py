from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.admin_driver import PageEditor
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def dashboard(client):
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_my_drafts_lists_my_unsubmitted_articles_only(make_staff, series):
    editor = PageEditor(Client(), make_staff("bianji", columns=["laodongmei"]))
    editor.add_article(series, action="draft", title="还没提交的草稿")
    editor.add_article(series, action="submit", title="已经提交的稿件")
    ArticlePageFactory(parent=series, live=False, title="别人的草稿")

    html = dashboard(editor.client)

    drafts = html[html.index("我的草稿") :]
    drafts = drafts[: drafts.index("</section>")]
    assert "还没提交的草稿" in drafts
    assert "已经提交的稿件" not in drafts and "别人的草稿" not in drafts


def test_review_queue_shows_each_step_to_its_reviewers(make_staff, series):
    editor = PageEditor(Client(), make_staff("bianji", columns=["laodongmei"]))
    editor.add_article(series, action="submit", title="等待初审的稿件")
    first = Client()
    first.force_login(make_staff("chushen", roles=["初审"]))
    second = Client()
    second.force_login(make_staff("fushen", roles=["复审"]))

    first_html, second_html = dashboard(first), dashboard(second)

    assert "初审（1）" in first_html and "等待初审的稿件" in first_html
    assert "复审（0）" in second_html and "等待初审的稿件" not in second_html


def test_scheduled_panel_lists_what_goes_live_in_the_next_seven_days(superuser, series, client):
    soon = timezone.now() + timedelta(days=2)
    later = timezone.now() + timedelta(days=10)
    for title, when in (("后天上线的稿件", soon), ("十天后上线的稿件", later)):
        article = ArticlePageFactory(parent=series, live=False, title=title, go_live_at=when)
        article.save_revision(approved_go_live_at=when)
    client.force_login(superuser)

    html = dashboard(client)

    assert "后天上线的稿件" in html
    assert "十天后上线的稿件" not in html
