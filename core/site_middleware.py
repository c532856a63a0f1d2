"""Wagtail's site lookup and site root paths, held in each process until a site or its home page changes."""

import copy

from django.http.request import split_domain_port
from wagtail import views as wagtail_views
from wagtail.models import Site

from .page_cache import HeldUntilChanged

held_sites = HeldUntilChanged("site")  # bumped by an edited site and by a published home page or column
held_root_paths = HeldUntilChanged("site")


def site_with_home_page(request):
    site = Site._find_for_request(request)
    if site is not None:
        site.root_page.specific  # fetched now and kept with the site  # noqa: B018
    return site


class HeldSiteMiddleware:
    """Wagtail finds the site for every request with a ranking query, then loads its home page and
    the home page's specific row: three queries before routing starts. Here they run once per
    process and change. Each request gets its own copy of the Site; the home page and the root
    paths are shared and only read. Only for Wagtail's page view: other views neither pay nor gain."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not wagtail_views.serve:
            return None
        hostname = split_domain_port(request.get_host())[0]  # get_host() refuses hosts not allowed
        site = held_sites.get((hostname, request.get_port()), lambda: site_with_home_page(request))
        if site is not None:
            request._wagtail_site = copy.copy(site)
        # What page URLs are built from: Wagtail reads it from the shared cache once per request.
        request._wagtail_cached_site_root_paths = held_root_paths.get("all", Site.get_site_root_paths)
        return None
