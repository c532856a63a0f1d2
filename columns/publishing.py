"""What happens when the last review step approves. Imported by Wagtail while it loads its models,
so this module must not import models at the top."""


def publish_after_final_review(workflow_state, user=None):
    """Passing 终审 is the authority to publish: reviewers hold no publish right outside the workflow.

    A go-live time in the future makes this a scheduled publication, as everywhere in Wagtail.
    """
    workflow_state.content_object.get_latest_revision().publish(user=user, skip_permission_checks=True)


def make_shown_videos_public(sender, instance, **kwargs):
    """A video shown on a published page that anyone may read (in an article's body, a fair's replay)
    is public from then on; until then only staff can play it. A restricted page's videos stay as
    private as the page. Connected for every listed page type (listings.register)."""
    from media_center.models import Video

    video_ids = instance.shown_video_ids()
    if video_ids and type(instance).objects.filter(pk=instance.pk).readable().exists():
        Video.objects.filter(pk__in=video_ids, is_public=False).placeable().update(is_public=True)


def readable_pages():
    from wagtail.models import Page

    from core.visibility import ReadablePageQuerySet

    return ReadablePageQuerySet(Page).readable()


def make_approved_clip_public(sender, clip, **kwargs):
    """A clip approved after the page showing it went live becomes public there now."""
    from media_center.placements import pages_showing

    if readable_pages().filter(pk__in=pages_showing({clip.pk})).exists() and not clip.is_public:
        clip.is_public = True
        clip.save(update_fields=["is_public"])


def withdraw_restricted_videos(sender, instance, **kwargs):
    """A restriction put on a published page (or a section above it) takes back the videos that only
    restricted pages show; a video another readable page shows stays public.

    After the commit, once the restriction is known to `readable()` (see on_view_restriction_changed).
    """
    from django.db import transaction

    transaction.on_commit(lambda: withdraw_videos_under(instance.page))


def withdraw_videos_under(section):
    from media_center.models import Video
    from media_center.placements import placements

    from .listings import models_in

    restricted = [page for model in models_in() for page in model.objects.descendant_of(section, inclusive=True).live()]
    video_ids = set().union(*(page.shown_video_ids() for page in restricted))
    if not video_ids:
        return
    showing_pages = placements(video_ids)
    readable = set(readable_pages().filter(pk__in={page for page, _video in showing_pages}).values_list("pk", flat=True))
    still_shown = {video for page, video in showing_pages if page in readable}
    for video in Video.objects.filter(pk__in=video_ids - still_shown, is_public=True):
        video.is_public = False
        video.save(update_fields=["is_public"])


UNREVIEWED_PUBLICATION = "columns.publish_unreviewed"
PUBLICATIONS = ("wagtail.publish", "wagtail.publish.scheduled")


def mark_unreviewed_publication(sender, instance, created, **kwargs):
    """An article (or any listed page: a job fair) that goes live without having passed 三审 (an administrator's urgent correction) is
    marked 未经三审发布 in its history, under the name of whoever published or scheduled it.

    Publications by nobody (the demo loader, imports) are not editorial decisions and are not marked.
    """
    from wagtail.log_actions import log

    from .models.pages import ListedPage
    from .review import passed_review

    model = instance.content_type.model_class()
    if not created or instance.action not in PUBLICATIONS or not (model and issubclass(model, ListedPage)):
        return
    publisher = instance.user
    if instance.action == "wagtail.publish.scheduled":
        scheduling = type(instance).objects.filter(revision_id=instance.revision_id, action="wagtail.publish.schedule").last()
        publisher = scheduling and scheduling.user
    if publisher is None or passed_review(instance.revision):
        return
    log(instance=instance.page.specific, action=UNREVIEWED_PUBLICATION, user=publisher, revision=instance.revision)
