"""The page tree: one home, ten fixed columns, twenty-six fixed series, and the articles under them."""

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import ArticleBodyBlock
from ..content_checks import article_texts, find_sensitive_words
from ..permissions import FixedStructurePermissionTester
from ..taxonomy import load_taxonomy

TAXONOMY = load_taxonomy()
ARTICLES_PER_PAGE = 20
ORIGINAL_SOURCE = "本站原创"
SLUG_TAIL_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def paginate(request, queryset, per_page=ARTICLES_PER_PAGE):
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


class FixedStructurePage(Page):
    """A page whose place, slug and existence come from the taxonomy file, not from the admin."""

    intro = models.TextField(_("简介"), blank=True)

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
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["columns.ColumnPage"]

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        columns = list(ColumnPage.objects.child_of(self).live().specific())
        for column in columns:
            column.latest_articles = column.latest_articles()[:4]
        context["columns"] = columns
        return context


class ColumnPage(FixedStructurePage):
    max_count = len(TAXONOMY.columns)
    parent_page_types = ["columns.HomePage"]
    subpage_types = ["columns.SeriesPage"]

    class Meta:
        verbose_name = _("版块")
        verbose_name_plural = _("版块")
        permissions = [("manage_taxonomy", _("可以修改版块和序列的标题与简介"))]

    def latest_articles(self):
        return ArticlePage.objects.live().descendant_of(self).order_by("-date_published", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["series_list"] = SeriesPage.objects.child_of(self).live()
        context["articles"] = paginate(request, self.latest_articles())
        return context


class SeriesPage(FixedStructurePage):
    max_count = len(TAXONOMY.series)
    parent_page_types = ["columns.ColumnPage"]
    subpage_types = ["columns.ArticlePage"]

    class Meta:
        verbose_name = _("序列")
        verbose_name_plural = _("序列")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.live().child_of(self).order_by("-date_published", "-pk")
        context["articles"] = paginate(request, articles)
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey("columns.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE)


def dated_slug(parent):
    """A short URL for a Chinese-titled article: publication date plus a random tail, unique under its parent."""
    while True:
        slug = f"{timezone.localdate():%Y%m%d}-{get_random_string(4, SLUG_TAIL_ALPHABET)}"
        if parent is None or not parent.get_children().filter(slug=slug).exists():
            return slug


class ArticlePageForm(WagtailAdminPageForm):
    """Blocks any step towards publication while the article contains a sensitive word.

    Drafts still save, so an editor never loses work; submitting, publishing, restarting review
    and approving are refused with the word and where it is.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Chinese titles give no usable slug in the browser; an empty one gets a dated one on save.
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("留空则自动生成，如 20261125-k3x9。发布后请勿修改。")

    def clean_slug(self):
        return self.cleaned_data.get("slug") or dated_slug(self.parent_page)

    def is_moving_towards_publication(self):
        if any(key in self.data for key in ("action-submit", "action-publish", "action-restart-workflow")):
            return True
        return "action-workflow-action" in self.data and self.data.get("workflow-action-name") == "approve"

    def clean(self):
        cleaned_data = super().clean()
        if self.is_moving_towards_publication():
            texts = article_texts(*(cleaned_data.get(name) for name in ("title", "subtitle", "summary", "body")))
            hits = find_sensitive_words(texts)
            if hits:
                self.add_error(
                    None, _("含有敏感词，不能提交：%s。请修改后再提交。") % "；".join(hit.describe() for hit in hits)
                )
        return cleaned_data


class ArticlePage(Page):
    subtitle = models.CharField(_("副标题"), max_length=200, blank=True)
    summary = models.TextField(_("摘要"), max_length=500, blank=True, help_text=_("列表和分享卡片上显示，500字以内"))
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("正文"), blank=True)
    author = models.CharField(_("作者"), max_length=100)
    editor_in_charge = models.CharField(_("责任编辑"), max_length=50)
    source = models.CharField(_("来源"), max_length=100, default=ORIGINAL_SOURCE)
    original_title = models.CharField(_("原标题"), max_length=255, blank=True, help_text=_("转载时填写"))
    original_author = models.CharField(_("原作者"), max_length=100, blank=True, help_text=_("转载时填写"))
    original_url = models.URLField(_("原文链接"), blank=True)
    date_published = models.DateTimeField(_("发布时间"), default=timezone.now)
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("标签"))

    parent_page_types = ["columns.SeriesPage"]
    subpage_types = []
    base_form_class = ArticlePageForm

    content_panels = Page.content_panels + [
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
    ]

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")

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

    @property
    def series(self):
        return self.get_parent().specific

    @property
    def column(self):
        return self.get_parent().get_parent().specific


class TaxonomySyncRecord(models.Model):
    """What the sync last wrote for a slug, so it can tell an administrator's edit from its own.

    Kept outside the page on purpose: page fields travel with revisions, and a revision saved
    before a sync would bring back stale values when it is published.
    """

    slug = models.SlugField(unique=True, max_length=100)
    title = models.CharField(max_length=255)
    intro = models.TextField(blank=True)

    def __str__(self):
        return self.slug
