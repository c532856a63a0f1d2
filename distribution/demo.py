"""Demo channel setup for a fresh install: the union's Douyin account, not yet authorised (a real one
needs the app's secret and a person's consent on Douyin), a rule for 直播荐岗, and the approved demo
clip sent to it, so 平台分发 shows a distribution waiting for an administrator."""

from django.utils.translation import gettext as _
from wagtail.models import Page

from media_center.models import Video

from .models import ChannelAccount, DistributionRule
from .publishing import distribute

RULE_COLUMN = "zhibo-jiangang"


def demo_account_name():
    return _("淮安市总工会抖音号（演示）")


def load_channels(say, progress):
    """The demo loader (core.demo), after the videos': their approved clip is sent."""
    account, created = ChannelAccount.objects.get_or_create(name=demo_account_name(), defaults={"client_key": "demo-client-key"})
    column = Page.objects.filter(slug=RULE_COLUMN).first()
    if column is not None:
        DistributionRule.objects.get_or_create(section=column, account=account)
    sent = 0
    for clip in Video.objects.filter(kind=Video.Kind.CLIP, review_status=Video.Review.APPROVED, status=Video.Status.READY):
        sent += distribute(clip, account)[1]
    if created:
        say(_("新建平台账号「%(name)s」：填写应用密钥并授权后才能真正发布。") % {"name": account.name})
    say(_("平台分发演示已就绪：新发 %(count)d 条短视频。") % {"count": sent}, done=True)
