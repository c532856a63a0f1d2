from django import template
from django.utils.encoding import escape_uri_path

from core.context_processors import site_url
from media_center.chapters import clock

from ..structure import site_structure

register = template.Library()


@register.inclusion_tag("columns/includes/column_nav.html", takes_context=True)
def column_nav(context):
    current_path = getattr(context.get("page"), "path", "")
    return {"columns": site_structure().columns, "current_path": current_path}


@register.filter
def absolute_url(url, request):
    """Share cards need full addresses; storage URLs that already are full pass through unchanged."""
    if not url:
        return ""
    return request.build_absolute_uri(url) if request is not None else url


@register.simple_tag(takes_context=True)
def page_address(context, page_number=1):
    """This page's one full address, for rel=canonical and og:url alike: the site's configured base URL,
    the request's path and, past a listing's first page, its number."""
    request = context["request"]
    query = f"?page={page_number}" if isinstance(page_number, int) and page_number > 1 else ""
    return site_url(request) + escape_uri_path(request.path) + query


@register.filter
def duration_clock(seconds):
    """A video's length as players show it: 03:25, or 1:02:03 past an hour."""
    return clock(round(seconds)) if seconds else ""
