"""Content-Security-Policy: one strict policy for the public site, a relaxed one for the admin.

The policies themselves are settings (cms/settings/base.py, "Content-Security-Policy (django-csp)"):
CONTENT_SECURITY_POLICY for the public site, CONTENT_SECURITY_POLICY_ADMIN for the paths in
CONTENT_SECURITY_POLICY_ADMIN_PREFIXES. This middleware (django-csp's, subclassed as its documentation
suggests) picks one of the two by the request's path and adds the origins of the storages.

Why two policies:

- The public site runs no inline code at all: every script is a file under /static/ (script-src
  'self'), no `style` attribute or `<style>` element (style-src 'self'), no event-handler attributes.
  No nonce either, on purpose: whole pages are cached (core/page_cache.py, and a CDN in front) and
  served to every reader, so a nonce would be the same for everybody for minutes, which is no nonce.
- Wagtail 8's admin still writes inline `<script>` elements, `style` attributes and event handlers
  into its pages (and so do the admin widgets of the packages it uses), so /admin/ gets
  'unsafe-inline' for scripts and styles. It is still locked to our own origin and the storages':
  nothing from a foreign host loads, nothing posts elsewhere, it cannot be framed by another site.
  Only signed-in staff see these pages. (With 'unsafe-inline' a nonce must stay out of that policy:
  a browser that sees a nonce ignores 'unsafe-inline'.)

The storages' origins: with S3 configured, images (renditions), posters, storyboard sprites, HLS
segments and MP4 files are presigned URLs on the bucket's host, and the admin uploads video parts
there directly. That host is read from the storages themselves (the URL they sign for a file), so
it is whatever they really sign: the endpoint, path or virtual-host addressing, a custom domain.
"""

import logging
import weakref
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.files.storage import storages

log = logging.getLogger(__name__)

# Where files from the storages are fetched by the browser: <img>, CSS backgrounds, <video>/<track>, and XHR
# (hls.js loads segments with XHR; the admin uploads parts with fetch).
STORAGE_DIRECTIVES = ("img-src", "media-src", "connect-src")
_origins = weakref.WeakKeyDictionary()  # storage instance: its origin or None (reset with the storages)


def storage_origin(storage):
    """The scheme://host[:port] a storage's URLs point at, or None when they are our own (relative) or it has none."""
    if storage not in _origins:
        try:
            parts = urlsplit(storage.url("csp-origin-probe"))
        except (ValueError, NotImplementedError):  # a storage without URLs: the private videos folder
            parts = None
        except Exception:  # a storage that cannot sign (settings wrong): its files will not load either
            log.warning("Content-Security-Policy: no URL from the storage %r", storage, exc_info=True)
            parts = None
        _origins[storage] = f"{parts.scheme}://{parts.netloc}" if parts and parts.scheme and parts.netloc else None
    return _origins[storage]


def storage_origins():
    """The origins of every storage but the static files' (served by us, or by the same proxy), sorted."""
    found = set()
    for alias in settings.STORAGES:
        if alias == "staticfiles":
            continue
        origin = storage_origin(storages[alias])
        if origin:
            found.add(origin)
    return sorted(found)


def is_admin_path(path):
    return path.startswith(tuple(settings.CONTENT_SECURITY_POLICY_ADMIN_PREFIXES))


class PolicyByPathMiddleware(CSPMiddleware):
    """django-csp's middleware with the admin's relaxed policy under the admin's prefixes and the
    storages' origins added to both. A view's own @csp/@csp_update/@csp_replace still win."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        if parts.config is None and is_admin_path(request.path_info):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        origins = storage_origins()
        if origins:
            update = dict(parts.update or {})
            for directive in STORAGE_DIRECTIVES:
                given = update.get(directive) or ()
                update[directive] = [*([given] if isinstance(given, str) else given), *origins]
            parts.update = update
        return parts
