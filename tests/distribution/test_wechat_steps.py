"""A page becomes one Official Account article, exactly once: its images re-hosted, its texts within WeChat's
limits or refused with the limit named, every fault ending published once, stopped with WeChat's message,
or 「状态不明」."""

import io
import os
import re
from datetime import timedelta

import pytest
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PillowImage
from wagtail.images.models import Image

from distribution.models import Distribution
from distribution.publishing import distribute
from tests.distribution import standin_base as faults
from tests.distribution import wechat_standin as standin
from tests.distribution.stepping import step
from tests.factories import ArticlePageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_held")]
Status = Distribution.Status


def picture(kind, size=(64, 48), noise=False):
    """Image bytes made here: `noise` compresses badly, so a big one stays big."""
    width, height = size
    if noise:
        image = PillowImage.frombytes("RGB", size, os.urandom(width * height * 3))
    else:
        image = PillowImage.new("RGBA" if kind in ("PNG", "WEBP") else "RGB", size, (200, 40, 40, 180))
    out = io.BytesIO()
    if kind == "GIF":
        frames = [image.convert("P"), PillowImage.new("RGB", size, (0, 0, 255)).convert("P")]
        frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    else:
        image.save(out, kind, **({"quality": 95} if kind == "JPEG" else {}))
    return out.getvalue()


def wagtail_image(data, name):
    return Image.objects.create(title=name, file=ImageFile(io.BytesIO(data), name=name))


def image_block(image, caption=""):
    return ("image", {"image": image, "caption": caption})


def article(**fields):
    fields.setdefault("cover_image", wagtail_image(picture("JPEG", (900, 383)), "cover.jpg"))
    return ArticlePageFactory(**fields)


def send(page, account, **overrides):
    return distribute(page, account, **overrides)[0]


def published(row, wechat):
    """Submitted: WeChat publishes it, and the next check says so."""
    assert row.status == Status.UNDER_REVIEW and row.item_id, row.last_error
    wechat.state.succeed(row.item_id)
    return step(row)


def test_an_article_is_drafted_submitted_and_followed_until_published(wechat_account, wechat):
    page = article(title="市总工会开展春送岗位活动", summary="两千个岗位送到家门口。")
    row = step(send(page, wechat_account))
    row = published(row, wechat)
    assert row.status == Status.PUBLISHED and row.share_url.startswith("https://mp.weixin.qq.com/s/")
    (draft,) = wechat.state.drafts.values()
    (sent,) = draft.articles
    assert sent["title"] == "市总工会开展春送岗位活动" and sent["digest"] == "两千个岗位送到家门口。"
    assert sent["content_source_url"] == page.get_full_url() and sent["author"] == "李晓雯"
    assert wechat.state.violations == [] and wechat.state.stripped == []


def test_thirty_images_of_every_kind_are_rehosted_and_the_body_rewritten_in_order(wechat_account, wechat):
    kinds = ["JPEG"] * 8 + ["PNG"] * 8 + ["GIF"] * 7 + ["WEBP"] * 6
    images = [wagtail_image(picture(kind, (60 + index, 40)), f"p{index}.{kind.lower()}") for index, kind in enumerate(kinds)]
    big = picture("JPEG", (1800, 1400), noise=True)
    assert len(big) > 3 * 1024 * 1024 * 0.9
    images.append(wagtail_image(big, "big.jpg"))
    page = article(body=[image_block(image, f"第{index}张") for index, image in enumerate(images)])
    row = published(step(send(page, wechat_account)), wechat)
    assert row.status == Status.PUBLISHED
    content = next(iter(wechat.state.drafts.values())).articles[0]["content"]
    sources = re.findall(r'<img[^>]*src="([^"]+)"', content)
    assert len(sources) == 30 and all(src in wechat.state.image_urls for src in sources)
    assert len(set(sources)) == 30
    assert [int(number) for number in re.findall(r"第(\d+)张", content)] == list(range(30))
    uploads = wechat.state.requests_to("uploadimg")
    assert len(uploads) == 30 and wechat.state.violations == [] and wechat.state.stripped == []


def test_images_already_rehosted_are_not_uploaded_again_after_a_crash(wechat_account, wechat):
    images = [wagtail_image(picture("PNG"), f"p{index}.png") for index in range(3)]
    row = send(article(body=[image_block(image) for image in images]), wechat_account)
    wechat.state.fail("draft_add", faults.HTTP_ERROR)
    step(row)
    assert row.status == Status.RETRYING and len(row.upload_state["images"]) == 3
    step(row)
    assert row.status == Status.UNDER_REVIEW and len(wechat.state.requests_to("uploadimg")) == 3


