"""Demo content for a fresh install: articles from demo_articles.toml with generated cover images.

Keyed by slug, so loading again only adds what is missing and never touches edited articles.
"""

import hashlib
import io
import tomllib
from datetime import timedelta
from pathlib import Path

from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.images import get_image_model

from media_center import demo as video_demo

from .models import ArticlePage, SeriesPage
from .models.pages import ORIGINAL_SOURCE
from .sync import sync_taxonomy

DEMO_FILE = Path(__file__).with_name("demo_articles.toml")
COVER_SIZE = (1200, 800)
# Every size the public pages show a cover in (home_page.html, article_item.html, article_page.html,
# share_meta.html): made with the demo, so a fresh site's first visitor does not wait for 18 resizes.
COVER_RENDITIONS = ("fill-750x420", "fill-240x160", "width-750", "fill-600x600")


def load_articles(say, progress):
    """The demo loader (core.demo): the fixed taxonomy first, as the articles go into its series."""
    sync_taxonomy()
    created = load_demo_articles()
    for title in created:
        say(_("新建文章「%(title)s」") % {"title": title})
    say(_("演示内容已就绪：新建 %(count)d 篇文章。") % {"count": len(created)}, done=True)


def load_demo_articles(path=DEMO_FILE):
    """Create the demo articles that do not exist yet; return the titles created."""
    with open(path, "rb") as handle:
        entries = tomllib.load(handle)["article"]
    created = []
    for entry in entries:
        if ArticlePage.objects.filter(slug=entry["slug"]).exists():
            continue
        series = SeriesPage.objects.get(slug=entry["series"])
        article = ArticlePage(
            slug=entry["slug"],
            title=entry["title"],
            subtitle=entry.get("subtitle", ""),
            summary=entry["summary"],
            author=entry["author"],
            editor_in_charge=entry["editor"],
            source=entry.get("source", ORIGINAL_SOURCE),
            date_published=timezone.now() - timedelta(days=entry["days_ago"]),
            cover_image=cover_image_for(entry["slug"], entry["title"]),
            body=[("paragraph", f"<p>{escape(text)}</p>") for text in entry["paragraphs"]],
        )
        article.tags.add(*entry.get("tags", []))
        series.add_child(instance=article)
        article.save_revision().publish()
        created.append(article.title)
    return created


def cover_image_for(slug, title):
    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing:
        return existing
    image_file = ImageFile(io.BytesIO(generated_cover(slug)), name=f"demo-{slug}.jpg")
    image = image_model.objects.create(title=title, file=image_file)
    image.get_renditions(*COVER_RENDITIONS)
    return image


def generated_cover(seed):
    """A soft two-colour gradient with circles, different for every seed: no text, no fonts needed."""
    digest = hashlib.sha256(seed.encode()).digest()
    start, end = digest[0:3], digest[3:6]
    width, height = COVER_SIZE
    picture = PillowImage.new("RGB", COVER_SIZE)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        mix = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * mix) for a, b in zip(start, end)))
    for index in range(6):
        x, y, radius = digest[6 + index] * 5, digest[12 + index] * 3, 40 + digest[18 + index] // 2
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], outline=(255, 255, 255), width=6)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


REPLAY_ARTICLE = "chunfeng-xingdong-zhibo-zhaopin"


def place_videos(say, progress):
    """The demo loader (core.demo) after the videos': without them (`--no-videos`) there is nothing to place."""
    recording = video_demo.demo_recording()
    if recording is None:
        return
    first = video_demo.DEMO["clip"][:1]
    clip = recording.clips.filter(title=first[0]["title"]).first() if first else None
    if place_demo_videos(recording, clip):
        say(_("演示回放和短视频已放进文章。"))


def place_demo_videos(recording, clip, slug=REPLAY_ARTICLE):
    """The job-fair article shows the demo replay and an approved clip, unless someone edited it since."""
    article = ArticlePage.objects.filter(slug=slug).first()
    if article is None or article.revisions.count() > 1:
        return False
    article.body.append(("video", {"video": recording, "caption": video_demo.DEMO["recording"]["caption"]}))
    if clip is not None and clip.is_placeable:
        article.body.append(("video", {"video": clip, "caption": video_demo.DEMO["approval"]["caption"]}))
    article.save_revision().publish()
    return True
