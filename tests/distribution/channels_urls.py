"""The site's URLs with the 视频号 views mounted as distribution/wagtail_hooks.py is to include them: in the
`distribution` namespace under /admin/distribution/, ahead of admin_views' patterns, behind Wagtail's
admin login (what its URL hook gives every admin view). Dropped once the hook includes them."""

from functools import update_wrapper

from django.urls import URLPattern, include, path
from wagtail.admin.auth import require_admin_access

from cms import urls as site_urls  # first: Wagtail's admin URLs, admin_views' among them, are wrapped by now
from distribution import admin_views, channels_views


def behind_admin_login(patterns):
    """Copies of the patterns behind Wagtail's admin login (decorate_urlpatterns would change the originals)."""
    return [
        URLPattern(
            pattern.pattern,
            update_wrapper(require_admin_access(pattern.callback), pattern.callback),
            pattern.default_args,
            pattern.name,
        )
        for pattern in patterns
    ]


urlpatterns = [
    path(
        "admin/distribution/", include((behind_admin_login(channels_views.urlpatterns) + admin_views.urlpatterns, "distribution"))
    ),
    *site_urls.urlpatterns,
]
