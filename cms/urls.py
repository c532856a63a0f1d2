from django.conf import settings
from django.http import HttpResponse
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls


def ping(request):
    """Liveness for a load balancer: answers without touching the database (and is the benchmark's ceiling)."""
    return HttpResponse("ok", content_type="text/plain")


# Django's own admin is not routed: nothing of the site is managed there, everything is in Wagtail's /admin/.
urlpatterns = [
    path("ping", ping),
    path("", include("ops.urls")),  # /healthz and /metrics
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("videos/", include("media_center.urls")),
    path("stats/", include("stats.urls")),
    path("interest/", include("signups.urls")),
    path("", include("columns.urls")),
]

if settings.SERVE_MEDIA:
    # Local media only in development (DEBUG or not); production serves it from object storage.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

urlpatterns += [path("", include(wagtail_urls))]

handler500 = "columns.views.server_error"
