"""The blocks an article body is made of. Rich text is limited to features that survive WeChat's browser."""

from urllib.parse import urlsplit

from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from media_center.choosers import VideoChooserBlockBase as VideoChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"]
WEB_SCHEMES = ("http", "https")


class SafeRichTextBlock(blocks.RichTextBlock):
    """Rich text goes through the editor's whitelist whenever it is saved, not only when typed in the admin.

    Wagtail stores rich text as HTML and renders it unescaped; imports, scripts and the API would
    otherwise store <script> or javascript: links that the editor itself never lets through.
    """

    def get_prep_value(self, value):
        # Imported here: the converter module needs the app registry, which blocks load before.
        from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

        converter = EditorHTMLConverter(features=self.features)
        return converter.to_database_format(converter.from_database_format(super().get_prep_value(value)))


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("图片"))
    caption = blocks.CharBlock(required=False, max_length=200, label=_("图片说明"))

    class Meta:
        icon = "image"
        label = _("图片")
        template = "columns/blocks/captioned_image.html"


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, max_length=100, label=_("组图标题"))
    images = blocks.ListBlock(CaptionedImageBlock(), min_num=2, label=_("图片"))

    class Meta:
        icon = "image"
        label = _("组图")
        template = "columns/blocks/gallery.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("引文"))
    attribution = blocks.CharBlock(required=False, max_length=100, label=_("出处"))

    class Meta:
        icon = "openquote"
        label = _("引用")
        template = "columns/blocks/quote.html"


class VideoBlock(blocks.StructBlock):
    video = VideoChooserBlock(label=_("视频"))
    caption = blocks.CharBlock(required=False, max_length=200, label=_("视频说明"))

    class Meta:
        icon = "media"
        label = _("视频")
        template = "columns/blocks/video.html"


class LinkCardBlock(blocks.StructBlock):
    """Content on another platform as a card the editor fills in, linking out.

    It replaces Wagtail's embeds: their oEmbed providers know no Chinese platform, and the server
    would fetch them from abroad. Nothing here is fetched by the server or by the reader's browser.
    """

    url = blocks.URLBlock(
        label=_("链接"),
        help_text=_("以 http:// 或 https:// 开头的完整网址"),
        validators=[URLValidator(schemes=WEB_SCHEMES)],
    )
    title = blocks.CharBlock(max_length=100, label=_("标题"))
    summary = blocks.TextBlock(required=False, max_length=200, label=_("摘要"))
    image = ImageChooserBlock(required=False, label=_("图片"))

    class Meta:
        icon = "link"
        label = _("链接卡片")
        help_text = _(
            "微博、微信公众号、抖音等外部内容：系统不会抓取或嵌入，请自己填写标题，可加摘要和图片；读者点击卡片后跳转到原链接。"
        )
        template = "columns/blocks/link_card.html"

    def get_context(self, value, parent_context=None):
        # Cards stored by imports or scripts skip the form's validation: only web addresses become links.
        context = super().get_context(value, parent_context)
        context["href"] = value["url"] if urlsplit(value["url"]).scheme in WEB_SCHEMES else ""
        return context


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = SafeRichTextBlock(features=RICH_TEXT_FEATURES, label=_("正文"))
    image = CaptionedImageBlock()
    gallery = GalleryBlock()
    quote = QuoteBlock()
    video = VideoBlock()
    link_card = LinkCardBlock()
