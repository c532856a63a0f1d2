"""「我感兴趣」 on the fair's list of positions and on an open position's page."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from jobfairs.models import Position
from tests.jobfairs.factories import JobFairPageFactory, complete_position


def closed_and_open_fair(employer):
    yesterday = timezone.localdate() - timedelta(days=1)
    return JobFairPageFactory(
        positions=[complete_position(employer=employer, valid_until=yesterday), complete_position(employer=employer)]
    )


def test_each_open_position_on_the_fair_links_to_the_form_with_it_chosen_by_its_key(client, machines):
    """By primary key, not by number: reordering the fair's positions must not tick another one."""
    fair = closed_and_open_fair(machines)
    closed, still_open = fair.positions_in_order()
    page = client.get(fair.url).content.decode()
    form = reverse("signups:form", args=[fair.pk])
    assert f'href="{form}?position={still_open.pk}"' in page
    assert f'href="{form}?position={closed.pk}"' not in page


def test_an_open_position_s_page_has_the_button_and_a_closed_one_not(client, machines):
    fair = closed_and_open_fair(machines)
    form = reverse("signups:form", args=[fair.pk])
    still_open = fair.positions_in_order()[1]
    assert (
        f'class="interest-button" href="{form}?position={still_open.pk}"'
        in client.get(f"{fair.url}positions/2/").content.decode()
    )
    assert "interest-button" not in client.get(f"{fair.url}positions/1/").content.decode()


def test_a_link_ticks_its_own_position_after_editors_reorder_the_list(client, fair, positions):
    """A position's number is its place on the fair and changes when editors reorder; its key does not. A
    page already open, or a link already shared, must not tick another position."""
    first, second, third = positions
    page = client.get(fair.url).content.decode()
    link = re.search(r'<a class="interest-link" href="([^"]+)"', page.split(first.job_title, 1)[1]).group(1)
    for place, position in enumerate([third, second, first]):
        Position.objects.filter(pk=position.pk).update(sort_order=place)
    assert f'value="{first.pk}" checked' in client.get(link).content.decode()
