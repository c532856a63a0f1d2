"""The Official Account steps of a distribution: a page becomes a draft (its images re-hosted on WeChat, its
cover as permanent material), the draft is submitted for publication, and the publication is followed
until WeChat says it is out, or why not.

What was uploaded is kept on the row (`upload_state`: each image's WeChat URL, the cover's and the draft's
media ids) as it goes, so a worker that dies mid-way continues where it stopped. Images and drafts are
harmless to repeat; the submit is not: its intent is saved first, and a lost reply is resolved by looking
for the title among the account's publications (`reconcile`).
"""

import dataclasses
import hashlib
import json

from django.utils import timezone
from django.utils.translation import gettext as _

from core.visibility import ReadablePageQuerySet

from . import accounts
from .models import Distribution
from .platforms.base import FAILED, PUBLISHED, REMOVED, ChannelError, Permanent, Retryable, TokenExpired
from .platforms.wechat import AUTHOR_LIMIT, DIGEST_LIMIT, TITLE_LIMIT, DraftArticle
from .platforms.wechat_content import check_content, fit_text, prepare_image, to_wechat_html
from .rows import drop_intent, follow_review, never_sent, not_found_yet, posted, record_intent, save
from .wechat_articles import builder_for, image_data, read_image

Status = Distribution.Status
FOUND_PREFIX = "article:"  # an item_id found by batchget after a lost reply: the article's id, not a publish_id
PLACEHOLDER_URL = "https://mmbiz.qpic.cn/mmbiz_jpg/" + "x" * 90 + "/0?wx_fmt=jpeg"  # as long as WeChat's


def page_of(row):
    """The page as anyone may read it now: one withdrawn or restricted since it was sent is not posted."""
    page = ReadablePageQuerySet(type(row.page)).readable().filter(pk=row.page_id).first()
    if page is None:
        raise Permanent(_("页面已撤回或不再公开，没有发布到公众号。"))
    return page.specific


def article_texts(row, parts):
    """Title, author and digest within WeChat's limits: the title and the digest are cut only where staff
    allowed it on this distribution (they are what readers judge the article by); a byline of several
    names or a long organiser is cut with 「…」, as it has no field of its own to rewrite."""
    cut = row.allow_shortening
    return (
        fit_text(row.title or parts.title, TITLE_LIMIT, label=_("标题"), allow_shortening=cut),
        fit_text(parts.author, AUTHOR_LIMIT, label=_("作者"), allow_shortening=True),
        fit_text(row.digest or parts.digest, DIGEST_LIMIT, label=_("摘要"), allow_shortening=cut),
    )


def publish(row):
    """Draft the page (images, cover, draft each made once for what they are now) and submit it."""
    client = accounts.client_for(row.account)  # an account not set up is the administrator's task before anything
    page = page_of(row)
    parts = builder_for(page)(page)
    title, author, digest = article_texts(row, parts)
    placeheld = to_wechat_html(parts.html, image_url=lambda src: PLACEHOLDER_URL, base_url=parts.source_url)
    check_content(placeheld.html)  # an article too long is refused before anything is uploaded
    # What was uploaded belongs to one AppID: another account's media ids mean nothing here.
    state = dict(row.upload_state) if row.upload_state.get("appid") == row.account.client_key else {}
    state.setdefault("appid", row.account.client_key)
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
    dropped = _("转换为公众号格式时去掉了：%(items)s") % {"items": "、".join(converted.dropped)} if converted.dropped else ""
    save(row, warnings=dropped)
    if parts.cover is None:
        raise Permanent(_("没有封面图：请给页面设置封面图，或在“站点设置”里设置默认分享图，然后重试。"))
    if state.get("cover_of") != parts.cover.pk:
        state["cover"], state["cover_of"] = upload_cover(row, client, parts.cover), parts.cover.pk
        save(row, upload_state=state, heartbeat_at=timezone.now())
    article = DraftArticle(
        title=title, author=author, digest=digest, content=converted.html, content_source_url=parts.source_url,
        thumb_media_id=state["cover"],
    )  # fmt: skip
    made_of = fingerprint(article)
    if state.get("draft_of") != made_of:  # a draft of what the page and the staff's texts say now, not at an earlier try
        state["draft"] = accounts.with_token(row.account, lambda token: client.add_draft(token, article))
        state["draft_of"], state["source_url"] = made_of, parts.source_url
        save(row, upload_state=state, heartbeat_at=timezone.now())
    submit(row, client, state["draft"], title)


def fingerprint(article):
    return hashlib.sha256(json.dumps(dataclasses.asdict(article), sort_keys=True).encode()).hexdigest()


def upload_cover(row, client, cover):
    """The cover as permanent material (WeChat keeps what a draft's thumb_media_id names)."""
    image = prepare_image(read_image(cover))
    media_id, _url = accounts.with_token(
        row.account, lambda token: client.add_cover(token, f"cover{image.extension}", image.data)
    )
    return media_id


def submit(row, client, draft_media_id, title):
    """freepublish/submit once. The token is fetched before the intent is saved: its failures submit nothing.
    A token WeChat rejects at the submit published nothing either: renewed once, and the intent made again."""
    token = accounts.wechat_token(row.account)
    for renewed in (False, True):
        # The intent, saved before the call: after a crash past this line the publication is looked for, never submitted again.
        record_intent(row, title)
        try:
            publish_id = client.submit(token, draft_media_id)
        except TokenExpired as error:
            drop_intent(row)
            if renewed:
                raise Retryable(_("微信连续拒绝了新换的 access_token，稍后重试。"), code=error.code) from error
            token = accounts.wechat_token(row.account, rejected=token)
            continue
        except Retryable as error:
            if never_sent(error):  # nothing reached WeChat: nothing to look for
                drop_intent(row)
            raise  # busy, 5xx, a reset, a timeout: WeChat may have taken it, so it is looked for
        except ChannelError:
            drop_intent(row)  # refused in so many words: nothing was submitted
            raise
        posted(row, publish_id)
        return


def reconcile(row):
    """The submit may have gone through though its reply was lost: look for the article made of this page
    (its title and 阅读原文 link), passing over articles other rows already hold."""
    client = accounts.client_for(row.account)
    started = row.create_started_at.timestamp()
    held = Distribution.objects.filter(account=row.account, item_id__startswith=FOUND_PREFIX).exclude(pk=row.pk)
    taken = {item_id.removeprefix(FOUND_PREFIX) for item_id in held.values_list("item_id", flat=True)}
    source_url = row.upload_state.get("source_url", "")
    found = accounts.with_token(
        row.account,
        lambda token: client.find(token, row.sent_caption, started, source_url=source_url, exclude=taken),
    )
    if found is None:
        not_found_yet(row)
        return
    # The article's id, not a publish_id: nothing asks freepublish/get about it (it is known published, or gone).
    status = Status.REMOVED if found.state == REMOVED else Status.PUBLISHED
    save(
        row, item_id=FOUND_PREFIX + found.article_id, status=status, share_url=found.article_url,
        published_at=timezone.now(), next_try_at=None, heartbeat_at=None, last_error=_(found.message) if found.message else "",
        error_code="",
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
