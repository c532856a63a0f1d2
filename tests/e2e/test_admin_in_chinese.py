"""The admin speaks Chinese: each role walks the pages it uses every day in Chromium, and no English is on screen.

What counts is what a person sees: the page's innerText (dialogs and side panels once opened, text for
screen readers only left out), the browser's title, placeholders and button values. Names the test gave
its people (usernames, e-mails), a link card's address, the sites' host names, the columns' slugs in
their editor groups' names, the page types' model names on the page types report and the video's
technical data from ffprobe (codec names) are data, not the admin's words.
"""

import re
from datetime import timedelta
from pprint import pformat

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Revision, Site, Workflow, get_page_models

from columns.models import (
    ArticlePage,
    ColumnPage,
    CommonTypo,
    SensitiveWord,
    SeriesPage,
)
from columns.roles import REVIEW_STEPS, REVIEW_WORKFLOW, assign_roles
from distribution.models import ChannelAccount
from media_center.ingest import ingest_file
from signups.exports import export
from tests.factories import ArticlePageFactory, UserFactory
from tests.jobfairs.factories import JobFairPageFactory
from tests.signups.factories import SignupFactory

PASSWORD = "pass-for-tests"
# Read as they are in a Chinese newsroom: file formats the video pages name, units, the ICP licence, the
# schemes a web address starts with, and words with no Chinese in use (URL, ID, SEO, IP 地址, Cookie).
FORMATS = {"HLS", "MP4", "MOV", "MKV", "WebM", "TS", "FLV", "AVI", "WebVTT", "RSS", "Atom", "CSV", "Excel", "XLSX"}
FORMATS |= {"JPEG", "PNG", "GIF", "WebP"}
ALLOWED = FORMATS | {"KB", "MB", "GB", "ICP", "http", "https", "URL", "ID", "SEO", "IP", "Cookie"}
ALLOWED |= {"Client", "Key", "Secret", "open_id", "Douyin"}  # the Douyin Open Platform's own names for an app's credentials
ALLOWED |= {"AppID", "AppSecret", "access_token", "export"}  # WeChat's own names: the AppID, and a 视频号 feed id's prefix
ALLOWED |= {"BACKUP", "LOCATION"}  # BACKUP_LOCATION: a setting's name, as the operator types it in the environment file
WEIBO_POST = "https://weibo.com/1234567890/Ab3dEf"
ENGLISH = re.compile(r"[A-Za-z][A-Za-z0-9'’]*[A-Za-z0-9]")
VISIBLE_TEXT = """() => {
    const screenReaderOnly = document.createElement("style");
    screenReaderOnly.textContent = ".w-sr-only, .visuallyhidden { display: none !important; }";
    document.head.append(screenReaderOnly);
    try {
        const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
        const fields = [...document.querySelectorAll("input[placeholder], textarea[placeholder]")].filter(shown);
        const buttons = [...document.querySelectorAll("input[type=submit], input[type=button]")].filter(shown);
        return [document.title, document.body.innerText, ...fields.map((el) => el.placeholder), ...buttons.map((el) => el.value)].join("\\n");
    } finally {
        screenReaderOnly.remove();
    }
}"""
PEOPLE = {
    "编辑": ("bianji", "李晓雯", {"column_slugs": ["laodongmei"]}),
    "初审": ("chushen", "王敏", {"roles": ["初审"]}),
    "复审": ("fushen", "赵刚", {"roles": ["复审"]}),
    "终审": ("zhongshen", "孙丽", {"roles": ["终审"]}),
    "视频": ("shipin", "周涛", {"roles": ["视频"]}),
    "管理员": ("guanli", "吴静", {"roles": ["管理员"]}),
}


class Walk:
    """One person going through admin pages; notes, per page, every line that shows English."""

    def __init__(self, page, base_url, data):
        self.page = page
        self.base_url = base_url
        self.data_words = set(ENGLISH.findall(" ".join(data)))
        self.english = {}

    def log_in(self, username):
        self.page.goto(f"{self.base_url}/admin/login/")
        self.read("/admin/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{self.base_url}/admin/")

    def visit(self, *paths):
        for path in paths:
            response = self.page.goto(self.base_url + path)
            assert response.ok, f"{path}: {response.status}"
            self.page.wait_for_load_state("networkidle")
            self.read(path)

    def read(self, where):
        for line in self.page.evaluate(VISIBLE_TEXT).splitlines():
            if any(word not in ALLOWED and word not in self.data_words for word in ENGLISH.findall(line)):
                self.english.setdefault(where, []).append(line.strip())

    def open_dialog(self, path, opener, where):
        """Press what opens a dialog (a workflow action, a chooser, a side panel) and read the page with it open."""
        self.visit(path)
        opener(self.page)
        self.page.wait_for_load_state("networkidle")  # a modal loads its content from the server
        self.page.wait_for_timeout(300)  # dialogs and panels fade in
        self.read(where)


