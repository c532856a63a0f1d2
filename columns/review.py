"""The rules of 三审 that Wagtail's group approval lacks: what counts as a change of an article in
review, who may pass a step, and whether a published revision went through all three steps.

Wagtail saves a new revision on every save of the edit form, changed or not, and its reapproval
rule compares revision ids; any member of a step's group may pass it, however often. Here a change
is a change of what the article says, and the three steps are passed by three different people,
none of whom wrote the article.
"""

import json

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.fields import StreamField
from wagtail.models import Revision, TaskState, WorkflowState

# What Wagtail stores in a revision besides the fields of the content, promote and settings panels:
# the page's place in the tree, its publication and lock state, its owner and revision bookkeeping.
# Everything else (title, slug, SEO fields, schedule, body, tags, ...) is content: changing it is an edit.
NOT_CONTENT = frozenset(
    {
        "pk",
        "path",
        "depth",
        "numchild",
        "url_path",
        "content_type",
        "translation_key",
        "locale",
        "alias_of",
        "column",  # copied from the tree on save
        "series",  # copied from the tree on save
        "draft_title",  # follows the title
        "owner",
        "live",
        "expired",
        "has_unpublished_changes",
        "first_published_at",
        "last_published_at",
        "live_revision",
        "latest_revision",
        "latest_revision_created_at",
        "locked",
        "locked_at",
        "locked_by",
        "wagtail_admin_comments",  # reviewers' remarks beside the text, not the text
    }
)


def content_of(revision):
    """The revision as a reader and a reviewer see it, comparable with another revision of the page."""
    model = revision.content_type.model_class()
    stream_fields = {field.name for field in model._meta.get_fields() if isinstance(field, StreamField)}
    content = {}
    for name, value in revision.content.items():
        if name in NOT_CONTENT:
            continue
        if name in stream_fields and isinstance(value, str):
            value = json.loads(value)
        elif isinstance(value, list):
            # Child rows such as tags: their own ids and their order are not content.
            value = sorted(json.dumps({key: item for key, item in row.items() if key != "pk"}, sort_keys=True) for row in value)
        content[name] = _without_block_ids(value)
    return content


def _without_block_ids(value):
    """StreamField block ids name a block, not what it says: a form or import that renumbers them changes nothing."""
    if isinstance(value, dict):
        is_block = "type" in value and "value" in value
        return {key: _without_block_ids(item) for key, item in value.items() if not (is_block and key == "id")}
    if isinstance(value, list):
        return [_without_block_ids(item) for item in value]
    return value


def same_content(revision, other):
    return revision.pk == other.pk or content_of(revision) == content_of(other)


def revisions_of(workflow_state):
    return Revision.objects.filter(base_content_type_id=workflow_state.base_content_type_id, object_id=workflow_state.object_id)


def authors(workflow_state):
    """Ids of whoever wrote what is in review: the page's owner, whoever submitted it, and everyone who
    saved a change of content since. A save that changed nothing makes nobody an author."""
    ids = {getattr(workflow_state.content_object, "owner_id", None), workflow_state.requested_by_id}
    revisions = revisions_of(workflow_state)
    submitted = revisions.filter(created_at__lt=workflow_state.created_at).order_by("-pk").first()
    previous = submitted and content_of(submitted)
    for revision in revisions.filter(created_at__gte=workflow_state.created_at).order_by("pk"):
        content = content_of(revision)
        if content != previous:
            ids.add(revision.user_id)
        previous = content
    return ids - {None}


def approvers_of_pass(task_state):
    """Ids of who passed a step of this pass: approvals count only for the revision they were given to,
    so a pass is the steps passed on the revision now in review."""
    approvals = TaskState.objects.filter(
        workflow_state_id=task_state.workflow_state_id, revision_id=task_state.revision_id, status=TaskState.STATUS_APPROVED
    )
    return set(approvals.values_list("finished_by_id", flat=True)) - {None}


def excluded_from(task_state):
    """Ids of who may not pass this step, whatever their groups."""
    return authors(task_state.workflow_state) | approvers_of_pass(task_state)


def reviewers_of(task):
    """Ids of the active members of a step's groups: the only people who may pass it."""
    users = get_user_model().objects.filter(is_active=True, groups__in=task.groups.all())
    return set(users.values_list("pk", flat=True))


def follow_latest_revision(task_state, user):
    """Keep the step in progress on the article's latest revision; True if that sent it back to the first step.

    A save without a change of content moves the step and this pass's approvals to the new revision.
    A change cancels the step: with no approval on the new revision, Wagtail restarts at the first step.
    """
    latest = revisions_of(task_state.workflow_state).order_by("-pk").first()
    if latest is None or latest.pk == task_state.revision_id:
        return False
    if same_content(task_state.revision, latest):
        TaskState.objects.filter(
            workflow_state_id=task_state.workflow_state_id,
            revision_id=task_state.revision_id,
            status__in=(TaskState.STATUS_APPROVED, TaskState.STATUS_IN_PROGRESS),
        ).update(revision=latest)
        task_state.revision = latest
        return False
    task_state.cancel(user=user, comment=_("稿件在审核中被修改，重新从第一步审核。"))
    return True


def passed_review(revision):
    """Every step of a completed workflow approved this very revision."""
    approvals = TaskState.objects.filter(
        revision=revision, status=TaskState.STATUS_APPROVED, workflow_state__status=WorkflowState.STATUS_APPROVED
    )
    approval = approvals.select_related("workflow_state__workflow").first()
    if approval is None:
        return False
    steps = set(approval.workflow_state.workflow.tasks.filter(active=True).values_list("pk", flat=True))
    return steps <= set(approvals.filter(workflow_state_id=approval.workflow_state_id).values_list("task_id", flat=True))


def review_outcome(task_state):
    """What a reviewer's action on this step did, in one sentence; None while the step is still open."""
    task_state.refresh_from_db()
    state = task_state.workflow_state
    state.refresh_from_db()
    step = task_state.task.name
    if task_state.status == TaskState.STATUS_REJECTED:
        return _("已退回修改，编辑会看到你的意见。")
    if task_state.status == TaskState.STATUS_CANCELLED and state.status == WorkflowState.STATUS_IN_PROGRESS:
        return _("稿件已修改，已退回“%s”重新审核。") % state.current_task_state.task.name
    if task_state.status != TaskState.STATUS_APPROVED:
        return None
    if state.status != WorkflowState.STATUS_APPROVED:
        return _("已通过%(step)s，已转%(next)s。") % {"step": step, "next": state.current_task_state.task.name}
    go_live_at = revisions_of(state).order_by("-pk").values_list("approved_go_live_at", flat=True).first()
    if go_live_at:
        return _("已通过%(step)s，将于%(time)s发布。") % {
            "step": step,
            "time": timezone.localtime(go_live_at).strftime("%Y-%m-%d %H:%M"),
        }
    return _("已通过%s，已发布。") % step
