import itertools

import pytest
from django.test import Client
from django.urls import reverse

from columns.models import SeriesPage
from jobfairs.models import Position
from tests.admin_driver import PageEditor
from tests.jobfairs.factories import EmployerFactory, complete_position

NUMBERS = itertools.count(1)
POSITION_FIELDS = [field.name for field in Position._meta.get_fields() if field.concrete and field.editable] + ["ORDER"]


@pytest.fixture
def fair_series(db):
    return SeriesPage.objects.get(slug="zhaopin-zhibo")


def position_data(index, position):
    data = {}
    for name in POSITION_FIELDS:
        if name in ("id", "page", "sort_order"):
            continue
        value = index + 1 if name == "ORDER" else getattr(position, name)
        if name == "employer":
            value = position.employer.pk if position.employer else ""
        data[f"positions-{index}-{name}"] = "" if value is None else str(value)
    return data


class FairEditor(PageEditor):
    """Adds and edits fairs through Wagtail's page editor, positions as the inline panel posts them."""

    def fair_fields(self, positions, **fields):
        data = {
            "title": "春风行动直播招聘会",
            "slug": f"fair-form-{next(NUMBERS)}",
            "start_at": "2030-03-01 09:00",
            "end_at": "2030-03-01 12:00",
            "organiser": "淮安市总工会",
            "positions-TOTAL_FORMS": str(len(positions)),
            "positions-MIN_NUM_FORMS": "0",
            "positions-MAX_NUM_FORMS": "1000",
            "live_rooms-TOTAL_FORMS": "0",
            "live_rooms-MIN_NUM_FORMS": "0",
            "live_rooms-MAX_NUM_FORMS": "1000",
        }
        for index, position in enumerate(positions):
            data.update(position_data(index, position))
        return {**data, **fields}

    def add_fair(self, series, action="submit", positions=None, **fields):
        positions = [complete_position()] if positions is None else positions
        url = reverse("wagtailadmin_pages:add", args=("jobfairs", "jobfairpage", series.pk))
        data = self.fair_fields(positions, **fields)
        data["positions-INITIAL_FORMS"] = "0"
        data["live_rooms-INITIAL_FORMS"] = "0"
        return self._post_form(url, action, None, data)

    def edit_fair(self, fair, action="draft", **fields):
        return self._post_form(reverse("wagtailadmin_pages:edit", args=(fair.pk,)), action, None, fields)


@pytest.fixture
def fair_staff(make_staff):
    people = {
        "editor": make_staff("zhaopin-bianji", columns=["zhibo-jiangang"]),
        "first": make_staff("zhaopin-chushen", roles=["初审"]),
        "final": make_staff("zhaopin-zhongshen", roles=["终审"]),
    }
    return {role: FairEditor(Client(), user) for role, user in people.items()}


@pytest.fixture
def employer(db):
    return EmployerFactory()
