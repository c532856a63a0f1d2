from django.conf import settings
from wagtail.models import Site


def site(request):
    """The site's name for titles, the header and share cards (设置 → 站点, else WAGTAIL_SITE_NAME)."""
    current = Site.find_for_request(request)
    return {"site_name": (current.site_name if current else "") or settings.WAGTAIL_SITE_NAME}
