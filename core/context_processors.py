from django.conf import settings
from wagtail.models import Site


def site_name(request):
    """The site's name for titles, the header, feeds and share cards (设置 → 站点, else WAGTAIL_SITE_NAME)."""
    current = Site.find_for_request(request)
    return (current.site_name if current else "") or settings.WAGTAIL_SITE_NAME


def site_url(request):
    """The site's public base URL, without a trailing slash: SITE_URL, else the Wagtail site's root URL.

    Addresses given away (QR codes, share cards, rel=canonical) are built from it, never from the
    request's Host. A reader who came over https gets https (the page cache keeps the schemes apart).
    """
    if settings.SITE_URL:
        base = settings.SITE_URL.rstrip("/")
    else:
        current = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
        base = current.root_url if current else ""
    if request.is_secure() and base.startswith("http://"):
        return "https://" + base.removeprefix("http://")
    return base


def site(request):
    return {"site_name": site_name(request)}
