"""「我感兴趣」 on the job fairs' pages: a link on each open position, a button on an open position's page.

The fair page lists up to 300 positions: no query and one `reverse` per fair, not per position.
"""

import functools

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from jobfairs.job_posting import is_open

from ..phones import mask_phones_in

register = template.Library()


@functools.lru_cache(maxsize=256)
def form_path(fair_id):
    return reverse("signups:form", args=[fair_id])


def interest_url(fair, position):
    """The form with the position ticked: by its primary key, which stays when editors reorder the list
    (its number, its place on the fair, does not)."""
    return f"{form_path(fair.pk)}?position={position.pk}"


@register.simple_tag
def interest_link(fair, position):
    """On the fair's list: a link for an open position."""
    if not position.employer_id or not is_open(position):
        return ""
    return format_html('<a class="interest-link" href="{}" rel="nofollow">{}</a>', interest_url(fair, position), _("我感兴趣"))


@register.simple_tag
def interest_button(fair, position, open_now):
    """On the position's page: a prominent button while it is open (the page says `open_now`)."""
    if not open_now or not position.employer_id:
        return ""
    return format_html(
        '<p><a class="interest-button" href="{}" rel="nofollow">{}</a></p>', interest_url(fair, position), _("我感兴趣")
    )


@register.filter
def mask_phones(text):
    """A name or note as staff and the withdrawal pages show it: any mobile number typed in it masked
    (139****8888). Escaped as usual where it is shown."""
    return mask_phones_in(text)