@pytest.fixture
def newsroom(site_after_flush):
    """Everyone in their roles, and an article waiting at each step of 三审."""
    people = {}
    for role, (username, name, roles) in PEOPLE.items():
        people[role] = UserFactory(username=username, password=PASSWORD, first_name=name)
        assign_roles(people[role], **roles)
    people["superuser"] = UserFactory(username="zongbian", password=PASSWORD, first_name="郑红", is_superuser=True)
    series = SeriesPage.objects.get(slug="laomo-fengcai")
    workflow = Workflow.objects.get(name=REVIEW_WORKFLOW)
    for done, step in enumerate(REVIEW_STEPS):
        article = ArticlePageFactory(parent=series, title=f"等待{step}的稿件", live=False)
        Revision.objects.filter(pk=article.latest_revision_id).update(user=people["编辑"])
        workflow.start(article, people["编辑"])
        for earlier in REVIEW_STEPS[:done]:
            state = article.current_workflow_task_state
            state.task.specific.on_action(state, people[earlier], "approve")
    SensitiveWord.objects.create(word="反动标语", note="测试用")
    CommonTypo.objects.create(wrong="既使", correct="即使")
    return people


@pytest.fixture
def walk(new_page, live_server, newsroom):
    data = [person.username for person in newsroom.values()] + [person.email for person in newsroom.values()]
    data += list(ColumnPage.objects.values_list("slug", flat=True)) + list(Site.objects.values_list("hostname", flat=True))
    data += [f"{model._meta.app_label}.{model._meta.model_name}" for model in get_page_models()]

    def start(role, *more_data):
        person = newsroom[role]
        walk = Walk(new_page(), live_server.url, data + list(more_data))
        walk.log_in(person.username)
        return walk

    return start


def everyday_pages():
    column = ColumnPage.objects.get(slug="laodongmei")
    return ["/admin/", "/admin/pages/", f"/admin/pages/{column.pk}/", "/admin/pages/search/?q=劳动", "/admin/account/"]


def article(step):
    return ArticlePage.objects.get(title=f"等待{step}的稿件")


def test_an_editor_meets_only_chinese(walk):
    series = SeriesPage.objects.get(slug="laomo-fengcai")
    link_card = {"url": WEIBO_POST, "title": "市总工会的微博", "summary": "", "image": None}
    draft = ArticlePageFactory(parent=series, title="编辑的草稿", live=False, body=[("link_card", link_card)])
    editor = walk("编辑", WEIBO_POST)
    editor.visit(*everyday_pages(), "/admin/images/", "/admin/documents/", "/admin/videos/")
    editor.visit(f"/admin/pages/add/columns/articlepage/{series.pk}/")
    editor.page.get_by_role("button", name="保存草稿").click()
    editor.page.wait_for_load_state("networkidle")
    editor.read("创建时的校验错误")
    edit = f"/admin/pages/{draft.pk}/edit/"
    editor.visit(edit, f"/admin/pages/{draft.pk}/history/")
    editor.open_dialog(edit, lambda page: page.locator("[data-side-panel-toggle=status]").click(), "状态侧栏")
    editor.open_dialog(edit, lambda page: page.locator("[data-side-panel-toggle=checks]").click(), "检查侧栏")
    editor.open_dialog(edit, lambda page: page.locator("button.c-sf-add-button").first.click(), "插入区块")
    editor.open_dialog(edit, lambda page: page.get_by_role("button", name="选择一个图片").first.click(), "选择图片")
    editor.visit(edit)
    editor.page.wait_for_timeout(3000)  # the unsaved-changes watcher first takes its snapshot of the form (slow under load)
    autosaved = lambda response: response.request.method == "POST" and response.url.endswith(edit)  # noqa: E731
    with editor.page.expect_response(autosaved, timeout=60_000):
        editor.page.locator("#id_summary").press_sequentially("自动保存的摘要")
    editor.page.wait_for_timeout(300)
    editor.read("自动保存")
    editor.page.get_by_role("button", name="更多动作").click()
    editor.read("更多动作")
    editor.page.get_by_role("button", name="提交给三审").click()
    editor.page.wait_for_load_state("networkidle")
    editor.read("提交之后")
    assert not editor.english, pformat(editor.english, width=200)


