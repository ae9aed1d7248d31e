"""Public pages are cacheable: a browser or a shared cache (the TLS proxy, a CDN) may keep
a page an anonymous visitor fetched for ``PUBLIC_MAX_AGE`` seconds, and after that ask
again with ``If-None-Match``; the answer is ``304 Not Modified`` without rendering
anything while the data, the day and the deployed code are the same.

A page is public when it is one of the ``commitments`` pages (lists, details, the
dashboard, the feeds and the CSV exports), fetched with GET or HEAD by a visitor without
a session cookie, and answered 200 without setting a cookie and without ``Vary: Cookie``.
Everything else (the admin, any request of a signed-in researcher, the alerts pages with
their forms, errors) is ``private, no-cache, no-store``, unless the view said otherwise.

Each server process also keeps the rendered public pages it served, under their address
and ETag, so a popular page is rendered once per change (``PUBLIC_PAGE_CACHE_SECONDS``).
"""

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    has_vary_header,
    patch_cache_control,
)
from django.utils.http import quote_etag

from commitments import versions

PUBLIC_MAX_AGE = 60  # seconds
PUBLIC_NAMESPACE = "commitments"
PAGE_CACHE_MAX_BYTES = 1024 * 1024
PROJECT_DIRS = ("templates", "locale", "tracker", "commitments", "alerts")


def data_version():
    """Changes with every write to the data public pages show: the version every write
    path raises in its transaction (``commitments.versions``). One query."""
    return versions.current()


def code_version():
    """The newest modification time of the code, templates and translations that make the
    pages, read once per process: a deployment changes every page's ETag. With debug on,
    on every request, so an edited template shows at once."""
    return newest_code_change() if settings.DEBUG else newest_code_change_once()


def newest_code_change():
    roots = [Path(settings.BASE_DIR) / name for name in PROJECT_DIRS]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    newest = manifest.stat().st_mtime if manifest.exists() else 0.0
    for root in roots:
        for pattern in ("*.py", "*.html", "*.txt", "*.svg", "*.mo"):
            for path in root.rglob(pattern):
                newest = max(newest, path.stat().st_mtime)
    return str(newest)


newest_code_change_once = cache(newest_code_change)


def page_etag():
    """One ETag for every public page (each URL is its own cache entry): the data, today's
    date (deadlines turn overdue at midnight) and the code. Weak, as it names the content,
    not its bytes."""
    parts = f"{data_version()}|{timezone.localdate().isoformat()}|{code_version()}"
    return "W/" + quote_etag(hashlib.sha256(parts.encode()).hexdigest()[:32])


def is_public_request(request):
    match = request.resolver_match
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and match is not None
        and match.namespace == PUBLIC_NAMESPACE
    )


class PublicPageCacheMiddleware:
    """``Cache-Control: public, max-age=60`` and an ETag on public pages, and 304 on a
    conditional GET with that ETag before the view runs. It sits before the session and
    CSRF middleware, so it sees the cookies and ``Vary`` they add."""

    def __init__(self, get_response):
        self.get_response = get_response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_public_request(request):
            return None
        request.public_etag = page_etag()
        return get_conditional_response(request, etag=request.public_etag) or stored_page(request)

    def __call__(self, request):
        response = self.get_response(request)
        etag = getattr(request, "public_etag", None)
        if (
            etag
            and response.status_code in (200, 304)
            and not response.cookies
            and not has_vary_header(response, "Cookie")
            and not response.has_header("Cache-Control")
        ):
            store_page(request, response)
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
            response.headers.setdefault("ETag", etag)
        elif not response.has_header("Cache-Control"):
            add_never_cache_headers(response)  # private, no-cache, no-store
        return response


# Rendered public pages, kept in the server's own cache (``CACHES["pages"]``, in each
# process's memory) under their full address and ETag: a page is rendered once per
# process until the data, the day or the code changes, and a change is never served
# stale. Streamed responses (CSV exports) and large pages are not kept.


def page_key(request):
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"page:{request.public_etag}:{address}"


def stored_page(request):
    if not settings.PUBLIC_PAGE_CACHE_SECONDS:
        return None
    stored = caches["pages"].get(page_key(request))
    if stored is None:
        return None
    content, headers = stored
    return HttpResponse(content, headers=headers)


def store_page(request, response):
    if (
        settings.PUBLIC_PAGE_CACHE_SECONDS
        and request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and len(response.content) <= PAGE_CACHE_MAX_BYTES
    ):
        headers = {k: v for k, v in response.headers.items() if k not in ("ETag", "Vary")}
        caches["pages"].set(
            page_key(request), (response.content, headers), settings.PUBLIC_PAGE_CACHE_SECONDS
        )
