"""Videos, their renditions, and the jobs that turn an upload into them."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from .chapters import ChapterError, parse_chapters
from .ffmpeg.subtitles import SubtitleError, cut_to_span, read_subtitles

MAX_ATTEMPTS = 3


def clock_text(seconds):
    """A duration as staff read it: 2:05, or 1:02:05 past an hour."""
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def stale_after():
    """A running job that has not reported for this long is presumed dead (it reports every few seconds)."""
    return timedelta(seconds=settings.VIDEO_JOB_STALE_SECONDS)


class VideoQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def public(self):
        """What anyone may watch: made public by a published article, playable, and approved if a clip."""
        return self.filter(Q(status="ready") | Q(playable=True), is_public=True).placeable().order_by("-created_at")

    def placeable(self):
        """What may be shown on public pages and sent to channels: recordings, and clips 终审 approved."""
        return self.filter(Q(kind=Video.Kind.RECORDING) | Q(review_status=Video.Review.APPROVED))

    def listed(self):
        """What the site lists of its own accord (最新视频, search): recordings. A clip shows only where it is placed."""
        return self.public().filter(kind=Video.Kind.RECORDING)


class Video(index.Indexed, models.Model):
    class Kind(models.TextChoices):
        RECORDING = "recording", _("录像")
        CLIP = "clip", _("短视频")

    class Review(models.TextChoices):
        """A clip speaks for the union on public accounts: 终审 approves it before it is placed or sent."""

        PENDING = "pending", _("待审")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("已上传")
        CLIPPING = "clipping", _("剪辑中")
        PROBING = "probing", _("检测中")
        TRANSCODING = "transcoding", _("转码中")
        READY = "ready", _("可播放")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    title = models.CharField(_("标题"), max_length=255)
    description = models.TextField(_("简介"), blank=True)
    source = models.CharField(_("源文件"), max_length=500, blank=True, help_text=_("视频存储中的路径"))
    original_filename = models.CharField(_("原文件名"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_public = models.BooleanField(_("公开"), default=False, help_text=_("未公开的视频只有后台人员能播放"))

    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.UPLOADED, db_index=True)
    failure_reason = models.TextField(_("失败原因"), blank=True)
    warning = models.TextField(_("提醒"), blank=True, help_text=_("如文件不完整：回放只包含能解码的部分"))
    progress = models.FloatField(_("进度"), default=0.0, help_text=_("0 到 1"))
    eta_seconds = models.PositiveIntegerField(_("预计剩余秒数"), null=True, blank=True)
    playable = models.BooleanField(_("可以开始播放"), default=False)

    duration = models.FloatField(
        _("时长（秒）"), null=True, blank=True
    )  # what decodes: a recording cut off mid-write states more
    size_bytes = models.BigIntegerField(_("文件大小"), null=True, blank=True)
    recorded_at = models.DateTimeField(
        _("录制开始时间"),
        null=True,
        blank=True,
        help_text=_("取自文件的创建时间；与直播现场的「正在讲解」记录对齐，可由视频人员校正"),
    )
    container = models.CharField(_("封装格式"), max_length=100, blank=True)
    video_codec = models.CharField(_("视频编码"), max_length=50, blank=True)
    audio_codec = models.CharField(_("音频编码"), max_length=50, blank=True)
    width = models.PositiveIntegerField(_("宽"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高"), null=True, blank=True)
    rotation = models.SmallIntegerField(_("旋转"), default=0)
    frame_rate = models.FloatField(_("帧率"), null=True, blank=True)
    has_audio = models.BooleanField(_("有声音"), default=False)
    audio_offset = models.FloatField(default=0.0, editable=False)

    poster = models.CharField(_("封面帧"), max_length=500, blank=True)
    storyboard = models.CharField(_("预览图 WebVTT"), max_length=500, blank=True)
    chapters = models.TextField(
        _("章节"),
        blank=True,
        help_text=_("每行一章：时间 标题，如“12:30 第二家企业：新能源专场”。播放器进度条上会显示章节。"),
    )

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.RECORDING, db_index=True)
    # A clip: a span of a recording, rendered as a 1080×1920 video for the short-video channels, then
    # put through the same ladder as any upload (its rendered file is its `source`).
    clip_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="clips", verbose_name=_("原视频")
    )
    clip_start = models.FloatField(_("起点（秒）"), null=True, blank=True)
    clip_end = models.FloatField(_("终点（秒）"), null=True, blank=True)
    cover_at = models.FloatField(_("封面时间（秒）"), null=True, blank=True, help_text=_("默认为起点后 1 秒"))
    topics = models.CharField(
        _("话题"), max_length=200, blank=True, help_text=_("发布到抖音、视频号时带的 #话题，用空格分隔，如：#春风行动 #工会服务")
    )
    section = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("所属栏目或系列")
    )
    subtitles = models.TextField(_("字幕"), blank=True, help_text=_("原视频时间轴上的字幕（WebVTT），剪辑时截取对应的一段"))
    subtitle_track = models.CharField(max_length=500, blank=True, editable=False)  # the clip's own WebVTT, for the player
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("台标")
    )
    square_cover = models.CharField(max_length=500, blank=True, editable=False)
    review_status = models.CharField(_("审核"), max_length=20, choices=Review.choices, default=Review.PENDING, db_index=True)

    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    transcode_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    ready_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = VideoQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("description"),
        index.SearchField("chapters"),
        index.SearchField("spoken_text"),
        index.FilterField("status"),
        index.FilterField("is_public"),
        index.FilterField("playable"),
        index.FilterField("created_at"),
        index.FilterField("kind"),
        index.FilterField("review_status"),
    ]

    class Meta:
        verbose_name = _("视频")
        verbose_name_plural = _("视频")
        ordering = ["-created_at"]
        permissions = [("approve_clip", _("审核短视频（终审）"))]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        try:
            parse_chapters(self.chapters, self.duration)
        except ChapterError as error:
            raise ValidationError({"chapters": str(error)})

    def spoken_text(self):
        """What is said, for search: the subtitles' text, of a clip's own span only."""
        if not self.subtitles:
            return ""
        try:
            cues = read_subtitles(self.subtitles.encode("utf-8"))
        except SubtitleError:
            return ""
        if self.is_clip and self.clip_start is not None:
            cues = cut_to_span(cues, self.clip_start, self.clip_end)
        return " ".join(cue.text for cue in cues)

    @property
    def chapter_list(self):
        return parse_chapters(self.chapters, self.duration)

    def fallback_rendition(self):
        """The MP4 for players without HLS: 720p where there is one, the file most phones handle well."""
        renditions = [rendition for rendition in self.renditions.all() if rendition.mp4]
        fitting = [rendition for rendition in renditions if min(rendition.width, rendition.height) <= 720]
        return (fitting or renditions or [None])[0]

    @property
    def is_clip(self):
        return self.kind == self.Kind.CLIP

    @property
    def is_placeable(self):
        """May be shown on public pages and sent to channels: any recording, and a clip 终审 approved."""
        return not self.is_clip or self.review_status == self.Review.APPROVED

    @property
    def is_watchable_by_public(self):
        return self.is_public and self.is_placeable and (self.status == self.Status.READY or self.playable)

    @property
    def prefix(self):
        """Everything this video owns lives under this folder of the video storage."""
        return f"videos/{self.pk}"

    @property
    def master_playlist(self):
        return f"{self.prefix}/hls/master.m3u8"

    @property
    def is_finished(self):
        return self.status in (self.Status.READY, self.Status.FAILED, self.Status.CANCELLED)

    @property
    def is_portrait(self):
        return bool(self.width and self.height and self.height > self.width)


class ClipReview(models.Model):
    """One decision on a clip, or its return to 待审 after a change: the record of who let what speak for the union."""

    class Action(models.TextChoices):
        APPROVED = "approved", _("通过")
        RETURNED = "returned", _("退回")
        CHANGED = "changed", _("修改后重新待审")

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    comment = models.TextField(_("意见"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("短视频审核记录")
        verbose_name_plural = _("短视频审核记录")

    def __str__(self):
        return f"{self.video_id} {self.action}"


class Rendition(models.Model):
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="renditions")
    name = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # The rung's rate cap (its fixed bitrate for videos encoded before constrained quality)
    video_kbps = models.PositiveIntegerField()
    playlist = models.CharField(max_length=500)
    mp4 = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-height", "-width"]
        constraints = [models.UniqueConstraint(fields=["video", "name"], name="one_rendition_per_rung")]

    def __str__(self):
        return f"{self.video} {self.name}"


class VideoJobQuerySet(models.QuerySet):
    def stalled(self, now=None):
        now = now or timezone.now()
        return self.filter(status=VideoJob.Status.RUNNING, heartbeat_at__lt=now - stale_after())


class VideoJob(models.Model):
    """One unit of work on one video that any worker may take: claimed atomically, heartbeated,
    and handed to another worker if its holder goes silent."""

    class Kind(models.TextChoices):
        PREPARE = "prepare", _("检测与切分")
        CHUNK = "chunk", _("分段转码")
        AUDIO = "audio", _("音频")
        THUMBNAILS = "thumbnails", _("封面与预览图")
        FINISH = "finish", _("合成与收尾")
        CLIP = "clip", _("竖屏剪辑")

    class Status(models.TextChoices):
        PENDING = "pending", _("等待")
        RUNNING = "running", _("进行中")
        DONE = "done", _("完成")
        FAILED = "failed", _("失败")

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    index = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    start = models.FloatField(default=0.0)  # chunk position in the source, seconds
    end = models.FloatField(default=0.0)
    done_seconds = models.FloatField(default=0.0)
    chunk_file = models.CharField(max_length=500, blank=True)
    # A finished chunk's HLS segments per rung, [[uri, seconds, bytes], …] (the sound job's under
    # "audio"; rows from before sizes were kept lack the bytes): playlists are rebuilt from the
    # database after every chunk instead of re-reading every chunk playlist from storage.
    segments = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Since when it waits for a worker: made, or put back after a failure or a dead worker (/healthz, /metrics).
    queued_at = models.DateTimeField(default=timezone.now)

    objects = VideoJobQuerySet.as_manager()

    class Meta:
        ordering = ["video", "kind", "index"]
        constraints = [models.UniqueConstraint(fields=["video", "kind", "index"], name="one_job_per_step")]

    def __str__(self):
        return f"{self.video_id}:{self.kind}:{self.index}"

    @property
    def duration(self):
        return max(0.0, self.end - self.start)

    def claim(self, worker):
        """Take this job for `worker` if it is pending or its holder went silent; True if we got it.

        One conditional UPDATE: two workers racing for the same job cannot both win.
        """
        now = timezone.now()
        claimable = Q(status=self.Status.PENDING) | Q(status=self.Status.RUNNING, heartbeat_at__lt=now - stale_after())
        won = (
            VideoJob.objects.filter(claimable, pk=self.pk, attempts__lt=MAX_ATTEMPTS).update(
                status=self.Status.RUNNING,
                worker=worker,
                heartbeat_at=now,
                started_at=now,
                attempts=models.F("attempts") + 1,
                error="",
            )  # fmt: skip
            == 1
        )
        if won:
            self.refresh_from_db()
        return won

    def beat(self, done_seconds=None):
        fields = {"heartbeat_at": timezone.now()}
        if done_seconds is not None:
            fields["done_seconds"] = done_seconds
        VideoJob.objects.filter(pk=self.pk, worker=self.worker, status=self.Status.RUNNING).update(**fields)


class VideoUpload(models.Model):
    """A large upload in progress: resumable chunks to local disk, or an S3 multipart upload the
    browser sends straight to the bucket. Becomes a Video when complete."""

    class Mode(models.TextChoices):
        LOCAL = "local", _("分片上传到服务器")
        S3 = "s3", _("直传对象存储")

    key = models.UUIDField(unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=255)
    filename = models.CharField(max_length=255)
    extension = models.CharField(max_length=10)
    size = models.BigIntegerField()
    received = models.BigIntegerField(default=0)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    storage_name = models.CharField(max_length=500)
    s3_upload_id = models.CharField(max_length=500, blank=True)
    video = models.OneToOneField(Video, null=True, blank=True, on_delete=models.SET_NULL, related_name="upload")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # last sign of life: uploads silent for a day are removed

    def __str__(self):
        return self.filename


class UploadChunk(models.Model):
    """One chunk as the server received it: the assembled file is checked against these before it becomes a video."""

    upload = models.ForeignKey(VideoUpload, on_delete=models.CASCADE, related_name="chunks")
    offset = models.BigIntegerField()
    length = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["upload", "offset"]
        constraints = [models.UniqueConstraint(fields=["upload", "offset"], name="one_chunk_per_offset")]

    def __str__(self):
        return f"{self.upload_id}@{self.offset}"
