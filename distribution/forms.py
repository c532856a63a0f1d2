"""Admin forms: a channel account's app secret is written, never shown back; the distributions' filters."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import Channel, ChannelAccount, Distribution


class ChannelAccountForm(WagtailAdminModelForm):
    client_secret = forms.CharField(
        label=_("应用 Client Secret"),
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
        if not typed and not self.stored_secret:
            raise forms.ValidationError(_("请填写应用的 Client Secret。"))
        return typed or self.stored_secret


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
