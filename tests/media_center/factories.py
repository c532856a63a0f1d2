"""Videos in any state without running ffmpeg: for tests about what is shown, not how it is made."""

import factory
from django.utils import timezone

from media_center.models import Rendition, Video


class VideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Video

    title = factory.Sequence(lambda n: f"招聘会回放{n}")
    status = Video.Status.UPLOADED

    class Params:
        ready = factory.Trait(
            status=Video.Status.READY, playable=True, progress=1.0, duration=95.0, width=1280, height=720,
            frame_rate=30.0, has_audio=True, ready_at=factory.LazyFunction(timezone.now),
        )  # fmt: skip
        failed = factory.Trait(status=Video.Status.FAILED, failure_reason="不是视频文件：无法识别的格式。")

    @factory.post_generation
    def renditions(video, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object first
        """A ready video has its ladder's rows (the files themselves are not made)."""
        if create and video.status == Video.Status.READY:
            for name, height, kbps in (("720p", 720, 2800), ("360p", 360, 800)):
                Rendition.objects.create(
                    video=video, name=name, width=height * 16 // 9, height=height, video_kbps=kbps,
                    playlist=f"{video.prefix}/hls/{name}/index.m3u8", mp4=f"{video.prefix}/mp4/{name}.mp4",
                )  # fmt: skip


class ClipFactory(VideoFactory):
    """A clip of a ready recording, 待审 unless `approved`; `ready` gives it a portrait ladder's rows."""

    title = factory.Sequence(lambda n: f"新能源企业招聘焊工{n}")
    kind = Video.Kind.CLIP
    clip_of = factory.SubFactory(VideoFactory, ready=True)
    clip_start = 10.0
    clip_end = 40.0
    review_status = Video.Review.PENDING

    class Params:
        approved = factory.Trait(review_status=Video.Review.APPROVED)
