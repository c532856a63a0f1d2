import pytest

from tests.distribution.douyin_standin import running_standin


@pytest.fixture
def douyin():
    """A fresh Douyin stand-in on 127.0.0.1 (a free port) for one test; `douyin.state` steers and records it.

    It fails the test if the stand-in itself broke while serving (a traceback in state.errors).
    """
    with running_standin() as standin:
        yield standin
        assert not standin.state.errors, "\n".join(standin.state.errors)


@pytest.fixture
def tasks_held(settings):
    """Distributions are run by the test, step by step, not by an inline task."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "video"]}}


@pytest.fixture
def douyin_account(db, douyin, settings):
    """The union's Douyin account, connected to the stand-in as if an administrator had authorised it."""
    from distribution.accounts import store_tokens
    from distribution.models import ChannelAccount
    from distribution.platforms.base import Tokens

    settings.DOUYIN_BASE_URL = douyin.base_url
    state = douyin.state
    issued = state.issue_tokens()
    now = state.now()
    account = ChannelAccount.objects.create(
        name="淮安市总工会抖音号", client_key=state.client_key, client_secret=state.client_secret
    )
    store_tokens(
        account,
        Tokens(
            access_token=issued["access_token"],
            access_expires_at=now + issued["expires_in"],
            refresh_token=issued["refresh_token"],
            refresh_expires_at=now + issued["refresh_expires_in"],
            open_id=issued["open_id"],
            scope=issued["scope"],
        ),
    )
    return account


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
