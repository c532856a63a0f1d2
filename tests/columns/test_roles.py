import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import Workflow, WorkflowPage

from columns.models import ColumnPage
from columns.roles import ensure_editorial_setup
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_six_roles_exist_after_migrating():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"编辑", "初审", "复审", "终审", "视频", "管理员"} <= names


def test_each_column_has_its_own_editor_group():
    assert Group.objects.filter(name__startswith="编辑@").count() == 10


def test_review_workflow_has_three_steps_in_order_and_covers_the_home_page(home):
    workflow = Workflow.objects.get(name="三审")
    assert [task.name for task in workflow.tasks.order_by("workflow_tasks__sort_order")] == ["初审", "复审", "终审"]
    assert WorkflowPage.objects.get(page=home).workflow == workflow
    assert home.get_workflow() == workflow


def test_setup_runs_again_without_duplicating_anything():
    ensure_editorial_setup()
    assert Workflow.objects.filter(name="三审").count() == 1
    assert Workflow.objects.get(name="三审").tasks.count() == 3


def test_assign_columns_makes_an_editor_of_the_given_columns(capsys):
    UserFactory(username="zhangsan")
    call_command("assign_columns", "zhangsan", "--column", "laodongmei", "--column", "gonghuodong")
    out = capsys.readouterr().out
    assert "角色 编辑" in out and "劳动美" in out and "工活动" in out


def test_assign_columns_with_replace_drops_the_old_columns(capsys):
    UserFactory(username="zhangsan")
    call_command("assign_columns", "zhangsan", "--column", "laodongmei")
    call_command("assign_columns", "zhangsan", "--column", "weiquan-fuwu", "--replace")
    out = capsys.readouterr().out.splitlines()[-1]
    assert "维权服务" in out and "劳动美" not in out


def test_assign_columns_names_an_unknown_column_and_changes_nothing():
    user = UserFactory(username="zhangsan")
    with pytest.raises(CommandError, match="没有这些版块：no-such-column"):
        call_command("assign_columns", "zhangsan", "--column", "laodongmei", "--column", "no-such-column")
    assert not user.groups.exists()


def test_assign_columns_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="用户 nobody 不存在"):
        call_command("assign_columns", "nobody", "--role", "初审")


def test_column_editor_can_add_articles_only_under_their_column(make_staff):
    editor = make_staff("bianji", columns=["laodongmei"])
    laodongmei, weiquan = ColumnPage.objects.get(slug="laodongmei"), ColumnPage.objects.get(slug="weiquan-fuwu")
    series_here = laodongmei.get_children().first()
    series_there = weiquan.get_children().first()
    assert series_here.permissions_for_user(editor).can_add_subpage()
    assert not series_there.permissions_for_user(editor).can_add_subpage()
    assert not series_here.permissions_for_user(editor).can_publish()
