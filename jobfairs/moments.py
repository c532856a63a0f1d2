"""Where the replay presents each position, set by video staff, and the vertical clip cut from it.

Times are marked on the replay's player (「设为起点」「设为终点」), never typed; what arrives is still
checked here, since a form can be posted by anything. A position's clip carries its title, employer
and pay in the band and waits for 终审 like any clip.
"""

import math
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from media_center import clips
from media_center.models import Video

from .models import JobFairPage, PositionMoment, ShelfPress
from .shelf import Press, presented_spans

RECENT_FAIRS = timedelta(days=30)  # how long after its end the scheduler looks for a fair's replay becoming known


def read_span(start_text, end_text, duration):
    """(start, end) in seconds from what the player's buttons wrote, None when both are empty."""
    if not (start_text or "").strip() and not (end_text or "").strip():
        return None
    try:
        start, end = float(start_text), float(end_text)
    except (TypeError, ValueError):
        raise ValidationError(_("请用「设为起点」和「设为终点」两个按钮在播放器上标出这个岗位。")) from None
    if not (math.isfinite(start) and math.isfinite(end)) or start < 0 or (duration and end > duration + 0.5):
        raise ValidationError(_("时间超出了回放的长度。"))
    if end <= start:
        raise ValidationError(_("终点应晚于起点。"))
    return round(start, 2), round(min(end, duration or end), 2)


def save_moments(positions, posted, replay, user):
    """Each posted position's span on `replay` from `posted` ({pk: (start text, end text)}): all saved,
    or none with the messages naming each position. A position left empty loses its span; a position
    not posted at all is left as it is (someone else may be marking it)."""
    errors, spans = [], {}
    for number, position in enumerate(positions, start=1):
        if position.pk not in posted:
            continue
        start_text, end_text = posted[position.pk]
        try:
            spans[position.pk] = read_span(start_text, end_text, replay.duration)
        except ValidationError as error:
            errors.append(
                _("第%(number)d个岗位（%(title)s）：%(error)s")
                % {"number": number, "title": position.job_title, "error": error.messages[0]}
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for position in positions:
            if position.pk not in spans:
                continue
            span = spans[position.pk]
            if span is None:
                PositionMoment.objects.filter(position=position).delete()
                continue
            moment = PositionMoment.objects.filter(position=position).first()
            if moment is not None and (moment.replay_id, moment.start, moment.end) == (replay.pk, *span):
                continue  # posted back as shown: a time made from presses stays one, and follows the start
            set_span(position, moment, replay, span, user, from_presses=False)


def set_span(position, moment, replay, span, user, *, from_presses):
    """Give the position `span` on `replay`, creating or changing its moment only when something differs."""
    if moment is None:
        PositionMoment.objects.create(
            position=position, replay=replay, start=span[0], end=span[1], set_by=user, from_presses=from_presses
        )
    elif (moment.replay_id, moment.start, moment.end, moment.from_presses) != (replay.pk, *span, from_presses):
        if moment.replay_id != replay.pk:  # a clip of the earlier replay is not this position's any more
            moment.clip = None
        moment.replay, moment.start, moment.end, moment.set_by, moment.from_presses = replay, *span, user, from_presses
        moment.save()


def recording_overlaps_fair(fair, replay):
    """Whether the replay's recording start puts it within the fair's hours. A phone that stamps its files
    when recording stops, or a camera writing Shanghai time as UTC, gives a start that does not: no
    times are made from it, and staff are asked to correct it."""
    if replay.recorded_at is None or not replay.duration:
        return False
    return replay.recorded_at < fair.end_at and replay.recorded_at + timedelta(seconds=replay.duration) > fair.start_at


def moments_from_presses(fair):
    """The positions' times in the replay from the presses of 「正在讲解」 during the live, as soon as the
    replay and its recording's start are known: how many positions got a time from them.

    Times video staff marked on this replay by hand stay theirs. Those made from presses before are made
    again: the recording's start may have been corrected since.
    """
    replay = fair.replay
    if replay is None or not recording_overlaps_fair(fair, replay):
        return 0
    presses = [Press(press.position_id, press.pressed_at) for press in fair.shelf_presses.all()]
    if not presses:
        return 0
    spans = presented_spans(presses, replay.recorded_at, replay.duration, fair.end_at)
    moments = {moment.position_id: moment for moment in PositionMoment.objects.filter(position__page=fair)}
    timed = 0
    with transaction.atomic():
        for position in fair.positions.all():
            moment = moments.get(position.pk)
            if moment is not None and moment.replay_id == replay.pk and not moment.from_presses:
                continue
            span = spans.get(position.pk)
            if span is not None:
                set_span(position, moment, replay, span, None, from_presses=True)
                timed += 1
            elif moment is not None and moment.from_presses:  # the corrected start left it outside the recording
                moment.delete()
    return timed


def times_from_presses(sender, instance, **kwargs):
    """On publication: the fair's replay may have been chosen or changed."""
    moments_from_presses(instance.specific)


def moments_for_new_replays():
    """Scheduler: a fair whose replay was chosen before its file was probed gets its times once the
    recording's start is known (publishing a fair with a probed replay does it at once)."""
    pressed = ShelfPress.objects.filter(fair=OuterRef("pk"), position__isnull=False)
    timed_on_replay = PositionMoment.objects.filter(position__page=OuterRef("pk"), replay=OuterRef("replay"))
    fairs = JobFairPage.objects.filter(
        Exists(pressed), ~Exists(timed_on_replay), end_at__gt=timezone.now() - RECENT_FAIRS, replay__recorded_at__isnull=False
    ).select_related("replay")
    timed = 0
    for fair in fairs:
        timed += moments_from_presses(fair)
    return _("岗位讲解时段：按直播讲解记录换算了 %(count)d 个。") % {"count": timed} if timed else ""


def clip_title(position):
    """What the band shows: the position, its pay and who hires."""
    employer = position.employer.name if position.employer else ""
    return " ".join(part for part in (position.job_title, position.pay_text.replace(" ", ""), employer) if part)


def needs_clip(moment):
    """No clip yet, or the last one failed, was cancelled or was deleted: 「全部生成」 makes it (again)."""
    clip = moment.clip
    return clip is None or clip.status in (Video.Status.FAILED, Video.Status.CANCELLED)


def make_position_clip(moment, replay, user):
    """The position's vertical clip from its marked span, queued for rendering; ValidationError for staff."""
    clip = clips.create_clip(
        replay,
        start=moment.start,
        end=moment.end,
        title=clip_title(moment.position),
        topics=_("#招聘 #直播荐岗"),
        user=user,
    )
    moment.clip = clip
    moment.save(update_fields=["clip"])
    return clip
