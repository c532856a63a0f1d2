import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from columns.models import HomePage, SeriesPage
from columns.roles import assign_roles, ensure_editorial_setup
from columns.sync import sync_taxonomy
from tests.factories import UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the database and the fixed page tree once per run; each test then runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        sync_taxonomy()
        ensure_editorial_setup()


def rebuild_site():
    """What migrations and `make run` set up, rebuilt after a transactional test flushed the database.

    Transactional tests (threads, the browser's live server) run last and each ends with a flush,
    so the next one starts from empty tables. Every step is idempotent.
    """
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, GroupCollectionPermission, Locale, Page

    from columns.roles import create_role_groups

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)))
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    create_role_groups(Group, Permission, Collection, GroupCollectionPermission)
    sync_taxonomy()
    ensure_editorial_setup()


@pytest.fixture
def site_after_flush(transactional_db):
    rebuild_site()


@pytest.fixture
def home(db):
    return HomePage.objects.get()


@pytest.fixture
def series(db):
    return SeriesPage.objects.get(slug="laomo-fengcai")


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True, username="chief")


@pytest.fixture
def broad_editor(db, home):
    """An editor with every page permission on the whole site: the worst case for the fixed structure."""
    group = Group.objects.create(name="全站编辑(测试)")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"):
        GroupPagePermission.objects.create(group=group, page=home, permission=Permission.objects.get(codename=codename))
    user = UserFactory(username="editor")
    user.groups.add(group)
    return user


@pytest.fixture
def make_staff(db):
    """make_staff("zhang", roles=["初审"], columns=["laodongmei"]): a person set up the way assign_columns does it."""

    def make(username, roles=(), columns=()):
        user = UserFactory(username=username)
        assign_roles(user, roles, columns)
        return user

    return make
