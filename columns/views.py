"""Public views that are not pages: search, tags, robots.txt, the QR code of a page, the favicon, the 500 page."""

import segno
from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from taggit.models import Tag
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import views as sitemap_views
from wagtail.models import Page

from core.context_processors import site_url
from core.page_cache import depends_on
from core.pagination import paginate
from core.search import backend as chinese_search
from core.visibility import ReadablePageQuerySet
from media_center.models import Video

from .listings import listing, models_in
from .models import ArticlePage
from .models.pages import depends_on_items
from .structure import breadcrumb, series_of, site_structure

MAX_QUERY_LENGTH = 100
SEARCH_VIDEOS = 4
SEARCH_OTHERS = 4
MAX_QR_PATH = 300


def plain_body(article):
    return " ".join(strip_tags(text) for text in article.body.stream_block.get_searchable_content(article.body))


class SearchResult:
    def __init__(self, article, words):
        self.article = article
        self.title = chinese_search.highlight(article.title, words)
        text = article.summary if any(word in article.summary.lower() for word in words) else plain_body(article)
        self.excerpt = chinese_search.highlight(chinese_search.excerpt(text or article.summary, words), words)
        self.places = breadcrumb(article.path)  # column, series: no query per result


def other_results(query, column):
    """The best few of every other listed type (job fairs…) that may be in the column, shown above the articles."""
    found = []
    for model in models_in([series.slug for series in series_of(column)] if column else None):
        if model is ArticlePage:
            continue
        pages = model.objects.readable()
        if column:
            pages = pages.filter(column=column.pk)
        results = list(pages.select_related("cover_image", *model.listed_related).search(query)[:SEARCH_OTHERS])
        if results:
            found.append((model._meta.verbose_name_plural, results))
    return found


@require_GET
def search(request):
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    columns = site_structure().columns
    column = next((column for column in columns if column.slug == request.GET.get("column")), None)
    context = {"query": query, "columns": columns, "column": column, "results": None, "videos": []}
    words = chinese_search.highlight_words(query)
    if words:
        articles = ArticlePage.objects.readable().select_related("cover_image")
        if column:
            articles = articles.filter(column=column.pk)
        results = paginate(request, articles.search(query))
        results.object_list = [SearchResult(article, words) for article in results.object_list]
        context["results"] = results
        context["other_results"] = other_results(query, column)
        if column is None:
            context["videos"] = list(Video.objects.listed().search(query)[:SEARCH_VIDEOS])
    return render(request, "columns/search.html", context)


@require_GET
def tag(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    articles = paginate(request, listing(None, Q(tagged_items__tag=tag)))
    if not articles.object_list and articles.number == 1:
        raise Http404(_("没有这个标签的文章。"))
    depends_on(request, "articles")
    depends_on_items(request, articles.object_list)
    return render(request, "columns/tag.html", {"tag": tag, "articles": articles})


class ReadableSitemap(Sitemap):
    def items(self):
        pages = ReadablePageQuerySet(Page).descendant_of(self.get_wagtail_site().root_page, inclusive=True)
        return pages.readable().order_by("path").defer_streamfields().specific()


SITEMAPS = {"pages": ReadableSitemap}


@require_GET
def sitemap_index(request):
    depends_on(request, "articles")
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap_section")


@require_GET
def sitemap_section(request, section):
    depends_on(request, "articles")
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /search/",
        "Disallow: /videos/*/file/",
        "Disallow: /videos/*/playlist/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def is_site_path(path):
    """A path of this site and nothing else: no host (`//`, `\\`), and no control character or space,
    which URL parsers drop or read as a separator (`/%09/evil.example` reads as `//evil.example`)."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path or len(path) > MAX_QR_PATH:
        return False
    return not any(character.isspace() or ord(character) < 0x20 or ord(character) == 0x7F for character in path)


@require_GET
def share_qr(request):
    """The QR code of one of this site's pages, for desktop readers to open it on a phone.

    The address is the site's configured base URL plus the path, so the code never sends a reader elsewhere.
    """
    path = request.GET.get("path", "")
    if not is_site_path(path):
        return HttpResponseBadRequest(_("只能生成本站网址的二维码。"), content_type="text/plain; charset=utf-8")
    svg = segno.make_qr(site_url(request) + path, error="m").svg_inline(scale=4, border=2, dark="#1f2328")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the site's icon."""
    response = HttpResponseRedirect(static("favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


def server_error(request):
    """The 500 page in the site's style, rendered without context processors or a request:
    the database may well be what failed, so nothing on it may need one."""
    return HttpResponseServerError(loader.render_to_string("500.html", {"site_name": settings.WAGTAIL_SITE_NAME}))
