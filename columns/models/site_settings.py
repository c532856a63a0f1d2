"""What the footer and every page's head need from the site itself, editable in 设置 → 网站设置."""

import copy
import re

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from core.page_cache import HeldUntilChanged

ICP_LOOKUP_URL = "https://beian.miit.gov.cn/"
PUBLIC_SECURITY_LOOKUP_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    icp_record = models.CharField(
        _("ICP备案号"), max_length=50, blank=True, help_text=_("如：皖ICP备12345678号-1，页脚链接到工信部备案系统")
    )
    public_security_record = models.CharField(
        _("公安机关备案号"), max_length=50, blank=True, help_text=_("如：皖公网安备34060202000123号")
    )
    complaint_phone = models.CharField(_("违法和不良信息举报电话"), max_length=50, blank=True)
    complaint_email = models.EmailField(_("举报邮箱"), blank=True)
    organisation = models.CharField(_("主办单位"), max_length=100, blank=True, help_text=_("如：淮北市总工会"))
    mourning_mode = models.BooleanField(_("哀悼日置灰"), default=False, help_text=_("开启后全站页面立即变为灰色，关闭后恢复。"))
    share_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("默认分享图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("文章没有封面图时，微信分享卡片用这张图（建议正方形，不小于 300×300）"),
    )

    panels = [
        FieldPanel("mourning_mode"),
        MultiFieldPanel(
            [FieldPanel("organisation"), FieldPanel("icp_record"), FieldPanel("public_security_record")],
            heading=_("备案信息"),
        ),
        MultiFieldPanel([FieldPanel("complaint_phone"), FieldPanel("complaint_email")], heading=_("举报方式")),
        FieldPanel("share_image"),
    ]

    class Meta:
        verbose_name = _("网站设置")

    held = HeldUntilChanged("site")  # saving the settings bumps "site" (see cache_rules.py)

    @classmethod
    def for_site(cls, site):
        """Every page's footer reads these: one query per process and change, not per render.
        Each caller gets its own copy, since Wagtail and the admin form write to the instance."""
        if site is None:
            return super().for_site(site)
        return copy.copy(cls.held.get(site.pk, lambda: super(SiteSettings, cls).for_site(site)))

    @property
    def icp_lookup_url(self):
        return ICP_LOOKUP_URL

    @property
    def public_security_lookup_url(self):
        """The record's own page on the Ministry of Public Security's site, found by its digits."""
        code = "".join(re.findall(r"\d", self.public_security_record))
        return PUBLIC_SECURITY_LOOKUP_URL.format(code=code) if code else ""
