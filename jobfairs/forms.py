"""The fair's admin form: every position complete and free of 敏感词 and 招聘禁用词 before it goes to review.

Drafts still save with positions half filled in. On the way to publication each position must
carry every item the rules for online recruitment information ask for; the messages name the
position by its place in the list (第N个岗位) and the field. A position 终审 let through with a
recorded reason (`override_reason`) passes the 招聘禁用词 check; nobody else may set or change it,
and a change of that position's texts by anyone else ends it.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from columns.content_checks import find_sensitive_words
from columns.forms import CheckedPageForm
from core.roles import FINAL_REVIEW

from .checks import find_banned_words

POSITIONS = "positions"


def may_override(user):
    return user is not None and (user.is_superuser or user.groups.filter(name=FINAL_REVIEW).exists())


class JobFairPageForm(CheckedPageForm):
    def numbered_positions(self):
        """(number, form) of the positions kept, in the order they are shown, numbered from 1."""
        formset = self.formsets.get(POSITIONS)
        if formset is None:
            return []
        formset.is_valid()  # cleans the positions now: the page's clean runs before its formsets'
        kept = [
            form
            for form in formset.forms
            if form.is_bound and hasattr(form, "cleaned_data") and not form.cleaned_data.get("DELETE")
        ]
        kept.sort(key=lambda form: (form.cleaned_data.get("ORDER") is None, form.cleaned_data.get("ORDER") or 0))
        return list(enumerate(kept, start=1))

    def clean(self):
        cleaned_data = super().clean()
        positions = self.numbered_positions()
        self.check_overrides(positions)
        if self.is_moving_towards_publication():
            for number, form in positions:
                self.check_position(number, form)
        return cleaned_data

    def where(self, number, name):
        from .models import position_place

        return position_place(number, name)

    def check_overrides(self, positions):
        from .models import JobFairPage

        for number, form in positions:
            if "override_reason" not in form.changed_data:
                if set(form.changed_data) & set(JobFairPage.position_checked_fields) and not may_override(self.for_user):
                    self.drop_override(form)  # 终审 let through what it read, not what was written since
                continue
            if not may_override(self.for_user):
                self.add_error(
                    None, _("只有终审可以填写或修改放行理由（%(where)s）。") % {"where": self.where(number, "override_reason")}
                )
                continue
            form.instance.override_by = self.for_user if form.cleaned_data.get("override_reason") else None

    @staticmethod
    def drop_override(form):
        if form.cleaned_data.get("override_reason"):
            form.cleaned_data["override_reason"] = ""
            form.instance.override_reason, form.instance.override_by = "", None

    def check_position(self, number, form):
        from .models import JobFairPage

        values = form.cleaned_data
        for name in JobFairPage.position_required_fields:
            if values.get(name) in (None, ""):
                self.add_error(None, _("%(where)s未填写，不能提交。") % {"where": self.where(number, name)})
        pay_min, pay_max = values.get("pay_min"), values.get("pay_max")
        if pay_min is not None and pay_max is not None and pay_min > pay_max:
            self.add_error(None, _("%(where)s低于薪酬下限。") % {"where": self.where(number, "pay_max")})
        valid_until = values.get("valid_until")
        if valid_until is not None and valid_until < timezone.localdate():
            self.add_error(None, _("%(where)s已过，不能提交。") % {"where": self.where(number, "valid_until")})

        texts = [(self.where(number, name), values.get(name) or "") for name in JobFairPage.position_checked_fields]
        texts = [(where, text) for where, text in texts if text]
        hits = find_sensitive_words(texts)
        if hits:
            self.add_error(None, _("含有敏感词，不能提交：%s。请修改后再提交。") % "；".join(hit.describe() for hit in hits))
        banned = find_banned_words(texts)
        decided = (values.get("override_reason") or "").strip()
        asked = (values.get("override_request") or "").strip() and "action-publish" not in self.data  # 终审 decides in review
        if banned and not (decided or asked):
            self.add_error(
                None,
                _(
                    "含有招聘禁用词，不能提交：%s。招聘信息不得含有歧视性条件或虚假承诺，请修改；国家规定的特殊岗位请在“申请放行”中写明依据，由终审决定。"
                )
                % "；".join(hit.describe() for hit in banned),
            )
