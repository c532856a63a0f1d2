from django.conf import settings
from wagtail.models import Site


def site_name(request):
    """The site's name for titles, the header, feeds and share cards (设置 → 站点, else WAGTAIL_SITE_NAME)."""
    current = Site.find_for_request(request)
    return (current.site_name if current else "") or settings.WAGTAIL_SITE_NAME


def site_url(request):
    """The site's public base URL, without a trailing slash: SITE_URL, else the Wagtail site's root URL.

    Addresses given away (QR codes, share cards) are built from it, never from the request's Host.
    """
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    current = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    return current.root_url if current else ""


def site(request):
    return {"site_name": site_name(request)}