def test_an_over_long_article_is_refused_with_the_limit_named_and_nothing_uploaded(wechat_account, wechat):
    page = article(body=[("paragraph", "<p>" + "职工" * 10_500 + "</p>")])
    row = step(send(page, wechat_account))
    assert row.status == Status.FAILED and "20,000" in row.last_error
    assert wechat.state.requests_to("uploadimg") == [] and wechat.state.requests_to("draft_add") == []


def test_a_title_over_32_characters_is_refused_not_cut(wechat_account, wechat):
    row = step(send(article(title="职" * 33), wechat_account))
    assert row.status == Status.FAILED and "32" in row.last_error and "标题" in row.last_error
    assert wechat.state.drafts == {}


def test_the_channels_own_title_and_digest_are_sent_instead(wechat_account, wechat):
    page = article(title="职" * 40, summary="摘" * 300)
    step(send(page, wechat_account, title="春送岗位：两千岗位等你来", digest="本周六，文化宫。"))
    (sent,) = next(iter(wechat.state.drafts.values())).articles
    assert (sent["title"], sent["digest"]) == ("春送岗位：两千岗位等你来", "本周六，文化宫。")


def test_titles_and_digests_are_cut_only_where_staff_allowed_it(wechat_account, wechat):
    step(send(article(title="职" * 40, summary="摘" * 300), wechat_account, allow_shortening=True))
    (sent,) = next(iter(wechat.state.drafts.values())).articles
    assert len(sent["title"]) == 32 and sent["title"].endswith("…")
    assert len(sent["digest"]) == 128 and sent["digest"].endswith("…")


def test_a_digest_over_128_characters_is_refused_with_its_limit(wechat_account, wechat):
    row = step(send(article(summary="摘" * 129), wechat_account))
    assert row.status == Status.FAILED and "128" in row.last_error and "摘要" in row.last_error


def test_a_video_becomes_its_poster_linking_to_our_page(wechat_account, wechat, approved_clip):
    from media_center import storage

    approved_clip.poster = storage.store_stream(io.BytesIO(picture("JPEG", (360, 640))), f"{approved_clip.prefix}/poster.jpg")
    approved_clip.save(update_fields=["poster"])
    page = article(body=[("video", {"video": approved_clip, "caption": "焊工现场"})])
    step(send(page, wechat_account))
    content = next(iter(wechat.state.drafts.values())).articles[0]["content"]
    link = re.search(r'<a[^>]*href="([^"]+)"[^>]*>\s*<img[^>]*src="([^"]+)"', content)
    assert link and link.group(1) == page.get_full_url() and link.group(2) in wechat.state.image_urls


def test_the_site_share_image_is_the_cover_of_an_article_without_one(wechat_account, wechat, home):
    from columns.models import SiteSettings

    site_settings = SiteSettings.for_site(home.get_site())
    site_settings.share_image = wagtail_image(picture("PNG", (300, 300)), "share.png")
    site_settings.save()
    row = step(send(ArticlePageFactory(), wechat_account))
    assert row.status == Status.UNDER_REVIEW and len(wechat.state.materials) == 1


def test_an_article_with_no_cover_anywhere_says_what_to_set(wechat_account, wechat):
    row = step(send(ArticlePageFactory(), wechat_account))
    assert row.status == Status.FAILED and "封面" in row.last_error


@pytest.mark.parametrize(
    "endpoint, kind",
    [
        ("uploadimg", faults.HTTP_ERROR),
        ("uploadimg", faults.RESET),
        ("add_material", faults.LOST_REPLY),
        ("draft_add", faults.RESET),
        ("draft_add", faults.LOST_REPLY),
        ("freepublish_submit", faults.HTTP_ERROR),
        ("freepublish_submit", faults.RESET),
        ("freepublish_submit", faults.LOST_REPLY),
        ("freepublish_submit", faults.ERROR_AFTER),
        ("freepublish_get", faults.HTTP_ERROR),
        ("freepublish_get", faults.RESET),
    ],
)
def test_every_fault_ends_in_one_publication_or_in_a_question_never_in_two(wechat_account, wechat, settings, endpoint, kind):
    settings.DISTRIBUTION_RECONCILE_SECONDS = 0  # a publication not found at once is 状态不明 at once
    images = [wagtail_image(picture("PNG"), "p.png")]
    row = send(article(body=[image_block(images[0])]), wechat_account)
    wechat.state.fail(endpoint, kind, times=1)
    step(row, times=3)
    publications = list(wechat.state.publications.values())
    assert len(publications) <= 1
    if row.status == Status.UNKNOWN:
        assert not row.item_id
    else:
        assert row.status == Status.UNDER_REVIEW and [item.publish_id for item in publications] == [row.item_id]
        assert published(row, wechat).status == Status.PUBLISHED
    assert wechat.state.violations == []


