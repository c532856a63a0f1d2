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


UNREVIEWED_PUBLICATION = "columns.publish_unreviewed"
PUBLICATIONS = ("wagtail.publish", "wagtail.publish.scheduled")


def mark_unreviewed_publication(sender, instance, created, **kwargs):
    """An article that goes live without having passed 三审 (an administrator's urgent correction) is
    marked 未经三审发布 in its history, under the name of whoever published or scheduled it.

    Publications by nobody (the demo loader, imports) are not editorial decisions and are not marked.
    """
    from wagtail.log_actions import log

    from .models import ArticlePage
    from .review import passed_review

    if not created or instance.action not in PUBLICATIONS or instance.content_type.model_class() is not ArticlePage:
        return
    publisher = instance.user
    if instance.action == "wagtail.publish.scheduled":
        scheduling = type(instance).objects.filter(revision_id=instance.revision_id, action="wagtail.publish.schedule").last()
        publisher = scheduling and scheduling.user
    if publisher is None or passed_review(instance.revision):
        return
    log(instance=instance.page.specific, action=UNREVIEWED_PUBLICATION, user=publisher, revision=instance.revision)
