"""`load_demo` on a fresh install: a job-fair replay with clips, one approved and shown in its article."""

import pytest
from django.core.management import call_command

from columns.demo import REPLAY_ARTICLE
from columns.models import ArticlePage
from media_center.demo import DEMO
from media_center.models import Video

pytestmark = [pytest.mark.django_db, pytest.mark.once]


@pytest.fixture(autouse=True)
def shorter_demo(monkeypatch):
    """The same demo, shorter: a recording of 12 s and clips of 4 s keep the run quick."""
    shorter = {
        **DEMO,
        "recording": {**DEMO["recording"], "seconds": 12},
        "clip": [{**spec, "start": start, "end": start + 4.0} for spec, start in zip(DEMO["clip"], (1.0, 6.0))],
    }
    monkeypatch.setattr("media_center.demo.DEMO", shorter)


def test_the_demo_has_a_replay_and_its_clips_ready_and_placed_once(client, capsys):
    call_command("load_demo")

    recording = Video.objects.get(title=DEMO["recording"]["title"])
    clips = list(recording.clips.order_by("clip_start"))
    assert recording.status == Video.Status.READY and recording.is_public
    assert [clip.status for clip in clips] == [Video.Status.READY, Video.Status.READY]
    assert [clip.review_status for clip in clips] == [Video.Review.APPROVED, Video.Review.PENDING]
    assert all(clip.subtitle_track for clip in clips)
    html = client.get(ArticlePage.objects.get(slug=REPLAY_ARTICLE).url).content.decode()
    assert f'data-video-id="{recording.pk}"' in html and f'data-video-id="{clips[0].pk}"' in html
    assert f'data-video-id="{clips[1].pk}"' not in html
    assert "100%" in capsys.readouterr().err

    call_command("load_demo")

    assert Video.objects.count() == 3
