"""公众号 article content: our HTML, texts and images in the form the Official Account API accepts.

The contract is /work/shared/channels/WECHAT.md ("Content the adapter sends", "Images"). WeChat
strips what it does not allow without saying so, so the article is rebuilt here from a whitelist
instead: allowed tags only, our own inline styles, no attribute of the source kept but a checked
link and an image address from uploadimg. What had to go is named in `Converted.dropped`, so staff
learn that a video or an image is missing before readers do.

Characters are counted as the stand-in counts them: Python's len() on the str, one per code point
(an emoji is one character, however many UTF-8 bytes it takes).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from urllib.parse import urljoin

from PIL import Image, ImageOps

from media_center.ffmpeg.messages import gettext_noop

from .base import Permanent

MAX_CONTENT_CHARS = 20_000  # content must be shorter
MAX_CONTENT_BYTES = 1024 * 1024  # and smaller, in UTF-8
MAX_IMAGE_BYTES = 1024 * 1024 - 1  # uploadimg: under 1 MB

# The reading style, one entry per role (a role is what an input tag becomes: ROLES). Kept short:
# every character of it counts against the 20,000 of the content. The text style is set once, on
# the article's outer section, and inherited. No quotes, & or < here: they would be escaped.
STYLES = {
    "article": "font-size:16px;line-height:1.75;letter-spacing:0.5px;color:#333333;text-align:justify;word-wrap:break-word;",
    "p": "margin:0 0 1em;",
    "h2": "margin:1.5em 0 0.75em;font-size:20px;line-height:1.4;font-weight:bold;color:#1a1a1a;text-align:left;",
    "h3": "margin:1.25em 0 0.6em;font-size:18px;line-height:1.4;font-weight:bold;color:#1a1a1a;text-align:left;",
    "h4": "margin:1em 0 0.5em;font-size:16px;line-height:1.5;font-weight:bold;color:#1a1a1a;text-align:left;",
    "strong": "",
    "b": "",
    "em": "",
    "i": "",
    "u": "",
    "ul": "margin:0 0 1em;padding-left:1.5em;list-style-type:disc;",
    "ol": "margin:0 0 1em;padding-left:1.5em;list-style-type:decimal;",
    "li": "margin:0 0 0.5em;",
    # 1px of padding below keeps the last paragraph's margin inside the grey.
    "blockquote": "margin:0 0 1em;padding:1em 1em 1px;border-left:4px solid #dcdcdc;background-color:#f7f7f7;color:#666666;",
    "section": "",
    "figure": "margin:0 0 1em;",
    "caption": "margin:0.5em 0 0;font-size:14px;line-height:1.6;color:#888888;text-align:center;",
    "img": "display:block;max-width:100%;height:auto;margin:0 auto;",
    "a": "color:#576b95;text-decoration:none;",
    "hr": "margin:1.5em 0;height:0;border:0;border-top:1px solid #e5e5e5;",
    "table": "margin:0 0 1em;border-top:1px solid #e5e5e5;",
    "row": "padding:0.5em 0;border-bottom:1px solid #e5e5e5;",
    "cell": "display:inline-block;margin-right:1em;vertical-align:top;",
    "heading_cell": "display:inline-block;margin-right:1em;vertical-align:top;font-weight:bold;",
    "pre": "margin:0 0 1em;padding:0.75em;background-color:#f6f6f6;font-family:Menlo,Consolas,monospace;font-size:14px;line-height:1.6;text-align:left;white-space:pre-wrap;word-break:break-all;",
    "code": "font-family:Menlo,Consolas,monospace;font-size:14px;",
}

# Input tag → role. Tags not here are unknown: the tag goes, its text stays.
ROLES = {
    "p": "p",
    "h1": "h2",
    "h2": "h2",
    "h3": "h3",
    "h4": "h4",
    "h5": "h4",
    "h6": "h4",
    "strong": "strong",
    "b": "b",
    "em": "em",
    "i": "i",
    "u": "u",
    "ins": "u",
    "ul": "ul",
    "ol": "ol",
    "li": "li",
    "blockquote": "blockquote",
    **dict.fromkeys(("div", "section", "article", "header", "footer", "main", "nav", "aside", "address"), "section"),
    **dict.fromkeys(("center", "details", "dl", "hgroup"), "section"),
    "dt": "p",
    "dd": "p",
    "summary": "p",
    "figure": "figure",
    "figcaption": "caption",
    "caption": "caption",
    "table": "table",
    "tr": "row",
    "td": "cell",
    "th": "heading_cell",
    "pre": "pre",
    **dict.fromkeys(("code", "kbd", "samp", "tt"), "code"),
    "a": "a",
    "img": "img",
    "br": "br",
    "hr": "hr",
}
OUTPUT_TAGS = {
    "article": "section",
    "figure": "section",
    "caption": "p",
    "table": "section",
    "row": "section",
    "cell": "section",
    "heading_cell": "section",
    "hr": "section",
    "pre": "p",
    "code": "span",
}  # every other role is its own tag
INLINE_ROLES = {"strong", "b", "em", "i", "u", "a", "code", "img", "br"}
VOID_ROLES = {"img", "br", "hr"}
HEADINGS = {"h2", "h3", "h4"}
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
PARAGRAPH_ROLES = {"p", "caption", "pre", *HEADINGS}  # output as p or a heading: no block may go inside
WRAPPING_ROLES = {"article", "section", "figure", "blockquote"}  # loose text in them is put in a <p>
# An opening tag closes an open sibling (an <li> the previous <li>) unless a container comes first.
SIBLINGS = {
    "li": ({"li"}, {"ul", "ol"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "tr": ({"tr"}, {"table"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
}
# Gone with everything inside: active content, forms, media WeChat cannot play, the document's head.
DROPPED_WITH_CONTENT = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "noscript",
    "template",
    "svg",
    "math",
    "video",
    "audio",
    "head",
    "title",
    "applet",
    "frameset",
    "frame",
    "noembed",
    "noframes",
    "canvas",
}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
MAX_DEPTH = 100  # deeper nesting (only hostile input has it) is flattened: rendering recurses

ASCII_SPACE = re.compile(r"[ \t\n\r\f]+")
UNSAFE_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")  # controls and lone surrogates
WEB_URL = re.compile(r"https?://[^/\\\s]", re.IGNORECASE)


@dataclass(frozen=True)
class Converted:
    """The article's HTML for draft/add, and the tags left out of it (input names, once each, in order)."""

    html: str
    dropped: tuple[str, ...] = ()


@dataclass
class _Node:
    role: str
    tag: str  # as written in the input: end tags are matched against it
    attrs: dict = field(default_factory=dict)
    children: list = field(default_factory=list)
    swallowed: Counter = field(default_factory=Counter)  # tags ignored inside it: their end tags are ignored too

    def clone(self):
        return _Node(self.role, self.tag, dict(self.attrs))


def to_wechat_html(html: str, *, image_url: Callable[[str], str | None], base_url: str | None = None) -> Converted:
    """Article HTML (Wagtail rich text and our block markup, or anything an import stored) for WeChat.

    `image_url(src)` uploads the image at `src` and returns its mmbiz address, or None when the image
    cannot go (it is then dropped and named). It is called once per distinct src, in document order;
    what it raises goes through. `base_url`: the article's address on our site, against which
    relative links (Wagtail writes links to our pages as /path/) are resolved; without it they go,
    their text kept. The result is well-formed whatever the input, and what WeChat's cleaning would
    remove is not in it, so WeChat removes nothing.
    """
    builder = _TreeBuilder(image_url, base_url)
    builder.feed(html)
    builder.close()
    return Converted(_render(builder.root, in_pre=False)[0], tuple(builder.dropped))


class _TreeBuilder(HTMLParser):
    """The input as a tree of roles, repaired as a browser would repair it (roughly), the rest left out."""

    def __init__(self, image_url, base_url):
        super().__init__(convert_charrefs=True)
        self.image_url = image_url
        self.base_url = base_url
        self.image_urls = {}
        self.root = _Node("article", "")
        self.stack = [self.root]
        self.skipping = None  # the tag of the element being dropped with its content
        self.skipped = Counter()  # the tags open inside it
        self.dropped = []

    def note(self, tag):
        if tag not in self.dropped:
            self.dropped.append(tag)

    @property
    def top(self):
        return self.stack[-1]

    def add(self, node):
        self.top.children.append(node)
        if node.role not in VOID_ROLES:
            self.stack.append(node)

    def handle_starttag(self, tag, attrs):
        if self.skipping:
            if tag not in VOID_TAGS:
                self.skipped[tag] += 1
            return
        if tag in DROPPED_WITH_CONTENT:
            self.note(tag)
            if tag not in VOID_TAGS:
                self.skipping, self.skipped = tag, Counter({tag: 1})
            return
        role = ROLES.get(tag)
        if role is None:
            return
        attrs = dict(attrs)
        if role == "img":
            self.add_image(attrs.get("src"))
        elif role == "br":
            self.add(_Node("br", tag))
        elif role == "a":
            self.open_link(tag, attrs)
        elif role in INLINE_ROLES:
            self.open_inline(_Node(role, tag))
        else:
            self.open_block(_Node(role, tag))

    def handle_endtag(self, tag):
        if self.skipping:
            if self.skipped[tag]:
                self.skipped[tag] -= 1
                if not self.skipped[self.skipping]:
                    self.skipping = None
                return
            if self.end_target(tag) is None:
                return
            self.skipping = None  # an enclosing element ends: so does the dropped one inside it
        target = self.end_target(tag)
        if target is None:
            return
        node, index = target
        if index is None:
            node.swallowed[tag] -= 1
        else:
            del self.stack[index:]

    def end_target(self, tag):
        """What an end tag ends: (node, its index in the stack), (node, None) when a tag the node swallowed
        ends, or None when nothing open matches (a stray end tag, ignored)."""
        role = ROLES.get(tag)
        if role is None or role in VOID_ROLES:
            return None
        for index in range(len(self.stack) - 1, 0, -1):
            node = self.stack[index]
            if node.swallowed[tag]:
                return node, None
            if self.matches(node, tag):
                return node, index
        return None

    def handle_data(self, data):
        if self.skipping:
            return
        children = self.top.children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)

    # Comments, CDATA sections, declarations and processing instructions: HTMLParser's defaults drop them.

    @staticmethod
    def matches(node, tag):
        return node.tag == tag or (tag in HEADING_TAGS and node.tag in HEADING_TAGS)

    def open_index(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.matches(self.stack[index], tag):
                return index
        return None

    def swallow(self, tag):
        if tag not in VOID_TAGS:
            self.top.swallowed[tag] += 1

    def add_image(self, src):
        src = (src or "").strip()
        if src not in self.image_urls:
            self.image_urls[src] = self.image_url(src) if src else None
        url = self.image_urls[src]
        if url is None:
            self.note("img")
        else:
            self.add(_Node("img", "img", {"src": url}))

    def open_link(self, tag, attrs):
        href = _web_url(attrs.get("href"), self.base_url)
        if href is None:
            if attrs.get("href") is not None:
                self.note("a")
            self.swallow(tag)
            return
        index = self.open_index("a")
        if index is not None:  # links do not nest: the open one ends here
            del self.stack[index:]
        self.open_inline(_Node("a", tag, {"href": href}))

    def open_inline(self, node):
        if len(self.stack) >= MAX_DEPTH:
            self.swallow(node.tag)
        else:
            self.add(node)

    def open_block(self, node):
        """A block closes the open paragraph (or heading, for a heading) and the open inline elements,
        which then continue inside it: `<b>x<p>y` gives `<b>x</b><p><b>y</b>`. In a caption or a
        heading the block's tag is ignored, its text kept."""
        if len(self.stack) >= MAX_DEPTH:
            self.swallow(node.tag)
            return
        index = len(self.stack) - 1
        while self.stack[index].role in INLINE_ROLES:
            index -= 1
        inlines = self.stack[index + 1 :]
        container = self.stack[index]
        if container.role in PARAGRAPH_ROLES:
            if not (container.tag == "p" or (container.role in HEADINGS and node.role in HEADINGS)):
                self.swallow(node.tag)
                self.add(_Node("br", "br"))  # its text on a line of its own (a line break at the start goes)
                return
            index -= 1
        del self.stack[index + 1 :]
        closes, stops = SIBLINGS.get(node.tag, ((), ()))
        for sibling in range(len(self.stack) - 1, 0, -1):
            if self.stack[sibling].tag in stops:
                break
            if self.stack[sibling].tag in closes:
                del self.stack[sibling:]
                break
        self.add(node)
        for inline in inlines:
            if len(self.stack) < MAX_DEPTH:
                self.add(inline.clone())


def _web_url(value, base_url=None):
    """An http(s) address, or None: javascript:, data: and the like go, and so do relative and
    protocol-relative links unless `base_url` resolves them."""
    url = re.sub(r"[\t\n\r]", "", UNSAFE_CHARACTERS.sub("", value or "")).strip()  # browsers ignore these in URLs
    if url and base_url:
        url = urljoin(base_url, url)  # an address with a scheme stays as it is
    return url if WEB_URL.match(url) else None


def _start_tag(role, attrs=()):
    tag = OUTPUT_TAGS.get(role, role)
    style = STYLES[role]
    pairs = [*attrs, ("style", style)] if style else list(attrs)
    return f"<{tag}" + "".join(f' {name}="{escape(value, quote=True)}"' for name, value in pairs) + ">"


def _end_tag(role):
    return f"</{OUTPUT_TAGS.get(role, role)}>"


@dataclass
class _Piece:
    """A rendered child. `content`: it shows something (text or an image); `words`: it shows text;
    `raw`: it is text itself, not an element; `space`: it shows nothing but whitespace."""

    html: str
    block: bool = False
    content: bool = False
    words: bool = False
    raw: bool = False
    space: bool = False
    line_break: bool = False


def _render(node, *, in_pre):
    """(html, shows something, shows text) for a node: empty blocks and inline elements collapse."""
    in_pre = in_pre or node.role == "pre"
    pieces = [piece for child in node.children if (piece := _render_child(child, in_pre=in_pre)) is not None]
    block = node.role not in INLINE_ROLES
    if block:
        pieces = _tidy(pieces, in_pre=in_pre)
        if node.role in WRAPPING_ROLES:
            pieces = _wrap_loose_text(pieces)
    if not any(piece.content for piece in pieces):
        return ("" if block or not pieces else " "), False, False
    inner = "".join(piece.html for piece in pieces)
    html = _start_tag(node.role, node.attrs.items()) + inner + _end_tag(node.role)
    return html, True, any(piece.words for piece in pieces)


def _render_child(child, *, in_pre):
    if isinstance(child, str):
        text = UNSAFE_CHARACTERS.sub("", child)
        if in_pre:
            html = escape(text.replace("\r\n", "\n").replace("\r", "\n"), quote=False).replace("\n", "<br>")
        else:
            text = ASCII_SPACE.sub(" ", text)
            html = escape(text, quote=False)
        if not text:
            return None
        visible = not text.isspace()  # no-break and ideographic spaces included
        return _Piece(html, content=visible, words=visible, raw=True, space=not visible)
    if child.role == "img":
        return _Piece(_start_tag("img", child.attrs.items()), content=True)
    if child.role == "br":
        return _Piece("<br>", line_break=True)
    if child.role == "hr":
        return _Piece(_start_tag("hr") + _end_tag("hr"), block=True, content=True)
    html, content, words = _render(child, in_pre=in_pre)
    if not html:
        return None
    if child.role not in INLINE_ROLES:
        return _Piece(html, block=True, content=content, words=words)
    if not content:
        return _Piece(html, raw=True, space=True)  # an empty inline element: its whitespace
    return _Piece(html, content=True, words=words)


def _tidy(pieces, *, in_pre):
    """Inside a block: no whitespace or line break at its ends or next to a block, ends of text trimmed.
    In preformatted text only whitespace at the ends goes (a browser drops the newline after <pre>)."""
    kept = []
    for index, piece in enumerate(pieces):
        if piece.space or (piece.line_break and not in_pre):
            after = pieces[index + 1] if index + 1 < len(pieces) else None
            if not kept or kept[-1].block or after is None or after.block:
                continue
        kept.append(piece)
    while kept and (kept[-1].space or (kept[-1].line_break and not in_pre)):
        kept.pop()
    if in_pre:
        if kept and kept[0].raw:
            kept[0].html = kept[0].html.removeprefix("<br>")
        while kept and kept[-1].raw and kept[-1].html.endswith("<br>"):
            kept[-1].html = kept[-1].html.removesuffix("<br>")
    else:
        for index, piece in enumerate(kept):
            if piece.raw and (index == 0 or kept[index - 1].block):
                piece.html = piece.html.lstrip(" ")
            if piece.raw and (index == len(kept) - 1 or kept[index + 1].block):
                piece.html = piece.html.rstrip(" ")
    return kept


def _wrap_loose_text(pieces):
    """Text outside any paragraph goes in one, so that it has the paragraph's spacing; bare images stay bare."""
    out, run = [], []

    def flush():
        if any(piece.words for piece in run):
            html = "".join(piece.html for piece in run).strip(" ")
            out.append(_Piece(_start_tag("p") + html + _end_tag("p"), block=True, content=True, words=True))
        else:
            out.extend(piece for piece in run if piece.content)
        run.clear()

    for piece in pieces:
        if piece.block:
            flush()
            out.append(piece)
        else:
            run.append(piece)
    flush()
    return out


def check_content(html: str, *, max_chars: int = MAX_CONTENT_CHARS, max_bytes: int = MAX_CONTENT_BYTES) -> None:
    """Refuse content WeChat would refuse: `max_chars` characters or more, or `max_bytes` UTF-8 bytes or more.

    Characters as the stand-in counts them (len of the str). The byte limit cannot be reached first
    at the contract's numbers (4 bytes a character at most): it is checked all the same.
    """
    length = len(html)
    if length >= max_chars:
        raise Permanent(
            gettext_noop("正文转换后（含排版代码）有 %(length)s 字，公众号要求少于 %(limit)s 字，请删减后再发布。"),
            params={"length": f"{length:,}", "limit": f"{max_chars:,}"},
        )
    size = len(html.encode("utf-8", "surrogatepass"))
    if size >= max_bytes:
        raise Permanent(
            gettext_noop("正文转换后（含排版代码）有 %(size)s，公众号要求小于 %(limit)s，请删减后再发布。"),
            params={"size": _file_size(size), "limit": _file_size(max_bytes)},
        )


def _file_size(size):
    """Bytes as staff read them: KB (rounded up, so a size over a limit never reads as the limit) up to 10 MB."""
    if size < 10 * 1024 * 1024:
        return f"{-(-size // 1024):,} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def fit_text(text: str, limit: int, *, label: str, allow_shortening: bool) -> str:
    """A title, author or digest within WeChat's `limit` characters: whitespace collapsed, then cut with
    "…" when staff allowed it, else refused with a message naming `label` (already translated).

    Characters are counted as Python's len() counts them, one per code point, as the stand-in does
    (an emoji is one). A cut never splits a character from the marks or joiners that follow it.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    if not allow_shortening:
        raise Permanent(
            gettext_noop(
                "%(label)s有 %(length)d 字，超过公众号 %(limit)d 字的上限：请填写平台标题/摘要，或勾选「超出字数时自动截断」。"
            ),
            params={"label": label, "length": len(text), "limit": limit},
        )
    cut = max(limit - 1, 0)
    while cut > 0 and (_joins_previous(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    return text[:cut].rstrip() + "…"


def _joins_previous(character):
    """A combining mark, variation selector, zero-width joiner or skin tone: part of the character before."""
    return (
        unicodedata.category(character) in ("Mn", "Me")
        or character in ("\u200d", "\ufe0e", "\ufe0f")
        or "\U0001f3fb" <= character <= "\U0001f3ff"
    )


# Images.

JPEG = ("image/jpeg", ".jpg")
PNG = ("image/png", ".png")
QUALITIES = (88, 80, 72, 64)
# Widths tried in turn. Width, not the long side: a phone shows an image at its own width, and a long
# vertical image (长图: a poster, a timeline) must keep its text readable. The first also caps what is
# sent: no phone shows more.
WIDTHS = (2560, 1920, 1440, 1080, 800, 640, 480)
ORIENTATION = 0x0112  # the EXIF tag
TURNED = {5, 6, 7, 8}  # orientations shown a quarter turn from how they are stored
UNREADABLE = gettext_noop("图片无法识别或已损坏，请换一张图片。")
TOO_MANY_PIXELS = gettext_noop("图片过大（像素过多），无法处理，请缩小后再上传。")
STILL_TOO_LARGE = gettext_noop("图片压缩后仍有 %(size)s，公众号要求小于 %(limit)s，请换一张图片。")
NEVER_OPENED = {"EPS"}  # Pillow would run Ghostscript on it
# (source mode, JPEG mode) pairs where the source's colour profile still describes the pixels.
SAME_COLOURS = {("RGB", "RGB"), ("RGBA", "RGB"), ("P", "RGB"), ("PA", "RGB"), ("L", "L")}


@dataclass(frozen=True)
class PreparedImage:
    """An image uploadimg accepts: JPEG or PNG, under 1 MB."""

    data: bytes
    content_type: str
    extension: str  # with its dot, for the upload's file name


def prepare_image(data: bytes, *, max_bytes: int = MAX_IMAGE_BYTES) -> PreparedImage:
    """The image as uploadimg takes it. Identified by its content, never by a file name.

    A JPEG (RGB or grey) or a PNG of at most `max_bytes` and without EXIF is sent as it is, once checked
    to decode; anything else Pillow opens becomes a JPEG: first frame, upright (EXIF orientation applied),
    transparency on white, at most 2560 wide, quality and then width stepped down until it fits.
    CMYK JPEGs are converted too: some phone browsers show them in wrong colours, and WeChat strips
    the EXIF that would turn a sideways photo upright.
    """
    try:
        image = Image.open(io.BytesIO(data), formats=[name for name in _formats() if name not in NEVER_OPENED])
    except Image.DecompressionBombError:
        raise Permanent(TOO_MANY_PIXELS)
    except MemoryError:
        raise
    except Exception:
        raise Permanent(UNREADABLE)
    with image:
        if Image.MAX_IMAGE_PIXELS and image.width * image.height > Image.MAX_IMAGE_PIXELS:
            raise Permanent(TOO_MANY_PIXELS)  # Pillow only warns up to twice the limit
        try:
            if len(data) <= max_bytes and _sendable(image):
                _check_decodes(image)
                return PreparedImage(data, *(JPEG if image.format == "JPEG" else PNG))
            width = image.height if _orientation(image) in TURNED else image.width
            if image.format in ("JPEG", "MPO") and width >= 2 * WIDTHS[0]:
                # Decoded at 1/2, 1/4 or 1/8 of its size, still above the cap: a quarter of the memory or less.
                scale = WIDTHS[0] / width
                image.draft(None, (max(1, int(image.width * scale)), max(1, int(image.height * scale))))
            image.load()  # the first frame of an animation
            flat = _flattened(image)
        except Permanent:
            raise
        except Image.DecompressionBombError:
            raise Permanent(TOO_MANY_PIXELS)
        except MemoryError:
            raise
        except Exception:
            raise Permanent(UNREADABLE)
    same_colours = (image.mode, flat.mode) in SAME_COLOURS
    icc_profile = image.info.get("icc_profile") if same_colours else None
    if flat is not image:
        image.close()  # the decoded original: only its flattened copy is needed from here
    return PreparedImage(_small_enough_jpeg(flat, max_bytes, icc_profile), *JPEG)


def _formats():
    Image.init()
    return list(Image.OPEN)


def _sendable(image):
    """Sent byte for byte only when nothing in it needs changing. EXIF never goes out: a phone's photo
    carries where it was taken and by which device."""
    if _has_exif(image):
        return False
    if image.format == "PNG":
        return True
    return image.format == "JPEG" and image.mode in ("RGB", "L")


def _has_exif(image):
    return bool(image.info.get("exif"))  # read from the header: getexif() would spoil a later verify()


def _orientation(image):
    """The EXIF orientation, 1 (as stored) when there is none or the EXIF cannot be read."""
    try:
        return image.getexif().get(ORIENTATION, 1)
    except Exception:
        return 1


def _check_decodes(image):
    """A truncated or damaged file fails here. A JPEG decodes at 1/8 of its size (its whole stream is
    read all the same); a PNG's chunks are checked without decoding its pixels."""
    if image.format == "JPEG":
        image.draft(None, (max(1, image.width // 8), max(1, image.height // 8)))
        image.load()
    else:
        image.verify()


def _flattened(image):
    """RGB or grey, upright, transparency on white: what a JPEG can hold."""
    if _orientation(image) != 1:
        ImageOps.exif_transpose(image, in_place=True)
    mode = image.mode
    if mode in ("RGB", "L"):
        return image
    if mode.startswith("I;16"):
        return image.convert("I").point(lambda value: value / 256).convert("L")
    if mode in ("1", "I", "F"):
        return image.convert("L")
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if mode == "CMYK" and image.info.get("icc_profile"):
        try:
            from PIL import ImageCms

            profile = ImageCms.ImageCmsProfile(io.BytesIO(image.info["icc_profile"]))
            return ImageCms.profileToProfile(image, profile, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except Exception:
            pass  # a broken profile: the plain conversion below
    return image.convert("RGB")


def _small_enough_jpeg(image, max_bytes, icc_profile):
    """The best JPEG under `max_bytes`: quality first, then width, each size made from the full image."""
    widths = [width for width in WIDTHS if width < image.width]
    if image.width <= WIDTHS[0]:
        widths.insert(0, image.width)
    data = b""
    for width in widths:
        resized = image if width == image.width else _resized(image, width / image.width)
        for quality in QUALITIES:
            data = _jpeg(resized, quality, icc_profile)
            if len(data) <= max_bytes:
                return data
    raise Permanent(STILL_TOO_LARGE, params={"size": _file_size(len(data)), "limit": _file_size(max_bytes + 1)})


def _resized(image, scale):
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _jpeg(image, quality, icc_profile):
    buffer = io.BytesIO()
    options = {"icc_profile": icc_profile} if icc_profile else {}
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True, **options)  # no EXIF: it is applied
    return buffer.getvalue()
