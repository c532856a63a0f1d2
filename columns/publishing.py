"""What happens when the last review step approves. Imported by Wagtail while it loads its models,
so this module must not import models at the top."""


def publish_after_final_review(workflow_state, user=None):
    """Passing 终审 is the authority to publish: reviewers hold no publish right outside the workflow.

    A go-live time in the future makes this a scheduled publication, as everywhere in Wagtail.
    """
    workflow_state.content_object.get_latest_revision().publish(user=user, skip_permission_checks=True)


def shown_video_ids(article):
    return {block.value["video"].pk for block in article.body if block.block_type == "video" and block.value["video"]}


def make_article_videos_public(sender, instance, **kwargs):
    """A video shown in a published article that anyone may read is public from then on; until
    then only staff can play it. A restricted article's videos stay as private as the article."""
    from media_center.models import Video

    from .models import ArticlePage

    video_ids = shown_video_ids(instance)
    if video_ids and ArticlePage.objects.filter(pk=instance.pk).readable().exists():
        Video.objects.filter(pk__in=video_ids, is_public=False).placeable().update(is_public=True)


def make_approved_clip_public(sender, clip, **kwargs):
    """A clip approved after the article showing it went live becomes public there now."""
    from media_center.placements import pages_showing

    from .models import ArticlePage

    showing = ArticlePage.objects.filter(pk__in=pages_showing({clip.pk})).live().readable()
    if showing.exists() and not clip.is_public:
        clip.is_public = True
        clip.save(update_fields=["is_public"])


def withdraw_restricted_videos(sender, instance, **kwargs):
    """A restriction put on a published article (or a section above it) takes back the videos
    that only restricted articles show; a video another readable article shows stays public.

    After the commit, once the restriction is known to `readable()` (see on_view_restriction_changed).
    """
    from django.db import transaction

    transaction.on_commit(lambda: withdraw_videos_under(instance.page))


def withdraw_videos_under(section):
    from media_center.models import Video
    from media_center.placements import placements

    from .models import ArticlePage

    restricted = ArticlePage.objects.descendant_of(section, inclusive=True).live()
    video_ids = set().union(*(shown_video_ids(article) for article in restricted))
    if not video_ids:
        return
    showing_pages = placements(video_ids)
    readable = set(
        ArticlePage.objects.filter(pk__in={page for page, _video in showing_pages}).readable().values_list("pk", flat=True)
    )
    still_shown = {video for page, video in showing_pages if page in readable}
    for video in Video.objects.filter(pk__in=video_ids - still_shown, is_public=True):
        video.is_public = False
        video.save(update_fields=["is_public"])


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
