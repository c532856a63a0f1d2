"""The admin's page forms: the content checks on the way to publication, and short article slugs."""

from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from media_center.placements import unplaceable_in

from .content_checks import checked_texts, find_sensitive_words

SLUG_TAIL_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def dated_slug(parent):
    """A short URL for a Chinese-titled article: publication date plus a random tail, unique under its parent."""
    while True:
        slug = f"{timezone.localdate():%Y%m%d}-{get_random_string(4, SLUG_TAIL_ALPHABET)}"
        if parent is None or not parent.get_children().filter(slug=slug).exists():
            return slug


class CheckedPageForm(WagtailAdminPageForm):
    """Blocks any step towards publication while the page's checked texts hold a sensitive word, or
    it shows a clip 终审 has not approved.

    For any page type that declares `checked_fields`. Drafts still save, so an editor never loses
    work; submitting, publishing, restarting review and approving are refused with the word and
    where it is.
    """

    def is_moving_towards_publication(self):
        if any(key in self.data for key in ("action-submit", "action-publish", "action-restart-workflow")):
            return True
        return "action-workflow-action" in self.data and self.data.get("workflow-action-name") == "approve"

    def clean(self):
        cleaned_data = super().clean()
        if self.is_moving_towards_publication():
            hits = find_sensitive_words(checked_texts(self._meta.model, cleaned_data))
            if hits:
                self.add_error(None, _("含有敏感词，不能提交：%s。请修改后再提交。") % "；".join(hit.describe() for hit in hits))
            for clip in unplaceable_in(cleaned_data.values()):
                self.add_error(None, _("短视频“%s”还没有通过终审，不能放到公开页面上：请等终审通过，或换一个视频。") % clip.title)
        return cleaned_data


class ArticlePageForm(CheckedPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Chinese titles give no usable slug in the browser; an empty one gets a dated one on save.
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("留空则自动生成，如 20261125-k3x9。发布后请勿修改。")

    def clean_slug(self):
        return self.cleaned_data.get("slug") or dated_slug(self.parent_page)
