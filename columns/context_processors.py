from django.conf import settings
from wagtail.models import Site


def site_name(request):
    """The site's name for titles, the header, feeds and share cards (设置 → 站点, else WAGTAIL_SITE_NAME)."""
    current = Site.find_for_request(request)
    return (current.site_name if current else "") or settings.WAGTAIL_SITE_NAME


def site(request):
    return {"site_name": site_name(request)}
