"""Job fairs streamed live (招聘直播): the fair page, its live rooms and positions, the employers, and
the 招聘禁用词 list its positions are checked against."""

import functools
import time

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable, Page
from wagtail.search import index

from columns.models.pages import ListedPage, ReadablePageManager
from columns.models.word_lists import WordListEntry
from core.page_cache import accept_filters, also_depends_on, depends_on, expires_at
from media_center.chapters import MAX_TITLE as MAX_CHAPTER_TITLE
from media_center.chapters import Chapter, chapters_vtt
from media_center.choosers import video_chooser_viewset

from .credit_code import normalise_credit_code, validate_credit_code
from .filters import apply, chosen, fair_filters
from .forms import JobFairPageForm
from .job_posting import closes_at, is_open, job_posting, json_ld
from .state import FairState, fair_state, next_boundary

POSITIONS_PATH = "positions/"  # a position's page: <fair>/positions/<n>/
FAIR_SERIES = "zhaopin-zhibo"  # the only series job fairs are placed in (columns/taxonomy.toml)
NOW_PRESENTING_SECONDS = 2  # how long readers' polls of <fair>/now/ share one answer


@functools.cache
def _labels(choices, language):
    return {value: str(label) for value, label in choices.choices}


def label_of(choices, value):
    """A choice's label in the active language, translated once per process: Django's get_FOO_display()
    hashes every lazy label of the field on each call, a translation lookup each, which a list of
    300 positions paid 600 times per render."""
    return _labels(choices, get_language()).get(value, value)


def moment_of(position):
    """The position's time in the replay, or None (a reverse one-to-one raises when there is none)."""
    try:
        return position.moment
    except ObjectDoesNotExist:
        return None


def shelf_tag(fair_id):
    """What a press of 「正在讲解」 bumps in the page cache: the fair's now/ answer."""
    return f"shelf:{fair_id}"


def qr_svg(text):
    """`text` as a QR code in inline SVG, drawn here: nothing is fetched from elsewhere."""
    import segno

    return segno.make_qr(text, error="m").svg_inline(scale=4, border=2, dark="#1f2328")


def position_place(number, field_name):
    """第2个岗位·任职要求: where a message points an editor to."""
    field = Position._meta.get_field(field_name)
    return gettext("第%(number)d个岗位·%(field)s") % {"number": number, "field": capfirst(field.verbose_name)}


class Employer(models.Model):
    class Size(models.TextChoices):
        UNDER_50 = "lt50", _("50人以下")
        UNDER_100 = "50-99", _("50–99人")
        UNDER_500 = "100-499", _("100–499人")
        UNDER_1000 = "500-999", _("500–999人")
        UNDER_10000 = "1000-9999", _("1000–9999人")
        LARGER = "10000+", _("10000人以上")

    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        help_text=_("18位，见营业执照"),
    )
    industry = models.CharField(_("所属行业"), max_length=100)
    size = models.CharField(_("单位规模"), max_length=20, choices=Size.choices)
    address = models.CharField(_("单位地址"), max_length=255)
    logo = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("标志"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    introduction = models.TextField(_("单位简介"), max_length=500, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("credit_code"),
        FieldRowPanel([FieldPanel("industry"), FieldPanel("size")]),
        FieldPanel("address"),
        FieldPanel("logo"),
        FieldPanel("introduction"),
    ]

    class Meta:
        verbose_name = _("招聘单位")
        verbose_name_plural = _("招聘单位")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        """The code's check in clean(), not as a field validator: migrations name no module of the project."""
        super().clean()
        self.credit_code = normalise_credit_code(self.credit_code)
        try:
            validate_credit_code(self.credit_code)
        except ValidationError as error:
            raise ValidationError({"credit_code": error.messages}) from None


class RecruitmentBannedWord(WordListEntry):
    """A hit in a position's texts blocks the fair's submission: discrimination or a false promise."""

    class Category(models.TextChoices):
        SEX = "sex", _("性别")
        ETHNICITY = "ethnicity", _("民族")
        RELIGION = "religion", _("宗教信仰")
        ORIGIN = "origin", _("户籍与地域")
        DISABILITY = "disability", _("残疾")
        MARRIAGE = "marriage", _("婚育")
        PATHOGEN = "pathogen", _("病原携带")
        PROMISE = "promise", _("虚假承诺")
        OTHER = "other", _("其他")

    word = models.CharField(_("招聘禁用词"), max_length=100, unique=True)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, default=Category.OTHER)

    class Meta:
        verbose_name = _("招聘禁用词")
        verbose_name_plural = _("招聘禁用词")
        ordering = ["category", "word"]

    def __str__(self):
        return self.word


