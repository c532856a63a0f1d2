"""Admin forms: a channel account's app secret is written, never shown back; the distributions' filters."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import CLIP_CHANNELS, PAGE_CHANNELS, Channel, ChannelAccount, Distribution
from .platforms.wechat import DIGEST_LIMIT, TITLE_LIMIT
from .publishing import retry_configured


class ChannelAccountForm(WagtailAdminModelForm):
    client_secret = forms.CharField(
        label=_("应用密钥"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("保存后加密存放，不再显示；留空则保持原值"),
    )

    class Meta:
        model = ChannelAccount
        fields = ["channel", "name", "client_key", "client_secret"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_secret = self.instance.client_secret
        self.initial["client_secret"] = ""

    def clean_client_secret(self):
        typed = self.cleaned_data["client_secret"]
        if not typed and not self.stored_secret and self.cleaned_data.get("channel") != Channel.CHANNELS:
            raise forms.ValidationError(_("请填写应用密钥（抖音的 Client Secret 或公众号的 AppSecret）。"))
        return typed or self.stored_secret

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("channel") != Channel.CHANNELS and not cleaned.get("client_key"):
            self.add_error("client_key", _("请填写应用 ID（抖音的 Client Key 或公众号的 AppID）。"))
        return cleaned

    def save(self, commit=True):
        """New credentials: the token of the old ones is dropped, and the distributions that waited for an
        administrator try again with them (what was uploaded under another AppID is not reused: wechat_steps)."""
        account = super().save(commit=False)
        renewed = self.instance.pk and {"client_key", "client_secret", "channel"} & set(self.changed_data)
        if renewed:
            account.access_token, account.access_expires_at = "", None
        if commit:
            account.save()
            if renewed:
                retry_configured(account)
        return account


class DistributionFilterForm(forms.Form):
    channel = forms.ChoiceField(label=_("平台"), required=False, choices=[("", _("全部")), *Channel.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *Distribution.Status.choices])
    account = forms.ModelChoiceField(
        label=_("账号"), required=False, queryset=ChannelAccount.objects.all(), empty_label=_("全部")
    )
    since = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filter(self, rows):
        if not self.is_valid():
            return rows
        data = self.cleaned_data
        if data["channel"]:
            rows = rows.filter(account__channel=data["channel"])
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["account"]:
            rows = rows.filter(account=data["account"])
        if data["since"]:
            rows = rows.filter(created_at__date__gte=data["since"])
        if data["until"]:
            rows = rows.filter(created_at__date__lte=data["until"])
        return rows


class SendForm(forms.Form):
    account = forms.ModelChoiceField(label=_("发布到"), queryset=ChannelAccount.objects.all())
    caption = forms.CharField(
        label=_("标题与话题"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("留空则用短视频的标题和 #话题"),
    )  # fmt: skip


class PageSendForm(forms.Form):
    """「发布到公众号」 from a page, with this channel's own title and digest where the page's do not fit."""

    account = forms.ModelChoiceField(
        label=_("发布到"), queryset=ChannelAccount.objects.filter(channel__in=PAGE_CHANNELS), empty_label=None
    )
    title = forms.CharField(
        label=_("公众号标题"), required=False, max_length=TITLE_LIMIT,
        help_text=_("留空则用页面标题；公众号标题最多 %(limit)d 字") % {"limit": TITLE_LIMIT},
    )  # fmt: skip
    digest = forms.CharField(
        label=_("公众号摘要"), required=False, max_length=DIGEST_LIMIT, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("留空则用页面摘要；最多 %(limit)d 字") % {"limit": DIGEST_LIMIT},
    )  # fmt: skip
    allow_shortening = forms.BooleanField(
        label=_("超出字数时自动截断"), required=False, help_text=_("不勾选时，超长的标题或摘要会被退回，由你改写")
    )
    clips = forms.ModelMultipleChoiceField(
        label=_("同时发布招聘会的短视频"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple
    )
    clip_accounts = forms.ModelMultipleChoiceField(
        label=_("短视频发布到"),
        required=False,
        queryset=ChannelAccount.objects.filter(channel__in=CLIP_CHANNELS),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, clips=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clips"].queryset = clips
        if not clips:
            del self.fields["clips"], self.fields["clip_accounts"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("clips") and not cleaned.get("clip_accounts"):
            self.add_error("clip_accounts", _("请选择短视频要发布到的账号。"))
        return cleaned
