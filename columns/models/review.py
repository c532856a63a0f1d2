"""The review step of the 三审 workflow: group approval by three different people, none of them an author."""

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState

from ..review import excluded_from, follow_latest_revision


class RejectionForm(forms.Form):
    comment = forms.CharField(
        label=_("退回意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=True,
        error_messages={"required": _("退回时必须填写修改意见，编辑会看到这条意见。")},
    )


class GroupReviewTask(AbstractGroupApprovalTask):
    """A step of 初审 / 复审 / 终审, acted on by the members of its groups only (superusers publish
    directly instead). A member passes it unless they wrote the article, changed it during review
    or passed another step of this pass (see columns.review)."""

    @classmethod
    def get_description(cls):
        return _("所选用户组的成员可以通过或退回；作者、审核中修改过稿件的人和已通过本轮其他步骤的人不能通过")

    def is_reviewer(self, user):
        return self._user_in_groups(user)

    def may_approve(self, task_state, user):
        return self.is_reviewer(user) and user.pk not in excluded_from(task_state)

    def sensitive_words_in(self, obj):
        """The word list can change while an article waits: what would be approved is checked again."""
        from ..content_checks import blocking_hits

        revision = obj.latest_revision
        return blocking_hits(revision.as_object(), final=self.is_last_step(obj)) if revision else []

    def is_last_step(self, obj):
        """This step is the last active one of the workflow running on `obj`; when that cannot be told, it
        counts as the last, so what is left for the last step is never passed by default."""
        state = getattr(obj, "current_workflow_state", None)
        if state is None:
            return True
        last = state.workflow.workflow_tasks.filter(task__active=True).order_by("sort_order").last()
        return last is None or last.task_id == self.pk

    def get_actions(self, obj, user):
        if not self.is_reviewer(user):
            return []
        actions = [("reject", _("退回修改"), True)]
        task_state = obj.current_workflow_task_state
        if task_state is not None and self.may_approve(task_state, user) and not self.sensitive_words_in(obj):
            actions += [("approve", _("通过"), False), ("approve", _("通过并留言"), True)]
        return actions

    def get_task_states_user_can_moderate(self, user, **kwargs):
        """Only what this user may pass: an article is not offered to a reviewer who cannot act on it."""
        if not self.is_reviewer(user):
            return TaskState.objects.none()
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS).select_related("workflow_state")
        return states.filter(pk__in=[state.pk for state in states if self.may_approve(state, user)])

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        # The edit form saves before the action: a change of content sends the article back to the
        # first step instead of passing it; a save that changed nothing passes it.
        if action_name == "approve" and (
            follow_latest_revision(task_state, user)
            or not self.may_approve(task_state, user)
            or self.sensitive_words_in(task_state.workflow_state.content_object)
        ):
            return None
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_form_for_action(self, action):
        return RejectionForm if action == "reject" else super().get_form_for_action(action)

    class Meta:
        verbose_name = _("审核步骤")
        verbose_name_plural = _("审核步骤")
