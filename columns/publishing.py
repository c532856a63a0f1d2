"""What happens when the last review step approves. Imported by Wagtail while it loads its models,
so this module must not import models at the top."""


def publish_after_final_review(workflow_state, user=None):
    """Passing 终审 is the authority to publish: reviewers hold no publish right outside the workflow.

    A go-live time in the future makes this a scheduled publication, as everywhere in Wagtail.
    """
    workflow_state.content_object.get_latest_revision().publish(user=user, skip_permission_checks=True)
