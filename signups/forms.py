"""The 「我感兴趣」 form of one fair: who, which open positions, and consent per employer.

The positions are grouped by employer, each group with its own consent box: the data goes only to
the employers the person agreed to, and a chosen position whose employer was not agreed to is an
error naming that employer. Every box starts unticked.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobfairs.job_posting import is_open

from .phones import is_mobile, normalise_phone

HONEYPOT = "extra_ref"  # a name no browser autofills; people never see the field, bots fill it


def open_positions(fair):
    """The fair's positions that can be chosen: still open, with an employer to agree to."""
    return [position for position in fair.positions.select_related("employer") if position.employer_id and is_open(position)]


# Characters that reorder the text around them (overrides and isolates): a name could show as another.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_control_characters(text, allowed=""):
    """Control characters (Cc, but those `allowed`) or bidirectional overrides and isolates. Other format
    characters stay: the zero-width joiner (U+200D) inside emoji such as the technologist, and the non-joiner
    (U+200C) some scripts need."""
    return any(
        (unicodedata.category(character) == "Cc" and character not in allowed) or character in BIDI_CONTROLS for character in text
    )


class NoteField(forms.CharField):
    """A text whose line breaks count one each, as the browser's maxlength counts them: a textarea sends
    CRLF (two characters), so they become LF before the length is checked. Its length error is our own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = [
            MaxLengthValidator(
                self.max_length, gettext_lazy("留言最多%(limit_value)d字，现在有%(show_value)d字，请删减后再提交。")
            )
            if isinstance(validator, MaxLengthValidator)
            else validator
            for validator in self.validators
        ]

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


class InterestForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=30, strip=True)
    phone = forms.CharField(label=gettext_lazy("手机号"), max_length=32)
    positions = forms.MultipleChoiceField(
        label=gettext_lazy("感兴趣的岗位"),
        error_messages={
            "required": gettext_lazy("请至少选择一个岗位。"),
            "invalid_choice": gettext_lazy("您选的岗位已截止或已下架，请重新选择。"),  # closed while the form was open
        },
    )
    note = NoteField(label=gettext_lazy("留言（选填）"), max_length=200, required=False, widget=forms.Textarea)
    consent_notice = forms.BooleanField(
        label=gettext_lazy("我已阅读并同意《个人信息处理告知书》"),
        error_messages={"required": gettext_lazy("请阅读告知书并勾选同意，才能提交。")},
    )
    extra_ref = forms.CharField(required=False)  # the honeypot (HONEYPOT)

    def __init__(self, fair, *args, preselected=None, **kwargs):
        """`preselected`: the primary key of a position to tick, honoured only for this fair's open positions."""
        super().__init__(*args, **kwargs)
        self.fair = fair
        self.open_positions = open_positions(fair)
        self.fields["positions"].choices = [(str(position.pk), position.job_title) for position in self.open_positions]
        by_employer = {}  # in the order the employers first appear; keyed by id: a fair lists up to 300 positions
        for position in self.open_positions:
            by_employer.setdefault(position.employer_id, (position.employer, []))[1].append(position)
        self.employers = [employer for employer, _positions in by_employer.values()]
        self.positions_of = {employer_id: positions for employer_id, (_employer, positions) in by_employer.items()}
        for employer in self.employers:
            self.fields[self.consent_key(employer)] = forms.BooleanField(
                required=False, label=_("同意将我的姓名、手机号和留言提供给【%(employer)s】") % {"employer": employer.name}
            )
        if preselected is not None:
            self.initial["positions"] = [str(position.pk) for position in self.open_positions if position.pk == preselected]

    @staticmethod
    def consent_key(employer):
        return f"consent_{employer.pk}"

    @property
    def caught(self):
        """Whether the honeypot was filled: a bot, answered as if it had worked."""
        return bool(self.data.get(HONEYPOT, "").strip())

    def groups(self):
        """Per employer: its open positions (ticked or not) and its consent box, for the template."""
        chosen = set(self["positions"].value() or [])
        return [
            {
                "employer": employer,
                "positions": [
                    {"position": position, "value": str(position.pk), "checked": str(position.pk) in chosen}
                    for position in self.positions_of[employer.pk]
                ],
                "consent": self[self.consent_key(employer)],
            }
            for employer in self.employers
        ]

    def clean_name(self):
        name = self.cleaned_data["name"]
        if has_control_characters(name):
            raise ValidationError(_("姓名里有控制字符或改变文字方向的隐藏字符，请删除后重新输入。"))
        return name

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        if not is_mobile(phone):
            raise ValidationError(_("请填写11位中国大陆手机号，如 138 1234 5678。"))
        return phone

    def clean_note(self):
        note = self.cleaned_data["note"]
        if has_control_characters(note, allowed="\n"):
            raise ValidationError(_("留言里有控制字符或改变文字方向的隐藏字符，请删除后重新输入。"))
        return note

    def clean(self):
        cleaned = super().clean()
        chosen = set(cleaned.get("positions") or [])
        self.chosen_positions = [position for position in self.open_positions if str(position.pk) in chosen]
        for employer in self.employers:
            key = self.consent_key(employer)
            if any(position.employer_id == employer.pk for position in self.chosen_positions) and not cleaned.get(key):
                self.add_error(
                    key,
                    _("您选了【%(employer)s】的岗位：请勾选同意把信息提供给【%(employer)s】，或取消该单位的岗位。")
                    % {"employer": employer.name},
                )
        return cleaned
