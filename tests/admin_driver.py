"""Drive Wagtail's page editor as a person would: load the form, change fields, press a button."""

import itertools

from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

SLUG_NUMBERS = itertools.count(1)

ACTIONS = {
    "draft": {},
    "submit": {"action-submit": "1"},
    "publish": {"action-publish": "1"},
    # 通过 in the edit page's save menu: the form is saved along with the approval.
    "approve": {"action-workflow-action": "1", "workflow-action-name": "approve"},
}


class PageEditor:
    def __init__(self, client, user):
        self.client = client
        self.user = user
        client.force_login(user)

    def _post_form(self, url, action, paragraphs, fields):
        page_form = self.client.get(url)
        assert page_form.status_code == 200, f"{self.user} cannot open {url}: {page_form.status_code}"
        data = querydict_from_html(page_form.content.decode(), form_id="page-edit-form")
        if paragraphs is not None:
            body = nested_form_data({"body": streamfield([("paragraph", rich_text(f"<p>{p}</p>")) for p in paragraphs])})
            for key, value in body.items():
                data[key] = value
        for key, value in {**fields, **ACTIONS[action]}.items():
            data[key] = value
        return self.client.post(url, data)

    def add_article(self, series, action="submit", paragraphs=("职工的故事。",), **fields):
        defaults = {
            "title": "劳模风采测试稿",
            "slug": f"gaojian-{next(SLUG_NUMBERS)}",
            "author": "李晓雯",
            "editor_in_charge": "王敏",
            "source": "本站原创",
        }
        url = reverse("wagtailadmin_pages:add", args=("columns", "articlepage", series.pk))
        return self._post_form(url, action, paragraphs, {**defaults, **fields})

    def edit(self, page, action="draft", paragraphs=None, **fields):
        if paragraphs is None:
            # The editor renders StreamField blocks with JavaScript, so the HTML form has none: carry them over.
            body = page.get_latest_revision_as_object().body
            paragraphs = [block.value.source.removeprefix("<p>").removesuffix("</p>") for block in body]
        return self._post_form(reverse("wagtailadmin_pages:edit", args=(page.pk,)), action, paragraphs, fields)

    def workflow_action(self, page, action_name, comment=""):
        page.refresh_from_db()
        task_state = page.current_workflow_task_state
        url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, action_name, task_state.pk))
        # The admin posts workflow actions from a modal with XMLHttpRequest and reads JSON back.
        return self.client.post(url, {"comment": comment}, headers={"x-requested-with": "XMLHttpRequest"})

    def approve(self, page, comment=""):
        return self.workflow_action(page, "approve", comment)

    def reject(self, page, comment=""):
        return self.workflow_action(page, "reject", comment)
