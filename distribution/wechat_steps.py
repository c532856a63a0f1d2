"""The Official Account steps of a distribution: a page becomes a draft (its images re-hosted on WeChat, its
cover as permanent material), the draft is submitted for publication, and the publication is followed
until WeChat says it is out, or why not.

What was uploaded is kept on the row (`upload_state`: each image's WeChat URL, the cover's and the draft's
media ids) as it goes, so a worker that dies mid-way continues where it stopped. Images and drafts are
harmless to repeat; the submit is not: its intent is saved first, and a lost reply is resolved by looking
for the title among the account's publications (`reconcile`).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.visibility import ReadablePageQuerySet

from . import accounts
from .models import Distribution
from .platforms.base import FAILED, PUBLISHED, REMOVED, ChannelError, Permanent, Retryable
from .platforms.wechat import AUTHOR_LIMIT, DIGEST_LIMIT, TITLE_LIMIT, DraftArticle
from .platforms.wechat_content import check_content, fit_text, prepare_image, to_wechat_html
from .rows import follow_review, never_sent, not_found_yet, posted, save
from .wechat_articles import builder_for, image_data, read_image

Status = Distribution.Status
PLACEHOLDER_URL = "https://mmbiz.qpic.cn/mmbiz_jpg/" + "x" * 90 + "/0?wx_fmt=jpeg"  # as long as WeChat's


def page_of(row):
    """The page as anyone may read it now: one withdrawn or restricted since it was sent is not posted."""
    page = ReadablePageQuerySet(type(row.page)).readable().filter(pk=row.page_id).first()
    if page is None:
        raise Permanent(_("页面已撤回或不再公开，没有发布到公众号。"))
    return page.specific


def article_texts(row, parts):
    """Title, author and digest within WeChat's limits: cut only where staff allowed it on this distribution."""
    cut = row.allow_shortening
    return (
        fit_text(row.title or parts.title, TITLE_LIMIT, label=_("标题"), allow_shortening=cut),
        fit_text(parts.author, AUTHOR_LIMIT, label=_("作者"), allow_shortening=cut),
        fit_text(row.digest or parts.digest, DIGEST_LIMIT, label=_("摘要"), allow_shortening=cut),
    )


def publish(row):
    client = accounts.client_for(row.account)  # an account not set up is the administrator's task before anything
    page = page_of(row)
    parts = builder_for(page)(page)
    title, author, digest = article_texts(row, parts)
    placeheld = to_wechat_html(parts.html, image_url=lambda src: PLACEHOLDER_URL, base_url=parts.source_url)
    check_content(placeheld.html)  # an article too long is refused before anything is uploaded
    state = dict(row.upload_state or {})
    state.setdefault("images", {})
    save(row, status=Status.UPLOADING, upload_state=state, heartbeat_at=timezone.now())

    def rehost(src):
        if src not in state["images"]:
            data = image_data(src)
            if data is None:
                return None
            image = prepare_image(data)
            name = f"image{len(state['images']) + 1}{image.extension}"
            state["images"][src] = accounts.with_token(row.account, lambda token: client.upload_image(token, name, image.data))
            save(row, upload_state=state, heartbeat_at=timezone.now())
        return state["images"][src]

    converted = to_wechat_html(parts.html, image_url=rehost, base_url=parts.source_url)
    check_content(converted.html)
    if converted.dropped:
        save(row, warnings=_("转换为公众号格式时去掉了：%(items)s") % {"items": "、".join(converted.dropped)})
    if not state.get("cover"):
        state["cover"] = upload_cover(row, client, parts.cover)
        save(row, upload_state=state, heartbeat_at=timezone.now())
    if not state.get("draft"):
        article = DraftArticle(
            title=title, author=author, digest=digest, content=converted.html, content_source_url=parts.source_url,
            thumb_media_id=state["cover"],
        )  # fmt: skip
        state["draft"] = accounts.with_token(row.account, lambda token: client.add_draft(token, article))
        save(row, upload_state=state, heartbeat_at=timezone.now())
    submit(row, client, state["draft"], title)


def upload_cover(row, client, cover):
    if cover is None:
        raise Permanent(_("没有封面图：请给页面设置封面图，或在“站点设置”里设置默认分享图，然后重试。"))
    image = prepare_image(read_image(cover))
    media_id, _url = accounts.with_token(
        row.account, lambda token: client.add_cover(token, f"cover{image.extension}", image.data)
    )
    return media_id


def submit(row, client, draft_media_id, title):
    # The intent, saved before the call: after a crash past this line the publication is looked for, never submitted again.
    save(row, status=Status.CREATING, create_started_at=timezone.now(), sent_caption=title)
    try:
        publish_id = accounts.with_token(row.account, lambda token: client.submit(token, draft_media_id))
    except Retryable as error:
        if never_sent(error):  # nothing reached WeChat: nothing to look for
            save(row, create_started_at=None, sent_caption="")
        raise
    except ChannelError:
        save(row, create_started_at=None, sent_caption="")  # refused in so many words: nothing was submitted
        raise
    posted(row, publish_id)


def reconcile(row):
    """The submit may have gone through though its reply was lost: look for the title among the publications."""
    client = accounts.client_for(row.account)
    started = row.create_started_at.timestamp()
    found = accounts.with_token(row.account, lambda token: client.find(token, row.sent_caption, started))
    if found is None:
        not_found_yet(row)
    else:
        now = timezone.now()
        save(
            row, item_id=found.article_id, status=Status.PUBLISHED, share_url=found.article_url, published_at=now,
            next_try_at=None, heartbeat_at=None, last_error="", error_code="",
        )  # fmt: skip


def check_status(row):
    """freepublish/get until WeChat says the publication is out, failed or gone."""
    client = accounts.client_for(row.account)
    publication = accounts.with_token(row.account, lambda token: client.publication(token, row.item_id))
    now = timezone.now()
    done = {"next_try_at": None, "heartbeat_at": None, "statistics_at": now}
    if publication.state == PUBLISHED:
        save(
            row, status=Status.PUBLISHED, share_url=publication.article_url, published_at=row.published_at or now,
            last_error="", error_code="", **done,
        )  # fmt: skip
    elif publication.state in (FAILED, REMOVED):
        save(
            row,
            status=Status.FAILED if publication.state == FAILED else Status.REMOVED,
            last_error=_(publication.message)[:2000],
            error_code=str(publication.publish_status),
            **done,
        )
    else:
        follow_review(row, now)
