"""Demo sign-ups for the demo fairs (demo_signups.toml), so a new install shows counts in the admin.

Only the demo fairs get them, keyed by fair and phone: loading again adds what is missing and
never touches a real fair.
"""

import tomllib
from pathlib import Path

from django.utils.translation import gettext as _

from jobfairs.models import JobFairPage

from .entries import sign_up
from .models import Signup

DEMO_FILE = Path(__file__).with_name("demo_signups.toml")


def load_signups(say, progress):
    """The demo loader (core.demo), after the job fairs'."""
    created = load_demo_signups()
    say(_("求职报名演示已就绪：新增 %(count)d 条报名。") % {"count": created}, done=True)


def load_demo_signups(path=DEMO_FILE):
    """Add the demo entries whose fair exists and that are not there yet: how many were added."""
    with open(path, "rb") as handle:
        entries = tomllib.load(handle)["signup"]
    created = 0
    for entry in entries:
        fair = JobFairPage.objects.filter(slug=entry["fair"]).first()
        if fair is None or Signup.objects.filter(fair=fair, phone=entry["phone"]).exists():
            continue
        positions = [position for position in fair.positions_in_order() if position.number in entry["positions"]]
        positions = [position for position in positions if position.employer_id]
        if positions:
            sign_up(fair, entry["name"], entry["phone"], entry["note"], positions)
            created += 1
    return created
