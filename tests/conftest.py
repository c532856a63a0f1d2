import importlib
import pkgutil

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from columns.models import HomePage, SeriesPage
from columns.roles import assign_roles, ensure_editorial_setup
from columns.sync import sync_taxonomy
from tests.factories import UserFactory
from tests.media import generate_video


def pytest_collection_modifyitems(config, items):
    """CI runs the suite on SQLite, then on PostgreSQL: what the engine cannot change runs in the first pass only."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        return
    skip = pytest.mark.skip(reason="does not depend on the database engine: run in the SQLite pass")
    for item in items:
        if item.get_closest_marker("once"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the database and the fixed page tree once per run; each test then runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        sync_taxonomy()
        ensure_editorial_setup()


def load_columns_migration(name_ending):
    """A migration module of columns by the end of its name: its number may change when branches merge."""
    import columns.migrations

    (name,) = [module.name for module in pkgutil.iter_modules(columns.migrations.__path__) if module.name.endswith(name_ending)]
    return importlib.import_module(f"columns.migrations.{name}")


def rebuild_site():
    """What migrations and `make run` set up, rebuilt after a transactional test flushed the database.

    Transactional tests (threads, the browser's live server) run last and each ends with a flush,
    so the next one starts from empty tables. Every step is idempotent.
    """
    from django.apps import apps
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    from core.roles import sync_role_groups

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)))
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    load_columns_migration("_wagtail_defaults_in_chinese").name_wagtail_defaults(apps, None)
    sync_role_groups()
    sync_taxonomy()
    ensure_editorial_setup()


@pytest.fixture
def columns_migration():
    return load_columns_migration


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


@pytest.fixture
def isolated_video_storage(settings, tmp_path):
    """A video storage and work folder of this test's own, so tests never share or leave video files."""
    from django.core.files.storage import storages

    videos = settings.STORAGES["videos"]
    settings.STORAGES = {
        **settings.STORAGES,
        "videos": {**videos, "OPTIONS": {**videos["OPTIONS"], "location": tmp_path / "private"}},
    }
    settings.VIDEO_WORK_DIR = tmp_path / "work"
    storages._storages = {}
    yield tmp_path
    storages._storages = {}


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def small_video(media_dir):
    return generate_video(media_dir / "small.mp4", seconds=3)


@pytest.fixture
def ready_video(small_video, django_capture_on_commit_callbacks, db):
    from media_center.ingest import ingest_file

    with django_capture_on_commit_callbacks(execute=True):
        video = ingest_file(small_video, title="招聘会回放")
    video.refresh_from_db()
    assert video.status == "ready", video.failure_reason
    return video


@pytest.fixture
def cover_image(db):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    return Image.objects.create(title="封面", file=get_test_image_file(size=(800, 600)))


@pytest.fixture(autouse=True)
def values_held_per_process_start_over():
    """Tests roll back the database without bumping any cache tag: nothing read in one may be reused in the next."""
    from core.page_cache import forget_process_state

    forget_process_state()


# The channels: a local Douyin stand-in, the union's account connected to it, a clip ready to send.


@pytest.fixture
def douyin():
    """A fresh Douyin stand-in on 127.0.0.1 (a free port) for one test; `douyin.state` steers and records it.

    It fails the test if the stand-in itself broke while serving (a traceback in state.errors).
    """
    from tests.distribution.douyin_standin import running_standin

    with running_standin() as standin:
        yield standin
        assert not standin.state.errors, "\n".join(standin.state.errors)


@pytest.fixture
def wechat():
    """A fresh WeChat Official Account stand-in on 127.0.0.1 (a free port) for one test; `wechat.state` steers and
    records it. It fails the test if the stand-in itself broke while serving (a traceback in state.errors).
    """
    from tests.distribution.wechat_standin import running_standin

    with running_standin() as standin:
        yield standin
        assert not standin.state.errors, "\n".join(standin.state.errors)


@pytest.fixture
def douyin_account(db, douyin, settings):
    """The union's Douyin account, connected to the stand-in as if an administrator had authorised it."""
    from tests.distribution.accounts import connect_douyin

    settings.DOUYIN_BASE_URL = douyin.base_url
    return connect_douyin(douyin.state)


@pytest.fixture
def wechat_account(db, wechat, settings):
    """The union's Official Account, its AppID and AppSecret those the stand-in knows."""
    from distribution.models import Channel, ChannelAccount

    settings.WECHAT_BASE_URL = wechat.base_url
    return ChannelAccount.objects.create(
        channel=Channel.WECHAT, name="淮安市总工会", client_key=wechat.state.appid, client_secret=wechat.state.secret
    )


@pytest.fixture(scope="session")
def clip_file(tmp_path_factory):
    from tests.media import generate_video

    return generate_video(tmp_path_factory.mktemp("clips") / "clip.mp4", seconds=2, size="360x640")


@pytest.fixture
def approved_clip(db, isolated_video_storage, clip_file):
    """A clip 终审 approved, rendered: its portrait MP4 in the video storage."""
    from media_center import storage
    from tests.media_center.factories import ClipFactory

    clip = ClipFactory(
        approved=True, ready=True, title="新能源企业招聘焊工", topics="#招聘 #直播荐岗", width=360, height=640, duration=2.0
    )
    clip.source = storage.store(clip_file, f"{clip.prefix}/clip.mp4")
    clip.container = "mov,mp4,m4a,3gp,3g2,mj2"
    clip.save(update_fields=["source", "container"])
    return clip


@pytest.fixture
def probed_clip(approved_clip, clip_file, tmp_path):
    """The approved clip as the pipeline leaves it: probed, with its cover frame (made by ffmpeg) stored."""
    from media_center import storage
    from media_center.ffmpeg.probe import probe
    from media_center.ffmpeg.thumbnails import write_poster
    from media_center.models import Video

    facts = probe(clip_file)
    write_poster(clip_file, tmp_path / "cover.jpg", duration=2.0, width=facts.width, height=facts.height)
    Video.objects.filter(pk=approved_clip.pk).update(
        video_codec=facts.video_codec,
        audio_codec=facts.audio_codec,
        has_audio=facts.has_audio,
        width=facts.width,
        height=facts.height,
        description="新能源企业现场招聘焊工二十名。\n月薪八千起，包食宿。",
        topics="#招聘 ＃直播荐岗，#招聘 春风行动",
        poster=storage.store(tmp_path / "cover.jpg", f"{approved_clip.prefix}/clip/cover.jpg"),
    )
    approved_clip.refresh_from_db()
    return approved_clip


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """A real S3 server (SeaweedFS) for the session: its endpoint URL."""
    from tests.seaweedfs import seaweedfs

    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as endpoint:
        yield endpoint
