"""The fair replays section of the admin, for video staff: mark where the replay presents each position
on its player, and make each position's vertical clip (one by one, or every missing one at once)."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views import generic

from media_center.admin_views import progress_text
from media_center.models import Video

from .models import JobFairPage
from .moments import make_position_clip, moments_from_presses, needs_clip, recording_overlaps_fair, save_moments

MOMENTS_PERMISSION = "jobfairs.change_positionmoment"
SYNC_RANGE = timedelta(days=1)  # a typed recording start further from the fair's is a typing mistake


def check_replay_staff(user):
    if not user.has_perm(MOMENTS_PERMISSION):
        raise PermissionDenied


class FairReplayIndexView(generic.WagtailAdminTemplateMixin, TemplateView):
    template_name = "jobfairs/admin/replay_index.html"
    header_icon = "media"

    def dispatch(self, request, *args, **kwargs):
        check_replay_staff(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("招聘会回放")

    def get_context_data(self, **kwargs):
        fairs = (
            JobFairPage.objects.filter(replay__isnull=False)
            .select_related("replay")
            .annotate(position_count=Count("positions", distinct=True), marked_count=Count("positions__moment", distinct=True))
            .order_by("-start_at")
        )
        return {**super().get_context_data(**kwargs), "fairs": fairs}


class FairReplayView(generic.WagtailAdminTemplateMixin, TemplateView):
    """The replay's player, and a row per position with 「设为起点」「设为终点」 and its clip."""

    template_name = "jobfairs/admin/replay_positions.html"
    header_icon = "media"

    def dispatch(self, request, *args, **kwargs):
        check_replay_staff(request.user)  # before anything of the fair is looked up
        self.fair = get_object_or_404(JobFairPage.objects.select_related("replay"), pk=kwargs["pk"])
        if self.fair.replay is None:
            messages.error(request, _("“%s”还没有回放视频。") % self.fair.title)
            return redirect("jobfair_replays:index")
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("标出岗位讲解时段")

    def get_page_subtitle(self):
        return self.fair.title

    def get_breadcrumbs_items(self):
        index = {"url": reverse("jobfair_replays:index"), "label": _("招聘会回放")}
        return self.breadcrumbs_items + [index, {"url": "", "label": self.fair.title}]

    def positions(self):
        positions = self.fair.positions_in_order(with_clips=True)
        for position in positions:
            position.shown = (position.timed.start, position.timed.end) if position.timed else ("", "")
            clip = position.timed.clip if position.timed else None
            position.clip_progress = progress_text(clip) if clip else ""
        return positions

    def get_context_data(self, **kwargs):
        positions = kwargs.pop("positions", None) or self.positions()
        clips = [position.timed.clip for position in positions if position.timed and position.timed.clip]
        unfinished = [clip for clip in clips if not clip.is_finished]
        replay = self.fair.replay
        return {
            **super().get_context_data(**kwargs),
            "fair": self.fair,
            "video": replay,
            "positions": positions,
            "frame_seconds": 1 / (replay.frame_rate or 25),
            "missing_clips": sum(1 for position in positions if position.timed and needs_clip(position.timed)),
            "clips_done": sum(1 for clip in clips if clip.is_finished),
            "clips_total": len(clips),
            "clips_progress": sum(1 if clip.is_finished else clip.progress for clip in clips) / len(clips) if clips else 0,
            "refresh": bool(unfinished),
            "may_clip": self.request.user.has_perm("media_center.add_video") and replay.status == Video.Status.READY,
            "presses": self.fair.shelf_presses.count(),
            "first_press": self.first_press(),
            "recorded_at": replay.recorded_at and timezone.localtime(replay.recorded_at),
            "start_fits": recording_overlaps_fair(self.fair, replay),
        }

    def post(self, request, pk):
        positions = self.positions()
        if "clip" in request.POST or "all_clips" in request.POST:
            return self.make_clips(request, positions)
        if "sync" in request.POST:
            return self.sync_presses(request)
        posted = {
            position.pk: (request.POST[f"start-{position.pk}"], request.POST.get(f"end-{position.pk}", ""))
            for position in positions
            if f"start-{position.pk}" in request.POST
        }
        try:
            save_moments(positions, posted, self.fair.replay, request.user)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            for position in positions:  # what staff marked stays on screen
                position.shown = posted.get(position.pk, position.shown)
            return self.render_to_response(self.get_context_data(positions=positions))
        messages.success(request, _("已保存岗位讲解时段：回放的章节已更新，无需重新审核。"))
        return redirect("jobfair_replays:positions", pk=self.fair.pk)

    def first_press(self):
        """The first press of 「正在讲解」 on a position: what 「播放器当前位置 = 第一次讲解」 aligns with."""
        return self.fair.shelf_presses.filter(position__isnull=False).select_related("position").first()

    def typed_start(self, request, first):
        """The recording's start staff gave: the player's time at the first press, or typed (Shanghai time
        unless an offset is given); ValidationError with what to do."""
        replay = self.fair.replay
        if request.POST["sync"] == "align":
            try:
                at = float(request.POST.get("player_time", ""))
            except ValueError:
                raise ValidationError(_("没有读到播放器的位置：请先播放回放，再点这个按钮。")) from None
            if first is None or not 0 <= at <= (replay.duration or 0):
                raise ValidationError(_("播放器的位置超出了回放的长度。"))
            return first.pressed_at - timedelta(seconds=at)
        try:
            started = datetime.fromisoformat(request.POST.get("recorded_at", "").strip())
        except ValueError:
            raise ValidationError(_("请填写录制开始时间，精确到秒，如 2026-11-29 09:00:05。")) from None
        started = started if timezone.is_aware(started) else timezone.make_aware(started)
        if abs(started - self.fair.start_at) > SYNC_RANGE:
            raise ValidationError(_("录制开始时间应在招聘会开始前后一天之内。"))
        return started

    def sync_presses(self, request):
        """Correct when the recording started, then turn the live's presses of 「正在讲解」 into the
        positions' times again (those marked by hand stay)."""
        replay = self.fair.replay
        try:
            started = self.typed_start(request, self.first_press())
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("jobfair_replays:positions", pk=self.fair.pk)
        replay.recorded_at = started
        replay.save(update_fields=["recorded_at"])
        timed = moments_from_presses(self.fair)
        messages.success(
            request,
            _("录制开始时间已设为 %(time)s，按直播讲解记录换算了 %(count)d 个岗位的时段（手动标过的不变）。")
            % {"time": timezone.localtime(started).strftime("%Y-%m-%d %H:%M:%S"), "count": timed},
        )
        return redirect("jobfair_replays:positions", pk=self.fair.pk)

    def make_clips(self, request, positions):
        if not request.user.has_perm("media_center.add_video"):
            raise PermissionDenied
        wanted = request.POST.get("clip")
        chosen = [
            position
            for position in positions
            if position.timed and (str(position.pk) == wanted if wanted else needs_clip(position.timed))
        ]
        made = 0
        for position in chosen:
            try:
                make_position_clip(position.timed, self.fair.replay, request.user)
                made += 1
            except ValidationError as error:
                messages.error(
                    request, _("%(title)s：%(error)s") % {"title": position.job_title, "error": " ".join(error.messages)}
                )
        if made:
            messages.success(request, _("已开始生成 %(count)d 条岗位短视频，生成后等待终审。") % {"count": made})
        elif not chosen:
            messages.warning(request, _("没有需要生成的短视频：先标出岗位讲解时段。"))
        return redirect("jobfair_replays:positions", pk=self.fair.pk)


urlpatterns = [
    path("", FairReplayIndexView.as_view(), name="index"),
    path("<int:pk>/", FairReplayView.as_view(), name="positions"),
]
