"""What a page says on the Official Account: its title, author, digest, cover and body as our own HTML.

The body keeps our images as references (`image:<pk>`, `poster:<video pk>`), read by `image_data` when
the worker re-hosts them on WeChat (`media/uploadimg`); the plain converter (platforms/wechat_content.py)
then keeps only what WeChat shows, styles it inline and makes links to our pages absolute.
"""

import re
from dataclasses import dataclass
from html import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.rich_text import expand_db_html

from columns.models import ArticlePage, SiteSettings
from jobfairs.models import JobFairPage
from media_center import storage
from media_center.models import Video

IMAGE_REFERENCE = re.compile(r"^(image|poster):(\d+)$")


@dataclass(frozen=True)
class ArticleParts:
    title: str
    author: str
    digest: str
    html: str
    source_url: str  # 阅读原文: the page on our site
    cover: object  # a Wagtail image, or None when neither the page nor the site has one


def paragraph(text):
    return "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())


def figure(reference, caption="", link=""):
    image = f'<img src="{reference}" alt="{escape(caption)}">'
    if link:
        image = f'<a href="{escape(link)}">{image}</a>'
    return f"<figure>{image}{f'<figcaption>{escape(caption)}</figcaption>' if caption else ''}</figure>"


def image_reference(image):
    return f"image:{image.pk}"


def body_html(page, page_url):
    """The article's blocks, in order, as HTML the converter understands."""
    parts = []
    for block in page.body:
        value = block.value
        if block.block_type == "paragraph":
            parts.append(expand_db_html(value.source))
        elif block.block_type == "image":
            parts.append(figure(image_reference(value["image"]), value["caption"]))
        elif block.block_type == "gallery":
            if value["title"]:
                parts.append(f"<h3>{escape(value['title'])}</h3>")
            parts.extend(figure(image_reference(item["image"]), item["caption"]) for item in value["images"])
        elif block.block_type == "quote":
            attribution = f"<p>—— {escape(value['attribution'])}</p>" if value["attribution"] else ""
            parts.append(f"<blockquote>{paragraph(value['text'])}{attribution}</blockquote>")
        elif block.block_type == "video":
            parts.append(video_html(value["video"], value["caption"], page_url))
        elif block.block_type == "link_card":
            parts.append(link_card_html(value))
    return "".join(parts)


def video_html(video, caption, page_url):
    """WeChat plays no outside video: the poster, linking to the page where it plays."""
    if video is None:
        return ""
    note = caption or video.title
    if video.poster:
        return figure(f"poster:{video.pk}", _("▶ 视频：%(title)s（点击观看）") % {"title": note}, page_url)
    return f'<p><a href="{escape(page_url)}">{escape(_("▶ 观看视频：%(title)s") % {"title": note})}</a></p>'


def link_card_html(value):
    image = figure(image_reference(value["image"])) if value["image"] else ""
    summary = paragraph(value["summary"]) if value["summary"] else ""
    return f'<section>{image}<p><a href="{escape(value["url"])}">{escape(value["title"])}</a></p>{summary}</section>'


def credits_html(page):
    lines = [_("来源：%(source)s") % {"source": page.source}] if page.source else []
    if page.is_repost:
        lines.append(_("原标题：%(title)s　原作者：%(author)s") % {"title": page.original_title, "author": page.original_author})
    if page.editor_in_charge:
        lines.append(_("责任编辑：%(editor)s") % {"editor": page.editor_in_charge})
    return "".join(f"<p>{escape(line)}</p>" for line in lines)


def site_cover(page):
    site = page.get_site()
    return SiteSettings.for_site(site).share_image if site else None


def article_parts(page):
    page_url = page.get_full_url()
    subtitle = f"<h3>{escape(page.subtitle)}</h3>" if page.subtitle else ""
    return ArticleParts(
        title=page.title,
        author=page.author,
        digest=page.summary or page.subtitle,
        html=subtitle + body_html(page, page_url) + credits_html(page),
        source_url=page_url,
        cover=page.cover_image or site_cover(page),
    )


def fair_parts(page):
    """Its intro and facts, a table of the positions by employer, and the way to the fair's page."""
    page_url = page.get_full_url()
    start, end = timezone.localtime(page.start_at), timezone.localtime(page.end_at)
    facts = [
        (_("时间：%(value)s"), f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}" if start.date() == end.date()
         else f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"),
        (_("地点：%(value)s"), page.venue or _("线上直播")),
        (_("主办单位：%(value)s"), page.organiser),
    ]  # fmt: skip
    html = [paragraph(page.intro)]
    html.append("".join(f"<p>{escape(line % {'value': value})}</p>" for line, value in facts))
    html.append(positions_html(page))
    html.append(
        f"<p>{escape(_('报名方式：打开招聘会页面，在岗位下点「我感兴趣」留下联系方式。'))}"
        f'<a href="{escape(page_url)}">{escape(_("进入招聘会页面"))}</a></p>'
    )
    return ArticleParts(
        title=page.title,
        author=page.organiser,
        digest=fair_digest(page, start),
        html="".join(html),
        source_url=page_url,
        cover=page.cover_image or site_cover(page),
    )


def fair_digest(page, start):
    """When, where and how many: what a reader scanning the account's list needs, and always within 128."""
    positions = page.positions_in_order()
    return _("%(when)s · %(where)s · %(employers)d 家单位 %(positions)d 个岗位") % {
        "when": f"{start:%m-%d %H:%M}",
        "where": (page.venue or _("线上直播"))[:40],
        "employers": len({position.employer_id for position in positions}),
        "positions": len(positions),
    }


def positions_html(page):
    """WeChat's allowed tags hold no table: each employer a heading, each position a row of its facts."""
    by_employer = {}
    for position in page.positions_in_order():
        by_employer.setdefault(position.employer, []).append(position)
    html = [f"<h2>{escape(_('招聘岗位'))}</h2>"]
    for employer, positions in by_employer.items():
        html.append(f"<h3>{escape(employer.name if employer else _('招聘单位'))}</h3>")
        for position in positions:
            facts = [
                _("%(count)d 人") % {"count": position.headcount} if position.headcount else "",
                position.pay_text,
                position.education_text,
                position.district,
            ]
            html.append(
                f"<section><p><strong>{escape(position.job_title)}</strong></p>"
                f"<p>{escape(' · '.join(fact for fact in facts if fact))}</p></section>"
            )
    return "".join(html)


BUILDERS = {ArticlePage: article_parts, JobFairPage: fair_parts}


def builder_for(page):
    """How this kind of page becomes an Official Account article, or None for kinds that do not."""
    return BUILDERS.get(page.specific_class)


def image_data(reference):
    """The original bytes behind a body reference (the converter shrinks and converts them), or None."""
    match = IMAGE_REFERENCE.match(reference)
    if not match:
        return None
    kind, pk = match.group(1), int(match.group(2))
    if kind == "image":
        image = get_image_model().objects.filter(pk=pk).first()
        return read_image(image) if image else None
    video = Video.objects.filter(pk=pk).exclude(poster="").first()
    return b"".join(storage.read_range(video.poster, 0, storage.size_of(video.poster))) if video else None


def read_image(image):
    with image.open_file() as file:
        return file.read()
