"""What happens when the last review step approves. Imported by Wagtail while it loads its models,
so this module must not import models at the top."""


def publish_after_final_review(workflow_state, user=None):
    """Passing 终审 is the authority to publish: reviewers hold no publish right outside the workflow.

    A go-live time in the future makes this a scheduled publication, as everywhere in Wagtail.
    """
    workflow_state.content_object.get_latest_revision().publish(user=user, skip_permission_checks=True)


def make_article_videos_public(sender, instance, **kwargs):
    """A video shown in a published article is public from then on; until then only staff can play it."""
    from media_center.models import Video

    video_ids = [block.value["video"].pk for block in instance.body if block.block_type == "video" and block.value["video"]]
    if video_ids:
        Video.objects.filter(pk__in=video_ids, is_public=False).update(is_public=True)
