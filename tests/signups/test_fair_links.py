"""「我感兴趣」 on the fair's list of positions and on an open position's page."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.jobfairs.factories import JobFairPageFactory, complete_position


def closed_and_open_fair(employer):
    yesterday = timezone.localdate() - timedelta(days=1)
    return JobFairPageFactory(
        positions=[complete_position(employer=employer, valid_until=yesterday), complete_position(employer=employer)]
    )


def test_each_open_position_on_the_fair_links_to_the_form_with_it_chosen(client, machines):
    fair = closed_and_open_fair(machines)
    page = client.get(fair.url).content.decode()
    form = reverse("signups:form", args=[fair.pk])
    assert f'href="{form}?position=2"' in page
    assert f'href="{form}?position=1"' not in page


def test_an_open_position_s_page_has_the_button_and_a_closed_one_not(client, machines):
    fair = closed_and_open_fair(machines)
    form = reverse("signups:form", args=[fair.pk])
    assert f'class="interest-button" href="{form}?position=2"' in client.get(f"{fair.url}positions/2/").content.decode()
    assert "interest-button" not in client.get(f"{fair.url}positions/1/").content.decode()
