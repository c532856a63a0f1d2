from dataclasses import replace

import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from columns.models import TAXONOMY, ColumnPage, HomePage, SeriesPage
from columns.sync import sync_taxonomy
from tests.columns.test_taxonomy_file import EXPECTED

pytestmark = pytest.mark.django_db


def edit_and_publish(page, **fields):
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()


def with_column(taxonomy, slug, **fields):
    columns = tuple(replace(column, **fields) if column.slug == slug else column for column in taxonomy.columns)
    return replace(taxonomy, columns=columns)


def test_tree_has_ten_live_columns_in_order_under_the_site_root(home):
    columns = ColumnPage.objects.child_of(home).live()
    assert [column.slug for column in columns] == list(EXPECTED)
    assert home.get_site().is_default_site


def test_every_series_is_live_under_its_column_in_order(home):
    assert SeriesPage.objects.live().count() == 26
    for column in ColumnPage.objects.child_of(home):
        assert [s.slug for s in SeriesPage.objects.child_of(column).live()] == EXPECTED[column.slug]


def test_second_run_changes_nothing_and_says_so(capsys):
    assert sync_taxonomy() == []
    call_command("sync_taxonomy")
    assert "没有改动" in capsys.readouterr().out


def test_administrators_title_and_intro_edits_survive_a_rerun():
    column = ColumnPage.objects.get(slug="laodongmei")
    edit_and_publish(column, title="劳动最美", intro="管理员改写的简介")

    assert sync_taxonomy() == []

    column.refresh_from_db()
    assert (column.title, column.intro) == ("劳动最美", "管理员改写的简介")


def test_new_title_in_the_file_reaches_an_unedited_page():
    changes = sync_taxonomy(with_column(TAXONOMY, "gonghuodong", title="工会活动"))

    assert ColumnPage.objects.get(slug="gonghuodong").title == "工会活动"
    assert any("工会活动" in change for change in changes)


def test_new_title_in_the_file_does_not_clobber_an_administrators_edit():
    column = ColumnPage.objects.get(slug="gonghuodong")
    edit_and_publish(column, title="管理员的标题")

    sync_taxonomy(with_column(TAXONOMY, "gonghuodong", title="文件里的新标题"))

    column.refresh_from_db()
    assert column.title == "管理员的标题"


def test_unpublished_draft_edit_is_left_for_the_administrator_to_publish():
    column = ColumnPage.objects.get(slug="gonghuodong")
    column.title = "草稿标题"
    column.save_revision()

    sync_taxonomy(with_column(TAXONOMY, "gonghuodong", title="文件里的新标题"))

    column = ColumnPage.objects.get(slug="gonghuodong")
    assert column.get_latest_revision_as_object().title == "草稿标题"


def test_deleted_series_is_recreated_in_its_place():
    SeriesPage.objects.get(slug="gongjiang-gushi").delete()

    changes = sync_taxonomy()

    assert any("gongjiang-gushi" in change for change in changes)
    column = ColumnPage.objects.get(slug="laodongmei")
    assert [s.slug for s in SeriesPage.objects.child_of(column).live()] == EXPECTED["laodongmei"]


def test_unpublished_column_goes_live_again():
    ColumnPage.objects.get(slug="weiquan-fuwu").unpublish()

    sync_taxonomy()

    assert ColumnPage.objects.get(slug="weiquan-fuwu").live


def test_series_under_the_wrong_column_is_moved_back():
    SeriesPage.objects.get(slug="yipingshui").move(ColumnPage.objects.get(slug="laodongmei"), pos="last-child")

    sync_taxonomy()

    assert SeriesPage.objects.get(slug="yipingshui").get_parent().slug == "nuanxin-guanai"


def test_columns_out_of_order_are_put_back_in_the_files_order(home):
    ColumnPage.objects.get(slug="nuanxin-guanai").move(home, pos="first-child")

    sync_taxonomy()

    assert [column.slug for column in ColumnPage.objects.child_of(home)] == list(EXPECTED)


def test_wagtails_welcome_page_makes_way_for_the_home_page():
    """A fresh install has Wagtail's bare welcome page at slug `home` as the site root."""
    HomePage.objects.get().delete()
    welcome = Page.get_first_root_node().add_child(instance=Page(title="Welcome", slug="home"))
    Site.objects.create(hostname="localhost", root_page=welcome, is_default_site=True)

    sync_taxonomy()

    assert not Page.objects.filter(pk=welcome.pk).exists()
    assert HomePage.objects.get().get_site().is_default_site
    assert ColumnPage.objects.live().count() == 10