def test_a_submit_whose_reply_was_lost_is_found_by_its_title_and_not_submitted_again(wechat_account, wechat):
    row = send(article(title="劳模工匠进校园"), wechat_account)
    wechat.state.fail("freepublish_submit", faults.LOST_REPLY)
    step(row)
    assert row.status == Status.RETRYING and row.create_started_at and not row.item_id
    (publication,) = wechat.state.publications.values()
    wechat.state.succeed(publication.publish_id)
    step(row)
    assert row.status == Status.PUBLISHED and row.share_url == publication.urls[0]
    assert len(wechat.state.requests_to("freepublish_submit")) == 1


def test_a_lost_submit_never_found_ends_unknown_and_is_not_retried(wechat_account, wechat, settings):
    settings.DISTRIBUTION_RECONCILE_SECONDS = 0
    row = send(article(), wechat_account)
    wechat.state.fail("freepublish_submit", faults.LOST_REPLY)
    step(row, times=2)  # still publishing on WeChat: not listed, so it cannot be found
    assert row.status == Status.UNKNOWN and "没有找到" in row.last_error
    assert Distribution.objects.due(timezone.now() + timedelta(days=30)).filter(pk=row.pk).count() == 0


@pytest.mark.parametrize(
    "publish_status, status, words",
    [(2, Status.FAILED, "原创"), (3, Status.FAILED, "失败"), (4, Status.FAILED, "审核"), (6, Status.REMOVED, "封禁")],
)
def test_a_publication_wechat_refuses_stops_with_its_reason(wechat_account, wechat, publish_status, status, words):
    row = step(send(article(), wechat_account))
    wechat.state.set_publish_status(row.item_id, publish_status)
    row = step(row)
    assert row.status == status and words in row.last_error and row.error_code == str(publish_status)
    assert Distribution.objects.due(timezone.now() + timedelta(days=30)).filter(pk=row.pk).count() == 0


def test_a_draft_wechat_refuses_is_stopped_with_wechats_message(wechat_account, wechat):
    wechat.state.refuse_draft(code=standin.DRAFT_FAILED_CHECK)
    row = step(send(article(), wechat_account))
    assert row.status == Status.FAILED and row.error_code == str(standin.DRAFT_FAILED_CHECK) and row.last_error
    assert not row.create_started_at


def test_an_unverified_account_is_a_configuration_task_for_the_administrator(wechat_account, wechat):
    wechat.state.verified = False
    row = step(send(article(), wechat_account))
    wechat_account.refresh_from_db()
    assert row.status == Status.NEEDS_CONFIG and row.error_code == "48001"
    assert "认证" in wechat_account.config_problem and wechat_account.auth_state() == "需要管理员配置"


def test_a_server_not_on_the_whitelist_is_told_which_address_to_add(wechat_account, wechat):
    wechat.state.whitelisted = False
    row = step(send(article(), wechat_account))
    wechat_account.refresh_from_db()
    assert row.status == Status.NEEDS_CONFIG and row.error_code == "40164"
    assert "白名单" in wechat_account.config_problem and "127.0.0.1" in wechat_account.config_problem


def test_the_workers_share_one_stable_token(wechat_account, wechat):
    for title in ("第一篇", "第二篇", "第三篇"):
        step(send(article(title=title), wechat_account))
    assert len(wechat.state.requests_to("stable_token")) == 1


def test_a_rejected_token_is_renewed_by_force_once_and_the_call_made_again(wechat_account, wechat):
    step(send(article(title="第一篇"), wechat_account))
    wechat.state.expire_token()
    row = step(send(article(title="第二篇"), wechat_account))
    assert row.status == Status.UNDER_REVIEW
    forced = [request for request in wechat.state.requests_to("stable_token") if request.body.get("force_refresh")]
    assert len(forced) == 1


def test_a_page_withdrawn_before_its_turn_is_not_posted(wechat_account, wechat):
    page = article()
    row = send(page, wechat_account)
    page.unpublish()
    row = step(row)
    assert row.status == Status.FAILED and "撤回" in row.last_error and wechat.state.drafts == {}


