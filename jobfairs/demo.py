"""Demo job fairs for a fresh install: employers and fairs from demo_fairs.toml, in the 招聘直播 series.

Keyed by slug (employers by credit code), so loading again only adds what is missing and never
touches edited fairs. Times are relative to the load: one fair is announced, one is on air with
a position pinned by 「正在讲解」, one has ended. The ended one shows the demo recording as its replay
when the videos were made (`load_demo` without `--no-videos`), even by a later run, else it stays 已结束.
"""

import tomllib
from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from columns.demo import cover_image_for
from columns.models import SeriesPage
from media_center import demo as video_demo

from .models import FAIR_SERIES, Employer, JobFairPage, LiveRoom, Position, PositionMoment, ShelfPress

DEMO_FILE = Path(__file__).with_name("demo_fairs.toml")


def load_fairs(say, progress):
    """The demo loader (core.demo), after the videos': their recording becomes the ended fair's replay."""
    created, replayed = load_demo_fairs()
    for title in created:
        say(_("新建招聘会「%(title)s」") % {"title": title})
    for title in replayed:
        say(_("演示回放已放进招聘会「%(title)s」。") % {"title": title})
    say(_("招聘直播演示已就绪：新建 %(count)d 场招聘会。") % {"count": len(created)}, done=True)


def load_demo_fairs(path=DEMO_FILE):
    """Create the demo fairs that do not exist yet; return the titles created and those given their replay since."""
    with open(path, "rb") as handle:
        demo = tomllib.load(handle)
    employers = {entry["key"]: demo_employer(entry) for entry in demo["employer"]}
    recording = video_demo.demo_recording()
    created, replayed = [], []
    for entry in demo["fair"]:
        fair = JobFairPage.objects.filter(slug=entry["slug"]).first()
        if fair is None:
            create_fair(entry, employers, recording if entry["replay"] else None)
            created.append(entry["title"])
        elif entry["replay"] and recording is not None and give_replay(fair, recording, entry):
            replayed.append(fair.title)
    return created, replayed


def demo_employer(entry):
    employer = Employer.objects.filter(credit_code=entry["credit_code"]).first()
    if employer is None:
        fields = {name: value for name, value in entry.items() if name != "key"}
        employer = Employer(**fields)
        employer.full_clean()  # the credit code's check character, as the admin checks it
        employer.save()
    return employer


def start_of(entry, today):
    """`started_minutes_ago` (on air at the load), or `days_from_now` at `starts` o'clock."""
    if "started_minutes_ago" in entry:
        return (timezone.now() - timedelta(minutes=entry["started_minutes_ago"])).replace(second=0, microsecond=0)
    day = today + timedelta(days=entry["days_from_now"])
    return timezone.make_aware(datetime.combine(day, datetime.strptime(entry["starts"], "%H:%M").time()))


def create_fair(entry, employers, replay):
    today = timezone.localdate()
    start = start_of(entry, today)
    fair = JobFairPage(
        slug=entry["slug"],
        title=entry["title"],
        start_at=start,
        end_at=start + timedelta(hours=entry["hours"]),
        venue=entry["venue"],
        organiser=entry["organiser"],
        intro=entry["intro"],
        cover_image=cover_image_for(entry["slug"], entry["title"]),
        replay=replay,
    )
    fair.live_rooms = [LiveRoom(**room) for room in entry.get("live_room", [])]
    fair.positions = [
        Position(
            employer=employers[position["employer"]],
            valid_until=today + timedelta(days=entry["valid_days"]),
            **{name: value for name, value in position.items() if name not in ("employer", "replay_span")},
        )
        for position in entry["position"]
    ]
    SeriesPage.objects.get(slug=FAIR_SERIES).add_child(instance=fair)
    fair.save_revision().publish()
    if replay is not None:
        mark_positions(fair, entry)
    positions = list(fair.positions.order_by("sort_order"))
    for number, minutes in entry.get("presses", []):
        ShelfPress.objects.create(fair=fair, position=positions[number - 1], pressed_at=start + timedelta(minutes=minutes))
    return fair


def mark_positions(fair, entry):
    """The positions' times in the replay, as video staff mark them: the replay's chapters."""
    spans = [position.get("replay_span") for position in entry["position"]]
    for position, span in zip(fair.positions.order_by("sort_order"), spans):
        if span:
            PositionMoment.objects.get_or_create(
                position=position, defaults={"replay_id": fair.replay_id, "start": span[0], "end": span[1]}
            )


def give_replay(fair, recording, entry):
    """A fair made before the videos shows them once they exist, unless someone edited it since."""
    if fair.replay_id is not None or fair.revisions.count() > 1:
        return False
    fair.replay = recording
    fair.save_revision().publish()
    mark_positions(fair, entry)
    return True