@pytest.mark.parametrize("step", REVIEW_STEPS)
def test_a_reviewer_meets_only_chinese(walk, step):
    waiting = article(step)
    reviewer = walk(step)
    reviewer.visit(
        *everyday_pages(), "/admin/videos/", "/admin/reports/workflow/", f"/admin/pages/{waiting.pk}/workflow_history/"
    )
    if step == "终审":
        reviewer.visit("/admin/reports/readership/")
    edit = f"/admin/pages/{waiting.pk}/edit/"
    reviewer.visit(edit)
    reviewer.open_dialog(edit, lambda page: page.locator("[data-side-panel-toggle=status]").click(), "状态侧栏")
    for action in ("通过并留言", "退回修改"):

        def open_action(page, action=action):
            row = page.locator("section", has_text="等待我审核").locator("tr", has_text=waiting.title)
            row.get_by_role("button").last.click()
            page.get_by_role("button", name=action, exact=True).click()
            page.locator(".modal-content form").wait_for()

        reviewer.open_dialog("/admin/", open_action, f"对话框：{action}")
    assert not reviewer.english, pformat(reviewer.english, width=200)


def test_video_staff_meet_only_chinese(walk, isolated_video_storage, small_video):
    video = ingest_file(small_video, title="招聘会回放")
    video.refresh_from_db()
    staff = walk("视频", video.container, video.video_codec, video.audio_codec, video.original_filename)
    start = timezone.now() - timedelta(minutes=10)
    fair = JobFairPageFactory(start_at=start, end_at=start + timedelta(hours=2))
    staff.visit(*everyday_pages(), "/admin/images/", "/admin/videos/", "/admin/videos/new/", f"/admin/videos/edit/{video.pk}/")
    staff.visit("/admin/fair-shelf/", f"/admin/fair-shelf/{fair.pk}/", "/admin/distribution/")
    assert not staff.english, pformat(staff.english, width=200)


@pytest.mark.parametrize("role", ["管理员", "superuser"])
def test_administrators_meet_only_chinese(walk, newsroom, role):
    admin = walk(role)
    word, typo = SensitiveWord.objects.get(), CommonTypo.objects.get()
    group = Group.objects.get(name="初审")
    fair = JobFairPageFactory()
    SignupFactory(fair=fair, positions=fair.positions_in_order(), name="王小明", phone="13800001234")
    export(newsroom[role], "xlsx", fair=fair)
    account = ChannelAccount.objects.create(name="淮安市总工会抖音号", client_key="awx1234", client_secret="s")
    ChannelAccount.objects.create(
        channel="wechat", name="淮安市总工会", client_key="wx1234", client_secret="s", config_problem="请完成微信认证"
    )
    admin.visit(
        *everyday_pages(),
        "/admin/snippets/columns/sensitiveword/",
        "/admin/snippets/columns/sensitiveword/add/",
        f"/admin/snippets/columns/sensitiveword/edit/{word.pk}/",
        "/admin/snippets/columns/commontypo/",
        f"/admin/snippets/columns/commontypo/edit/{typo.pk}/",
        "/admin/users/",
        "/admin/users/new/",
        f"/admin/users/edit/{newsroom['编辑'].pk}/",
        "/admin/groups/",
        f"/admin/groups/edit/{group.pk}/",
        "/admin/settings/columns/sitesettings/",
        "/admin/backups/",
        "/admin/workflows/list/",
        f"/admin/workflows/edit/{Workflow.objects.get(name=REVIEW_WORKFLOW).pk}/",
        "/admin/workflows/tasks/index/",
        "/admin/reports/workflow/",
        "/admin/reports/workflow_tasks/",
        "/admin/reports/site-history/",
        "/admin/reports/readership/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/videos/",
        "/admin/signups/",
        f"/admin/signups/fairs/{fair.pk}/",
        "/admin/signups/exports/",
        "/admin/fair-shelf/",
        "/admin/distribution/",
        "/admin/distribution/accounts/",
        "/admin/distribution/accounts/new/",
        f"/admin/distribution/accounts/edit/{account.pk}/",
        "/admin/distribution/rules/",
        "/admin/distribution/rules/new/",
        "/admin/distribution/report/",
        "/admin/distribution/report/?bucket=week",
        f"/admin/distribution/send-page/{fair.pk}/",
    )
    if role == "superuser":
        admin.visit(
            "/admin/sites/",
            "/admin/redirects/",
            "/admin/collections/",
            "/admin/reports/locked/",
            "/admin/reports/aging-pages/",
            "/admin/reports/page-types-usage/",
        )
    assert not admin.english, pformat(admin.english, width=200)