def test_a_job_fair_becomes_an_article_with_its_positions_by_employer_and_its_link(wechat_account, wechat):
    from tests.jobfairs.factories import EmployerFactory, JobFairPageFactory, complete_position

    machines, foods = EmployerFactory(name="淮安精工机械有限公司"), EmployerFactory(name="淮扬食品有限公司")
    fair = JobFairPageFactory(
        title="春风行动专场招聘会",
        cover_image=wagtail_image(picture("JPEG", (900, 383)), "fair.jpg"),
        positions=[
            complete_position(employer=machines, job_title="数控车床操作工"),
            complete_position(employer=foods, job_title="食品质检员", pay_min=4500, pay_max=5500),
            complete_position(employer=machines, job_title="焊工"),
        ],
    )
    row = published(step(send(fair, wechat_account)), wechat)
    (sent,) = next(iter(wechat.state.drafts.values())).articles
    content = sent["content"]
    assert row.status == Status.PUBLISHED and sent["content_source_url"] == fair.get_full_url()
    assert content.index("淮安精工机械有限公司") < content.index("数控车床操作工") < content.index("焊工")
    assert content.index("淮扬食品有限公司") < content.index("食品质检员") and "4500–5500 元/月" in content
    assert f'href="{fair.get_full_url()}"' in content and sent["author"] == "淮安市总工会"
    assert wechat.state.stripped == []


def test_a_worker_taken_over_while_silent_does_not_submit_a_second_time(wechat_account, wechat, monkeypatch):
    from distribution import wechat_steps

    row = send(article(), wechat_account)
    real_submit = wechat_steps.submit

    def another_worker_took_it_first(row, *args):
        Distribution.objects.filter(pk=row.pk).update(worker="another-machine#1")  # its heartbeat was late
        return real_submit(row, *args)

    monkeypatch.setattr(wechat_steps, "submit", another_worker_took_it_first)
    step(row)
    assert wechat.state.publications == {} and not row.create_started_at


def test_a_new_title_after_a_draft_was_made_makes_a_new_draft(wechat_account, wechat):
    row = send(article(title="旧标题"), wechat_account)
    wechat.state.verified = False  # the draft is made, the submit refused: 48001
    step(row)
    assert row.status == Status.NEEDS_CONFIG
    Distribution.objects.filter(pk=row.pk).update(title="新标题", status=Status.RETRYING)
    wechat.state.verified = True
    row = step(row)
    (publication,) = wechat.state.publications.values()
    assert publication.articles[0]["title"] == "新标题" and len(wechat.state.drafts) == 2


def test_a_lost_submit_is_not_taken_for_another_pages_article_of_the_same_title(wechat_account, wechat, settings):
    settings.DISTRIBUTION_RECONCILE_SECONDS = 0
    ours, theirs = article(title="工会动态"), article(title="工会动态")
    row = send(ours, wechat_account)
    wechat.state.fail("freepublish_submit", faults.RESET)  # nothing published
    step(row)
    other = published(step(send(theirs, wechat_account)), wechat)
    assert other.status == Status.PUBLISHED
    row = step(row)
    assert row.status == Status.UNKNOWN and row.share_url == ""


def test_a_rejected_token_whose_renewal_fails_at_the_submit_is_retried_not_unknown(wechat_account, wechat):
    row = send(article(), wechat_account)
    step(row)  # drafted and submitted: a token is stored
    row = send(article(title="第二篇"), wechat_account)
    wechat.state.expire_token()
    wechat.state.fail("stable_token", faults.HTTP_ERROR)
    row = step(row)
    assert row.status == Status.RETRYING and not row.create_started_at
    assert step(row).status == Status.UNDER_REVIEW and len(wechat.state.publications) == 2


def test_the_token_is_not_fetched_again_on_every_call_in_its_last_minutes(wechat_account, wechat):
    step(send(article(title="第一篇"), wechat_account))
    wechat.state.advance(7200 - 240)  # four minutes left: the stored token is still good
    for title in ("第二篇", "第三篇"):
        step(send(article(title=title), wechat_account))
    assert len(wechat.state.requests_to("stable_token")) == 1


def test_a_job_fair_with_a_long_organiser_goes_out_with_a_digest_of_its_own(wechat_account, wechat):
    from tests.jobfairs.factories import JobFairPageFactory

    fair = JobFairPageFactory(
        organiser="淮安市总工会、淮安市人力资源和社会保障局、共青团淮安市委员会",
        intro="百家企业、千个岗位。" * 30,
        cover_image=wagtail_image(picture("JPEG", (900, 383)), "fair.jpg"),
    )
    row = step(send(fair, wechat_account))
    (sent,) = next(iter(wechat.state.drafts.values())).articles
    assert row.status == Status.UNDER_REVIEW and len(sent["author"]) == 16 and sent["author"].endswith("…")
    assert "1 家单位 1 个岗位" in sent["digest"] and len(sent["digest"]) <= 128
