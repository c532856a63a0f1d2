"""The blocks an article body is made of. Rich text is limited to features that survive WeChat's browser."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr", "blockquote"]


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


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("正文"))
    image = CaptionedImageBlock()
    gallery = GalleryBlock()
    quote = QuoteBlock()
    embed = EmbedBlock(label=_("外部嵌入"), help_text=_("视频或微博等外部链接"), icon="media")
