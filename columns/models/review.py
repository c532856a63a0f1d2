"""The review step of the 三审 workflow: group approval where nobody approves their own revision."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask


class RejectionForm(forms.Form):
    comment = forms.CharField(
        label=_("退回意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=True,
        error_messages={"required": _("退回时必须填写修改意见，编辑会看到这条意见。")},
    )


class GroupReviewTask(AbstractGroupApprovalTask):
    """A step of 初审 / 复审 / 终审. Whoever saved the revision under review cannot approve it."""

    @classmethod
    def get_description(cls):
        return _("所选用户组的成员可以通过或退回；不能通过自己修改的版本")

    def is_own_revision(self, obj, user):
        """The revision that approval would carry forward is the latest one."""
        revision = obj.latest_revision
        return revision is not None and revision.user_id == user.pk

    def sensitive_words_in(self, obj):
        """The word list can change while an article waits: what would be approved is checked again."""
        from ..content_checks import article_texts, find_sensitive_words

        revision = obj.latest_revision
        if revision is None:
            return []
        content = revision.as_object()
        fields = ("title", "subtitle", "summary", "body")
        return find_sensitive_words(article_texts(*(getattr(content, name, "") for name in fields)))

    def get_actions(self, obj, user):
        if not self.user_can_access_editor(obj, user):
            return []
        actions = [("reject", _("退回修改"), True)]
        if not self.is_own_revision(obj, user) and not self.sensitive_words_in(obj):
            actions += [("approve", _("通过"), False), ("approve", _("通过并留言"), True)]
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        # The editor can save a change and approve in one request: check again after the save.
        # The after_edit_page hook then sends the changed article back to the first step.
        content = task_state.workflow_state.content_object
        if action_name == "approve" and (self.is_own_revision(content, user) or self.sensitive_words_in(content)):
            return None
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_form_for_action(self, action):
        return RejectionForm if action == "reject" else super().get_form_for_action(action)

    class Meta:
        verbose_name = _("审核步骤")
        verbose_name_plural = _("审核步骤")
