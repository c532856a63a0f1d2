"""Demo channel setup for a fresh install: the union's Douyin account (not yet authorised: a real one needs
the app's secret and a person's consent on Douyin), its Official Account (its AppSecret not yet given) and
its 视频号 (posted by hand), with rules for 直播荐岗. The approved demo clips are sent to Douyin and 视频号
and the published job fairs to the Official Account, so 平台分发 shows distributions stopped where an
administrator must act, and one waiting for a person to post it by hand."""

from django.utils.translation import gettext as _
from wagtail.models import Page

from core.visibility import ReadablePageQuerySet
from jobfairs.models import JobFairPage
from media_center.models import Video

from .models import Channel, ChannelAccount, DistributionRule
from .publishing import distribute

RULE_COLUMN = "zhibo-jiangang"


def demo_account_name():
    return _("淮安市总工会抖音号（演示）")


def demo_accounts():
    """(channel, name, app id) of each demo account."""
    return [
        (Channel.DOUYIN, demo_account_name(), "demo-client-key"),
        (Channel.WECHAT, _("淮安市总工会公众号（演示）"), "wx00000000demo0000"),
        (Channel.CHANNELS, _("淮安市总工会视频号（演示）"), ""),
    ]


def load_channels(say, progress):
    """The demo loader (core.demo), after the videos' and the fairs': their approved clips and pages are sent."""
    column = Page.objects.filter(slug=RULE_COLUMN).first()
    accounts = []
    for channel, name, app_id in demo_accounts():
        account, created = ChannelAccount.objects.get_or_create(name=name, defaults={"channel": channel, "client_key": app_id})
        accounts.append(account)
        if column is not None:
            DistributionRule.objects.get_or_create(section=column, account=account)
        if created and channel != Channel.CHANNELS:
            say(_("新建平台账号「%(name)s」：填写应用密钥（并授权）后才能真正发布。") % {"name": account.name})
    clips = Video.objects.filter(kind=Video.Kind.CLIP, review_status=Video.Review.APPROVED, status=Video.Status.READY)
    fairs = ReadablePageQuerySet(JobFairPage).readable()
    sent = 0
    for account in accounts:
        for item in clips if account.carries_clips else fairs:
            sent += distribute(item, account)[1]
    say(_("平台分发演示已就绪：新发 %(count)d 条。") % {"count": sent}, done=True)
