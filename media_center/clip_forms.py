"""The clip forms of the admin: one clip's settings, and several clips of one video in one go.

Times are typed or set from the player as 时:分:秒; a clip's span is checked with the worker's own
limits (clips.check_clip_span) before anything is queued, so a bad row costs nobody a render.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.images.widgets import AdminImageChooser

from . import clips
from .chapters import parse_clock
from .models import Video, clock_text

MAX_BATCH = 30  # one job fair's positions
SUBTITLE_MAX_BYTES = 2 * 1024 * 1024


class ClockField(forms.Field):
    """A time as 时:分:秒 (or seconds), cleaned to seconds."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "0:00:00", "maxlength": 20})

    def to_python(self, value):
        value = (value or "").strip()[:20]
        if not value:
            return None
        try:
            return parse_clock(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def prepare_value(self, value):
        return clock_with_fraction(value) if isinstance(value, float | int) else value


def clock_with_fraction(seconds):
    """1:02:03.48: the frame-level precision the player's nudges give, kept in the form."""
    whole = int(seconds)
    hundredths = round((seconds - whole) * 100)
    if hundredths == 100:
        whole, hundredths = whole + 1, 0
    return f"{clock_text(whole)}.{hundredths:02d}" if hundredths else clock_text(whole)


class SubtitleFileField(forms.FileField):
    """An SRT or WebVTT file, cleaned to WebVTT text; the file itself is not kept."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("字幕文件"))
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "SRT 或 WebVTT，按原视频的时间轴；UTF-8、GB18030、UTF-16 编码都可以。每条短视频截取自己那一段，压在画面上。"
            ),
        )
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ".srt,.vtt,text/vtt,application/x-subrip"

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        if upload.size > SUBTITLE_MAX_BYTES:
            raise ValidationError(_("字幕文件太大（上限 2 MB）。"))
        return clips.parse_subtitle_file(upload.read())


class ClipForm(WagtailAdminModelForm):
    """One clip's settings. Span and cover are on the recording's timeline."""

    start_at = ClockField(label=gettext_lazy("起点"), help_text=gettext_lazy("原视频上的时间，如 1:02:03"))
    end_at = ClockField(label=gettext_lazy("终点"))
    cover_time = ClockField(
        label=gettext_lazy("封面时间"), required=False, help_text=gettext_lazy("原视频上的时间；留空为起点后 1 秒")
    )
    subtitle_file = SubtitleFileField()
    remove_subtitles = forms.BooleanField(label=gettext_lazy("去掉字幕"), required=False)

    class Meta:
        model = Video
        fields = ["title", "description", "topics", "section", "logo"]
        widgets = {"logo": AdminImageChooser}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clip = self.instance
        self.initial.update(start_at=clip.clip_start, end_at=clip.clip_end, cover_time=clip.cover_at)
        if not clip.subtitles:
            self.fields.pop("remove_subtitles")

    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("start_at"), cleaned_data.get("end_at")
        if start is None or end is None or self.instance.clip_of is None:
            return cleaned_data
        try:
            clips.check_clip_span(self.instance.clip_of, start, end, cleaned_data.get("cover_time"))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned_data

    def save(self, commit=True):
        clip = super().save(commit=False)
        clip.clip_start = self.cleaned_data["start_at"]
        clip.clip_end = self.cleaned_data["end_at"]
        clip.cover_at = self.cleaned_data.get("cover_time")
        if self.cleaned_data.get("subtitle_file"):
            clip.subtitles = self.cleaned_data["subtitle_file"]
        elif self.cleaned_data.get("remove_subtitles"):
            clip.subtitles = ""
        if commit:
            clip.save()
        return clip


class ClipRowForm(forms.Form):
    """One clip of a batch: a span and a title; the rest is shared by the batch."""

    start_at = ClockField(label=gettext_lazy("起点"))
    end_at = ClockField(label=gettext_lazy("终点"))
    title = forms.CharField(label=gettext_lazy("标题"), max_length=80)
    cover_time = ClockField(label=gettext_lazy("封面时间"), required=False)


class BaseClipRows(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not any(form.has_changed() for form in self.forms):
            raise ValidationError(_("请至少填写一条：起点、终点和标题。"))


ClipRows = forms.formset_factory(
    ClipRowForm, formset=BaseClipRows, extra=0, min_num=1, max_num=MAX_BATCH, validate_max=True, absolute_max=MAX_BATCH
)


class ClipBatchForm(forms.Form):
    """What the clips of one batch share."""

    topics = forms.CharField(
        label=gettext_lazy("话题"), max_length=200, required=False, help_text=Video._meta.get_field("topics").help_text
    )
    section = forms.ModelChoiceField(
        label=gettext_lazy("所属栏目或系列"),
        queryset=Video._meta.get_field("section").related_model.objects.none(),
        required=False,
        help_text=gettext_lazy("留空则为原视频所在的栏目或系列"),
    )
    subtitle_file = SubtitleFileField()
    logo = forms.ModelChoiceField(
        label=gettext_lazy("台标"), queryset=Video._meta.get_field("logo").related_model.objects.all(), required=False,
        widget=AdminImageChooser,
    )  # fmt: skip

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections
