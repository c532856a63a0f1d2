"""The page tree: one home, ten fixed columns, twenty-six fixed series, and the articles under them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, TitleFieldPanel
from wagtail.models import Page, PageManager, PageViewRestriction
from wagtail.search import index

from core.fields import StreamField
from core.page_cache import also_depends_on, depends_on, expires_at, page_tag
from core.pagination import paginate
from core.visibility import ReadablePageQuerySet, restricted_paths

from ..blocks import ArticleBodyBlock
from ..forms import ArticlePageForm
from ..listings import cover_renditions, listing, models_in, page_listing, pinned_in
from ..permissions import FixedStructurePermissionTester
from ..structure import breadcrumb, series_of
from ..taxonomy import load_taxonomy
from ..tree import ARTICLE_DEPTH, COLUMN_DEPTH, SERIES_DEPTH, ancestor_path

TAXONOMY = load_taxonomy()
LEAD_COVER_FILTER = "fill-750x420"
HOME_ARTICLES_PER_COLUMN = 4
HOME_VIDEOS = 4
ORIGINAL_SOURCE = "本站原创"


def places_of(path):
    """The ids of the column and the series a page at tree `path` sits in (None outside them)."""
    column_path, series_path = ancestor_path(path, COLUMN_DEPTH), ancestor_path(path, SERIES_DEPTH)
    found = dict(Page.objects.filter(path__in=[column_path, series_path]).values_list("path", "pk"))
    return found.get(column_path), found.get(series_path)


ReadablePageManager = PageManager.from_queryset(ReadablePageQuerySet)


class CachedPage:
    """A page served from the whole-page cache until it, or a listing it shows, changes."""

    def get_view_restrictions(self):
        """Wagtail checks the page and its ancestors for restrictions before every render, in two
        queries; a site that has none (the usual case) skips them."""
        if not restricted_paths():
            nothing = PageViewRestriction.objects.none()
            nothing._result_cache = []  # iterated on every render: not even compiled to SQL
            return nothing
        return super().get_view_restrictions()

    def cache_dependencies(self):
        return [page_tag(self)]

    def serve(self, request, *args, **kwargs):
        depends_on(request, *self.cache_dependencies())
        return super().serve(request, *args, **kwargs)

    def breadcrumb(self):
        return breadcrumb(self.path)


def depends_on_items(request, pages):
    also_depends_on(request, *(tag for page in pages for tag in page.listing_dependencies()))


class FixedStructurePage(CachedPage, Page):
    """A page whose place, slug and existence come from the taxonomy file, not from the admin."""

    intro = models.TextField(_("简介"), blank=True)

    objects = ReadablePageManager()

    content_panels = Page.content_panels + [FieldPanel("intro")]
    promote_panels = [
        MultiFieldPanel(
            [FieldPanel("slug", read_only=True), FieldPanel("seo_title"), FieldPanel("search_description")],
            heading=_("搜索引擎"),
        )
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        abstract = True

    def permissions_for_user(self, user):
        return FixedStructurePermissionTester(user, self)

    def clean(self):
        super().clean()
        if self.pk:
            stored_slug = type(self).objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            if stored_slug and stored_slug != self.slug:
                raise ValidationError({"slug": _("栏目和序列的网址固定，不能修改。")})


class HomePage(FixedStructurePage):
    lead_article = models.ForeignKey(
        "columns.ArticlePage",
        verbose_name=_("头条"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("首页顶部的头条文章；不选则用最新一篇有封面图的文章"),
    )

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["columns.ColumnPage"]
    content_panels = FixedStructurePage.content_panels + [FieldPanel("lead_article")]

    class Meta:
        verbose_name = _("首页")

    def cache_dependencies(self):
        return [page_tag(self), "videos"]

    def route(self, request, path_components):
        """Any page below the home page in one query, by its URL path.

        Wagtail walks down a level at a time, two queries per level (the child, then its specific
        row), so an article cost six before its own page was even built. The fixed structure says
        which type lives at each depth, and the listed types which series they may sit in (a job
        fair: one more query, in 招聘直播 only); anything else takes Wagtail's way.
        """
        levels = min(len(path_components), ARTICLE_DEPTH - self.depth)  # what is past an article is its own route
        depth, here, below = self.depth + levels, path_components[:levels], path_components[levels:]
        candidates = {COLUMN_DEPTH: [ColumnPage], SERIES_DEPTH: [SeriesPage]}.get(depth)
        if depth == ARTICLE_DEPTH:  # an article, or another listed type that may sit in this series
            candidates = models_in(here[-2:-1])
        if candidates is None or not path_components:
            return super().route(request, path_components)
        url_path = self.url_path + "".join(f"{component}/" for component in here)
        for model in candidates:
            found = model.objects.filter(depth=depth, slug=here[-1], url_path=url_path)
            if issubclass(model, ListedPage):  # the cover in the same query (its place comes from structure.py)
                found = found.select_related("cover_image")
            page = found.first()
            if page is not None:
                return page.route(request, below)
        return super().route(request, path_components)

    def lead_story(self):
        chosen = page_listing(ArticlePage.objects.filter(pk=self.lead_article_id), LEAD_COVER_FILTER).first()
        if chosen:
            return chosen
        return page_listing(ArticlePage.objects.filter(cover_image__isnull=False), LEAD_COVER_FILTER).first()

    def get_context(self, request, *args, **kwargs):
        from media_center.models import Video

        context = super().get_context(request, *args, **kwargs)
        lead = self.lead_story()
        others = ~Q(pk=lead.pk) if lead else Q()  # the lead once, on top
        columns = list(ColumnPage.objects.child_of(self).readable())
        for column in columns:  # the covers of all ten lists in one query, not one per column
            latest = listing(column.series_slugs(), others & Q(column=column), cover_filter=None)
            column.latest = list(latest[:HOME_ARTICLES_PER_COLUMN])
        prefetch_related_objects([article for column in columns for article in column.latest], cover_renditions())
        context["columns"] = columns
        context["lead"] = lead
        context["latest_videos"] = Video.objects.listed()[:HOME_VIDEOS]
        return context


class ColumnPage(FixedStructurePage):
    max_count = len(TAXONOMY.columns)
    parent_page_types = ["columns.HomePage"]
    subpage_types = ["columns.SeriesPage"]

    class Meta:
        verbose_name = _("版块")
        verbose_name_plural = _("版块")
        permissions = [("manage_taxonomy", _("可以修改版块和序列的标题与简介"))]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["series_list"] = series_of(self)
        context["articles"] = paginate(request, listing(self.series_slugs(), Q(column=self)), page_tag(self))
        depends_on_items(request, context["articles"].object_list)
        return context

    def series_slugs(self):
        return [series.slug for series in series_of(self)]


class SeriesPage(FixedStructurePage):
    max_count = len(TAXONOMY.series)
    parent_page_types = ["columns.ColumnPage"]
    subpage_types = ["columns.ArticlePage"]

    class Meta:
        verbose_name = _("序列")
        verbose_name_plural = _("序列")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["pinned"] = pinned = pinned_in(self)
        for page in pinned:
            if (when := page.changes_at()) is not None:
                expires_at(request, when.timestamp())
        shown_above = ~Q(pk__in=[page.pk for page in pinned])
        context["articles"] = paginate(request, listing([self.slug], Q(series=self) & shown_above), page_tag(self))
        depends_on_items(request, [*pinned, *context["articles"].object_list])
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey("columns.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE)


class ArticleTitlePanel(TitleFieldPanel):
    """The title, without Wagtail's copying of it into the slug as it is typed.

    That copy keeps the Chinese characters (WAGTAIL_ALLOW_UNICODE_SLUGS), and each becomes nine characters
    of percent-escapes in the address; an article's slug left empty is dated instead (ArticlePageForm).
    """

    class BoundPanel(TitleFieldPanel.BoundPanel):
        def get_should_apply(self):
            return False


class ListedPage(CachedPage, Page):
    """A page listed with the articles (columns.listings): its cover, date and place on its own row.

    The column and series are copied from the tree on every save and move, so that a listing is one
    index range, newest first, rather than a sort of every page below a column: each subclass keeps
    its own newest-first indexes (see ArticlePage's).
    """

    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    date_published = models.DateTimeField(_("发布时间"), default=timezone.now)
    column = models.ForeignKey(
        "columns.ColumnPage",
        null=True,
        editable=False,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("版块"),
    )
    series = models.ForeignKey(
        "columns.SeriesPage",
        null=True,
        editable=False,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("序列"),
    )

    listed_fields = ()  # what its list item, feed entry and lead story show besides LISTED_FIELDS
    listed_related = ()  # foreign keys among them a list item follows: read in the same query
    listing_template = "columns/includes/article_item.html"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Also undoes a stale place brought back by publishing a revision saved before a move.
        self.column_id, self.series_id = places_of(self.path)
        return super().save(*args, **kwargs)

    @classmethod
    def pinned_in(cls, series):
        """Pages of this type shown above the series' newest-first listing, and left out of it."""
        return []

    def shown_video_ids(self):
        """The videos this page plays: public when it is published where anyone may read it, private again under a restriction."""
        return set()

    def listing_dependencies(self):
        """Cache tags a list showing this page depends on besides the pages' own (a fair's replay: 回放 or 已结束)."""
        return ()

    def changes_at(self):
        """When what this page shows changes by itself (a countdown ends), or None: no cached copy outlives it."""
        return None


def on_listed_page_moved(sender, instance, **kwargs):
    """Wagtail saves a moved page as a plain Page, past ListedPage.save: record its new place here."""
    column_id, series_id = places_of(instance.path)
    sender.objects.filter(pk=instance.pk).update(column_id=column_id, series_id=series_id)


class ArticlePage(ListedPage):
    subtitle = models.CharField(_("副标题"), max_length=200, blank=True)
    summary = models.TextField(_("摘要"), max_length=500, blank=True, help_text=_("列表和分享卡片上显示，500字以内"))
    body = StreamField(ArticleBodyBlock(), verbose_name=_("正文"), blank=True)
    author = models.CharField(_("作者"), max_length=100)
    editor_in_charge = models.CharField(_("责任编辑"), max_length=50)
    source = models.CharField(_("来源"), max_length=100, default=ORIGINAL_SOURCE)
    original_title = models.CharField(_("原标题"), max_length=255, blank=True, help_text=_("转载时填写"))
    original_author = models.CharField(_("原作者"), max_length=100, blank=True, help_text=_("转载时填写"))
    original_url = models.URLField(_("原文链接"), blank=True)
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("标签"))

    objects = ReadablePageManager()

    parent_page_types = ["columns.SeriesPage"]
    subpage_types = []
    base_form_class = ArticlePageForm
    checked_fields = ("title", "subtitle", "summary", "body")  # by the word lists (content_checks.py)
    listed_fields = ("subtitle", "summary", "author")

    content_panels = [
        ArticleTitlePanel("title"),
        FieldPanel("subtitle"),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("author"), FieldPanel("editor_in_charge"), FieldPanel("source"), FieldPanel("date_published")],
            heading=_("署名与来源"),
        ),
        MultiFieldPanel(
            [FieldPanel("original_title"), FieldPanel("original_author"), FieldPanel("original_url")],
            heading=_("转载信息"),
            classname="collapsed",
        ),
        FieldPanel("tags"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("subtitle"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("author"),
        index.AutocompleteField("subtitle"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("date_published"),
        index.FilterField("column"),
    ]

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        # Every listing is newest first: with this index a page of 20 is read off the index,
        # not sorted out of all 100,000 articles.
        indexes = [
            models.Index(fields=["-date_published", "-page_ptr"], name="article_newest_first"),
            models.Index(fields=["column", "-date_published", "-page_ptr"], name="article_column_newest_first"),
            models.Index(fields=["series", "-date_published", "-page_ptr"], name="article_series_newest_first"),
            # The home page's lead story is the newest with a cover: without this, a run of
            # articles without covers is read through one by one.
            models.Index(
                fields=["-date_published", "-page_ptr"],
                condition=models.Q(cover_image__isnull=False),
                name="article_covered_newest_first",
            ),
        ]

    def listing_text(self):
        return self.summary or self.subtitle

    def byline(self):
        return self.author

    @property
    def is_repost(self):
        return bool(self.original_title or self.original_author or self.original_url)

    def clean(self):
        super().clean()
        if self.is_repost:
            errors = {}
            if not self.original_title:
                errors["original_title"] = _("转载文章必须注明原标题。")
            if not self.original_author:
                errors["original_author"] = _("转载文章必须注明原作者。")
            if self.source.strip() in ("", ORIGINAL_SOURCE):
                errors["source"] = _("转载文章必须注明来源媒体或单位。")
            if errors:
                raise ValidationError(errors)

    def shown_video_ids(self):
        return {block.value["video"].pk for block in self.body if block.block_type == "video" and block.value["video"]}

    @property
    def has_video(self):
        return any(block.block_type == "video" for block in self.body)