class RecruitmentAllowedPhrase(WordListEntry):
    """A phrase that holds a 招聘禁用词 but says the opposite (不限男女, 乙肝携带者可): a hit inside it does not count."""

    phrase = models.CharField(_("允许的说法"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("招聘用语例外")
        verbose_name_plural = _("招聘用语例外")
        ordering = ["phrase"]

    def __str__(self):
        return self.phrase


class JobFairPageTag(TaggedItemBase):
    content_object = ParentalKey("jobfairs.JobFairPage", related_name="tagged_items", on_delete=models.CASCADE)


class JobFairPage(RoutablePageMixin, ListedPage):
    start_at = models.DateTimeField(_("开始时间"))
    end_at = models.DateTimeField(_("结束时间"))
    venue = models.CharField(_("地点"), max_length=200, blank=True, help_text=_("线下会场；纯线上可不填"))
    organiser = models.CharField(_("主办单位"), max_length=200)
    intro = models.TextField(_("简介"), max_length=1000, blank=True)
    replay = models.ForeignKey(
        "media_center.Video",
        verbose_name=_("回放视频"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("直播结束后选择回放录像"),
    )
    tags = ClusterTaggableManager(through=JobFairPageTag, blank=True, verbose_name=_("标签"))

    objects = ReadablePageManager()

    parent_page_types = ["columns.SeriesPage"]
    subpage_types = []
    base_form_class = JobFairPageForm
    listed_fields = ("intro", "organiser", "start_at", "end_at", "replay")
    listed_related = ("replay",)  # its state (回放 or 已结束) in the list
    listing_template = "jobfairs/includes/fair_item.html"
    checked_fields = ("title", "venue", "organiser", "intro")  # by the word lists; positions by JobFairPageForm
    # A position's texts, checked against 敏感词 and 招聘禁用词 on the way to publication.
    position_checked_fields = ("job_title", "duties", "requirements", "benefits", "working_hours")
    # What the rules for online recruitment information ask of every position (JobFairPageForm).
    position_required_fields = (
        "employer",
        "job_title",
        "headcount",
        "pay_min",
        "pay_max",
        "pay_unit",
        "education",
        "experience",
        "duties",
        "district",
        "working_hours",
        "benefits",
        "contact",
        "valid_until",
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("start_at"), FieldPanel("end_at")]),
        FieldPanel("venue"),
        FieldPanel("organiser"),
        FieldPanel("intro"),
        FieldPanel("cover_image"),
        InlinePanel("live_rooms", heading=_("直播间"), label=_("直播间")),
        InlinePanel("positions", heading=_("岗位"), label=_("岗位")),
        FieldPanel("replay", widget=video_chooser_viewset.widget_class),
        FieldPanel("date_published"),
        FieldPanel("tags"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("organiser"),
        index.RelatedFields(
            "positions",
            [
                index.SearchField("job_title"),
                index.SearchField("duties"),
                index.RelatedFields("employer", [index.SearchField("name")]),
            ],
        ),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("start_at"),
        index.FilterField("column"),
    ]

    class Meta:
        verbose_name = _("招聘会")
        verbose_name_plural = _("招聘会")
        indexes = [  # as ArticlePage's: listings read a range off them, newest first
            models.Index(fields=["column", "-date_published", "-page_ptr"], name="fair_column_newest_first"),
            models.Index(fields=["series", "-date_published", "-page_ptr"], name="fair_series_newest_first"),
        ]

    @classmethod
    def can_exist_under(cls, parent):
        """Only in the 招聘直播 series: creating and moving elsewhere are not offered."""
        return super().can_exist_under(parent) and parent.slug == FAIR_SERIES

    def save(self, *args, **kwargs):
        """Positions and live rooms keep the order they were given in, made in code (the demo, an
        import) as in the admin's panels: a position's number is its address, positions/<n>/, and
        PostgreSQL, unlike SQLite, returns rows of equal (empty) sort order in any order."""
        for children in (self.positions, self.live_rooms):
            for place, child in enumerate(children.all()):
                if child.sort_order is None:
                    child.sort_order = place
        return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.start_at and self.end_at and self.end_at <= self.start_at:
            raise ValidationError({"end_at": _("结束时间应晚于开始时间。")})
        if self.path and self.depth and self.depth > 1:
            parent = self.get_parent()
            if parent is not None and parent.slug != FAIR_SERIES:
                raise ValidationError(_("招聘会只能放在“招聘直播”序列下。"))

    @classmethod
    def pinned_in(cls, series):
        """Fairs still to come or on air, soonest first, above the replays: the countdowns and live rooms first."""
        from columns.listings import page_listing

        coming = page_listing(cls.objects.filter(series=series, end_at__gt=timezone.now()))
        return list(coming.order_by("start_at", "pk"))

    def listing_text(self):
        return self.intro

    def shown_video_ids(self):
        return {self.replay_id} if self.replay_id else set()

    def listing_dependencies(self):
        return (f"video:{self.replay_id}",) if self.replay_id else ()

    def byline(self):
        return self.organiser

    def numbered_positions(self):
        return list(enumerate(self.positions.all(), start=1))

    def child_checked_texts(self):
        """Every position's texts, for the word lists at each review step (columns.content_checks.page_texts)."""
        return [
            (position_place(number, name), getattr(position, name))
            for number, position in self.numbered_positions()
            for name in self.position_checked_fields
            if getattr(position, name)
        ]

    def review_blocking_hits(self, final=False):
        """招聘禁用词 added to the list while the fair waits in review stop its approval too, except
        in a position 终审 let through. A position whose editor asked for 终审's decision
        (`override_request`) passes the earlier steps and stops only the last, until 终审 decides."""
        from .checks import find_banned_words

        return find_banned_words(
            (position_place(number, name), getattr(position, name))
            for number, position in self.numbered_positions()
            if not position.override_reason.strip() and (final or not position.override_request.strip())
            for name in self.position_checked_fields
            if getattr(position, name)
        )

    def positions_awaiting_override(self):
        """(number, position, hits) of the positions whose editor asked 终审 to let them through, not yet decided."""
        from .checks import find_banned_words

        waiting = []
        for number, position in self.numbered_positions():
            if position.override_request.strip() and not position.override_reason.strip():
                texts = [(position_place(number, name), getattr(position, name)) for name in self.position_checked_fields]
                hits = find_banned_words((where, text) for where, text in texts if text)
                if hits:
                    waiting.append((number, position, hits))
        return waiting

    @property
    def has_replay(self):
        return self.replay is not None and self.replay.is_watchable_by_public

    def state(self, now=None):
        return fair_state(self.start_at, self.end_at, self.has_replay, now or timezone.now())

    def changes_at(self, now=None):
        return next_boundary(self.start_at, self.end_at, now or timezone.now())

    def cache_dependencies(self):
        dependencies = super().cache_dependencies()
        return dependencies + [f"video:{self.replay_id}"] if self.replay_id else dependencies

    def serve(self, request, *args, **kwargs):
        # RoutablePageMixin calls a route's view itself, past CachedPage.serve: say what it depends on here.
        depends_on(request, *self.cache_dependencies())
        boundary = self.changes_at()
        if boundary is not None:  # nobody is shown 预告 after the start, or 直播中 after the end
            expires_at(request, boundary.timestamp())
        return super().serve(request, *args, **kwargs)

    def positions_in_order(self, with_clips=False):
        """The positions in order with their number (their address: positions/<n>/), employers read with
        them, and `timed`: where this replay presents each (times marked on an earlier replay do not count)."""
        related = ["employer", "employer__logo", "moment__clip" if with_clips else "moment"]
        positions = list(self.positions.select_related(*related))
        base = self.url or ""
        for number, position in enumerate(positions, start=1):
            position.number = number
            position.page_url = f"{base}{POSITIONS_PATH}{number}/"  # a reverse per position cost a fifth of the render
            moment = moment_of(position)
            position.timed = moment if moment is not None and moment.replay_id == self.replay_id else None
        return positions

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["state"] = self.state()
        context["live_rooms"] = self.live_rooms.all()
        return context

    @path("")
    def fair_index(self, request):
        """The fair with its positions, filtered by the query string, and the replay's chapters."""
        positions = self.positions_in_order()
        filters = fair_filters(positions, Position.Education.choices)
        picked, known = chosen(filters, request.GET)
        if known:
            accept_filters(request, *(fair_filter.key for fair_filter in filters))
        chapters = self.position_chapters(positions)
        return self.render(
            request,
            context_overrides={
                "filters": filters,
                "picked": picked,
                "all_positions": positions,
                "positions": apply(filters, picked, positions),
                "chapters": chapters,
                "chapters_url": self.url + self.reverse_subpage("replay_chapters") if chapters else None,
                "seek_at": {position.pk: position.timed.start for position in positions if position.timed},
            },
        )

    @staticmethod
    def position_chapters(positions):
        """The replay's chapters: one per position video staff marked, in the order they are presented."""
        timed = sorted((position for position in positions if position.timed), key=lambda position: position.timed.start)
        return [Chapter(p.timed.start, p.timed.end, chapter_title(p)) for p in timed]

    def presented_position(self, positions=None):
        """The position the host presents now (the last press of 「正在讲解」), numbered as in `positions`
        (positions_in_order) or, without them, by its place; None after 「讲解结束」 or before any press."""
        latest = self.shelf_presses.newest_first().first()
        if latest is None or latest.position_id is None:
            return None
        if positions is not None:
            return next((position for position in positions if position.pk == latest.position_id), None)
        position = self.positions.select_related("employer").filter(pk=latest.position_id).first()
        if position is not None:  # one row, not the fair's three hundred, on each renewal of now/
            position.number = self.positions.filter(sort_order__lt=position.sort_order).count() + 1
            position.page_url = f"{self.url}{POSITIONS_PATH}{position.number}/"
        return position

    @path("now/")
    def now_presenting(self, request):
        """What the host presents, for the fair page's pinned position: one answer for every reader, kept
        NOW_PRESENTING_SECONDS by the page cache and downstream, and renewed at once by a press."""
        also_depends_on(request, shelf_tag(self.pk))
        expires_at(request, time.time() + NOW_PRESENTING_SECONDS + 0.5)  # the page cache counts whole seconds down
        state = self.state()
        position = self.presented_position() if state == FairState.LIVE else None
        shown = None
        if position is not None:
            shown = {
                "number": position.number,
                "title": position.job_title,
                "employer": position.employer.name if position.employer else "",
                "pay": position.pay_text,
                "district": position.district,
                "headcount": position.headcount,
                "url": position.page_url,
            }
        return JsonResponse({"state": state.value, "position": shown})

    @path("chapters/")
    def replay_chapters(self, request):
        chapters = self.position_chapters(self.positions_in_order())
        if not chapters:
            raise Http404(gettext("回放还没有岗位章节。"))
        return HttpResponse(chapters_vtt(chapters), content_type="text/vtt; charset=utf-8")

    def is_complete(self, position):
        return all(getattr(position, name) not in (None, "") for name in self.position_required_fields)

    @path(f"{POSITIONS_PATH}<int:number>/")
    def position_page(self, request, number):
        positions = self.positions_in_order()
        if not 1 <= number <= len(positions):
            raise Http404(gettext("没有这个岗位。"))
        position = positions[number - 1]
        open_now = is_open(position)
        if open_now:  # the JobPosting markup goes at the end of its last valid day
            expires_at(request, closes_at(position).timestamp())
        posting = None
        if open_now and self.is_complete(position):  # a position approved half filled in gets no markup
            logo = position.employer.logo
            logo_url = logo.get_rendition("max-200x200").full_url if logo else None
            posting = job_posting(position, self, f"{self.full_url}{POSITIONS_PATH}{number}/", self.full_url, logo_url)
        return self.render(
            request,
            template="jobfairs/position_page.html",
            context_overrides={"position": position, "open_now": open_now, "job_posting": posting and json_ld(posting)},
        )

    @path("print/")
    def printable_list(self, request):
        return self.render(
            request,
            template="jobfairs/printable_list.html",
            context_overrides={"positions": self.positions_in_order(), "fair_url": self.full_url},
        )


def chapter_title(position):
    """Employer and position, on one line as a WebVTT cue must be."""
    title = f"{position.employer.name if position.employer else ''} {position.job_title}"
    return " ".join(title.split())[:MAX_CHAPTER_TITLE]


class LiveRoom(Orderable):
    class Platform(models.TextChoices):
        DOUYIN = "douyin", _("抖音")
        CHANNELS = "channels", _("视频号")
        OTHER = "other", _("其他")

    page = ParentalKey(JobFairPage, related_name="live_rooms", on_delete=models.CASCADE)
    platform = models.CharField(_("平台"), max_length=20, choices=Platform.choices)
    label = models.CharField(_("名称"), max_length=100, help_text=_("如：市总工会抖音号"))
    url = models.URLField(_("直播间链接"), blank=True)
    room_number = models.CharField(_("直播间号"), max_length=100, blank=True, help_text=_("微信里打不开链接时，观众可搜索此号"))

    panels = [FieldPanel("platform"), FieldPanel("label"), FieldPanel("url"), FieldPanel("room_number")]

    class Meta(Orderable.Meta):
        verbose_name = _("直播间")
        verbose_name_plural = _("直播间")

    def __str__(self):
        return self.label

    def qr_svg(self):
        """The link as a QR code: inside WeChat a Douyin link may not open, a scan from another phone does."""
        return qr_svg(self.url) if self.url else ""


class Position(Orderable):
    class PayUnit(models.TextChoices):
        MONTH = "month", _("元/月")
        DAY = "day", _("元/天")
        HOUR = "hour", _("元/小时")
        PIECE = "piece", _("元/件")

    class Education(models.TextChoices):
        ANY = "any", _("学历不限")
        JUNIOR = "junior", _("初中及以上")
        SENIOR = "senior", _("高中/中专/技校及以上")
        COLLEGE = "college", _("大专及以上")
        BACHELOR = "bachelor", _("本科及以上")
        MASTER = "master", _("硕士及以上")
        DOCTOR = "doctor", _("博士")

    class Experience(models.TextChoices):
        ANY = "any", _("经验不限")
        GRADUATE = "graduate", _("应届毕业生")
        UNDER_1 = "lt1", _("1年以下")
        YEARS_1_3 = "1-3", _("1–3年")
        YEARS_3_5 = "3-5", _("3–5年")
        YEARS_5_10 = "5-10", _("5–10年")
        OVER_10 = "10+", _("10年以上")

    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", _("全职")
        PART_TIME = "part_time", _("兼职")
        TEMPORARY = "temporary", _("临时工")
        INTERN = "intern", _("实习")

    page = ParentalKey(JobFairPage, related_name="positions", on_delete=models.CASCADE)
    employer = models.ForeignKey(
        Employer, verbose_name=_("招聘单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="positions"
    )
    job_title = models.CharField(_("岗位名称"), max_length=100, blank=True)
    headcount = models.PositiveIntegerField(_("招聘人数"), null=True, blank=True)
    employment_type = models.CharField(
        _("用工形式"), max_length=20, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME
    )
    pay_min = models.PositiveIntegerField(_("薪酬下限"), null=True, blank=True)
    pay_max = models.PositiveIntegerField(_("薪酬上限"), null=True, blank=True)
    pay_unit = models.CharField(_("薪酬单位"), max_length=10, choices=PayUnit.choices, blank=True)
    education = models.CharField(_("学历要求"), max_length=20, choices=Education.choices, blank=True)
    experience = models.CharField(_("经验要求"), max_length=20, choices=Experience.choices, blank=True)
    duties = models.TextField(_("岗位职责"), blank=True)
    requirements = models.TextField(_("任职要求"), blank=True)
    district = models.CharField(_("工作地点"), max_length=100, blank=True, help_text=_("所在区县"))
    working_hours = models.CharField(_("工作时间"), max_length=200, blank=True, help_text=_("如：做五休二，8:30–17:30"))
    benefits = models.CharField(_("福利待遇"), max_length=300, blank=True, help_text=_("如：五险一金、带薪年休假"))
    contact = models.CharField(_("联系方式"), max_length=200, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    override_request = models.CharField(
        _("申请放行"),
        max_length=300,
        blank=True,
        help_text=_("国家规定不适合某些人群的岗位（如井下作业）命中招聘禁用词时，写明依据；提交后由终审决定是否放行"),
    )
    override_reason = models.CharField(
        _("放行理由"),
        max_length=300,
        blank=True,
        help_text=_("仅终审可填：国家规定不适合某些人群的岗位（如井下作业），命中招聘禁用词时写明依据后放行"),
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("放行人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("employer"),
        FieldRowPanel([FieldPanel("job_title"), FieldPanel("headcount"), FieldPanel("employment_type")]),
        FieldRowPanel([FieldPanel("pay_min"), FieldPanel("pay_max"), FieldPanel("pay_unit")]),
        FieldRowPanel([FieldPanel("education"), FieldPanel("experience")]),
        FieldPanel("duties"),
        FieldPanel("requirements"),
        FieldRowPanel([FieldPanel("district"), FieldPanel("working_hours")]),
        FieldPanel("benefits"),
        FieldRowPanel([FieldPanel("contact"), FieldPanel("valid_until")]),
        MultiFieldPanel(
            [FieldPanel("override_request"), FieldPanel("override_reason")], heading=_("终审放行"), classname="collapsed"
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")

    def __str__(self):
        return self.job_title

    @property
    def pay_text(self):
        """6000–8000 元/月; one figure when both ends are the same."""
        if self.pay_min is None or self.pay_max is None:
            return ""
        figures = str(self.pay_min) if self.pay_min == self.pay_max else f"{self.pay_min}–{self.pay_max}"
        return f"{figures} {label_of(self.PayUnit, self.pay_unit)}"

    @property
    def education_text(self):
        return label_of(self.Education, self.education)


class PositionMoment(models.Model):
    """Where the replay presents a position: set by video staff on the replay's player.

    A model of its own, outside the fair's revisions: the 视频 role has no page permissions, and
    marking times changes nothing an editor wrote, so it needs no new revision and no new review.
    """

    position = models.OneToOneField(Position, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="moment")
    replay = models.ForeignKey(
        "media_center.Video",
        verbose_name=_("回放视频"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("时间标在这个回放上：招聘会换了回放，旧的时间不再算数"),
    )
    start = models.FloatField(_("起点（秒）"))
    end = models.FloatField(_("终点（秒）"))
    from_presses = models.BooleanField(
        _("来自讲解记录"), default=False, help_text=_("由直播时的「正在讲解」记录换算；视频人员在回放上标过的不再改动")
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设置人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(_("设置时间"), auto_now=True)
    clip = models.ForeignKey(
        "media_center.Video",
        verbose_name=_("岗位短视频"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("「生成短视频」从这段回放剪出的竖屏短视频"),
    )

    class Meta:
        verbose_name = _("岗位讲解时段")
        verbose_name_plural = _("岗位讲解时段")

    def __str__(self):
        return f"{self.position} {self.start:.2f}–{self.end:.2f}"


class ShelfPressQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-pressed_at", "-pk")


class ShelfPress(models.Model):
    """A press of 「正在讲解」 on a position (or of 「讲解结束」: no position) while the fair is live.

    The wall-clock time is what matters: with the replay's recording start it becomes the position's
    in point in the replay, and the next press its out point (`jobfairs.shelf`).
    """

    fair = models.ForeignKey(JobFairPage, verbose_name=_("招聘会"), on_delete=models.CASCADE, related_name="shelf_presses")
    # A position deleted later leaves its press as an end: the one before it still ends there.
    position = models.ForeignKey(
        Position, verbose_name=_("岗位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pressed_at = models.DateTimeField(_("时间"), default=timezone.now)
    pressed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ShelfPressQuerySet.as_manager()

    class Meta:
        verbose_name = _("讲解记录")
        verbose_name_plural = _("讲解记录")
        ordering = ["pressed_at", "pk"]
        indexes = [models.Index(fields=["fair", "-pressed_at"], name="shelf_press_latest")]

    def __str__(self):
        return f"{self.position or gettext('讲解结束')} {timezone.localtime(self.pressed_at):%H:%M:%S}"
