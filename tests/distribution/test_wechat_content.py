"""Article HTML, texts and images turned into what the Official Account accepts (WECHAT.md, "Content
the adapter sends" and "Images"): what WeChat would strip is never sent, so it strips nothing."""

import io
import random
import struct
import zlib
from html.parser import HTMLParser

import pytest
from PIL import Image

from distribution.platforms.base import Permanent
from distribution.platforms.wechat_content import (
    DROPPED_WITH_CONTENT,
    MAX_CONTENT_BYTES,
    MAX_CONTENT_CHARS,
    STYLES,
    Converted,
    PreparedImage,
    check_content,
    fit_text,
    prepare_image,
    to_wechat_html,
)
from tests.distribution.wechat_standin import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ContentCleaner, image_format

pytestmark = pytest.mark.once  # no database here

MB = 1024 * 1024
VOID = {"br", "img"}
ORIENTATION = 0x0112


class Uploads:
    """image_url as the adapter passes it: each src "uploaded" to an mmbiz address; a src with "missing" fails."""

    def __init__(self):
        self.calls = []
        self.urls = {}

    def __call__(self, src):
        self.calls.append(src)
        if "missing" in src:
            return None
        url = f"https://mmbiz.qpic.cn/mmbiz_jpg/image{len(self.urls)}/0?wx_fmt=jpeg"
        self.urls[src] = url
        return url


def convert(html, uploads=None):
    uploads = uploads if uploads is not None else Uploads()
    result = to_wechat_html(html, image_url=uploads)
    assert isinstance(result, Converted)
    assert_wechat_keeps_it_whole(result.html, uploads)
    return result


class Elements(HTMLParser):
    """The output's elements in order, checked to be well-formed on the way: every tag closed, in order."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.open = []
        self.elements = []  # (tag, attrs)
        self.text = []
        self.feed(html)
        self.close()
        assert not self.open, f"left open: {self.open}"

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        raise AssertionError(f"<{tag}/>: WeChat's cleaner writes void tags without the slash")

    def handle_endtag(self, tag):
        assert tag not in VOID, f"</{tag}>"
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        raise AssertionError("a comment in the output")

    @property
    def tags(self):
        return [tag for tag, _attrs in self.elements]


def assert_wechat_keeps_it_whole(html, uploads):
    """The stand-in's cleaner (WeChat's rules) gives the same HTML back and reports nothing removed."""
    cleaner = ContentCleaner(set(uploads.urls.values()))
    assert cleaner.clean(html) == html
    assert cleaner.removed == []
    parsed = Elements(html)
    for tag, attrs in parsed.elements:
        assert tag in ALLOWED_TAGS
        assert set(attrs) <= ALLOWED_ATTRIBUTES.get(tag, {"style"})
        assert attrs.get("style", "") in STYLES.values()


def text_of(html):
    return "".join(Elements(html).text)


def styles(html, tag):
    return [attrs.get("style", "") for name, attrs in Elements(html).elements if name == tag]


def body(html):
    """The article without its outer section (which carries the text style)."""
    opening = f'<section style="{STYLES["article"]}">'
    assert html.startswith(opening) and html.endswith("</section>"), html
    return html[len(opening) : -len("</section>")]


def plain(html):
    """The body with every style attribute left out, for comparing structure."""
    html = body(html)
    for style in sorted(set(STYLES.values()) - {""}, key=len, reverse=True):
        html = html.replace(f' style="{style}"', "")
    return html


# HTML: what Wagtail and our blocks produce.


def test_rich_text_keeps_its_structure():
    html = (
        "<h2>劳模工匠进企业</h2><p>第一段，<b>加粗</b>与<i>斜体</i>。</p><h3>小标题</h3>"
        '<ol><li>一</li><li>二</li></ol><ul><li>甲</li></ul><p><a href="https://www.example.cn/news/1/">原文</a></p>'
    )
    assert plain(convert(html).html) == (
        "<h2>劳模工匠进企业</h2><p>第一段，<b>加粗</b>与<i>斜体</i>。</p><h3>小标题</h3>"
        '<ol><li>一</li><li>二</li></ol><ul><li>甲</li></ul><p><a href="https://www.example.cn/news/1/">原文</a></p>'
    )


def test_every_element_carries_its_style_from_the_table():
    html = convert('<h2>标题</h2><p>正文<a href="https://example.cn/">链接</a></p><blockquote><p>引文</p></blockquote>').html
    assert html.startswith(f'<section style="{STYLES["article"]}">')
    assert styles(html, "h2") == [STYLES["h2"]]
    assert styles(html, "p") == [STYLES["p"], STYLES["p"]]
    assert styles(html, "a") == [STYLES["a"]]
    assert styles(html, "blockquote") == [STYLES["blockquote"]]


def test_the_reading_style_suits_a_phone():
    assert {"font-size:16px", "line-height:1.75", "text-align:justify"} <= set(STYLES["article"].split(";"))
    assert any(rule.startswith("letter-spacing:") for rule in STYLES["article"].split(";"))
    assert any(rule.startswith("margin:") for rule in STYLES["p"].split(";"))
    assert {"max-width:100%", "height:auto", "display:block", "margin:0 auto"} <= set(STYLES["img"].split(";"))
    assert {"font-size:14px", "text-align:center"} <= set(STYLES["caption"].split(";"))
    assert "border-left:" in STYLES["blockquote"] and "color:" in STYLES["blockquote"]
    assert not any(character in style for style in STYLES.values() for character in "\"'&<>")


def test_h1_becomes_h2_and_h5_h6_become_h4():
    assert plain(convert("<h1>一</h1><h4>四</h4><h5>五</h5><h6>六</h6>").html) == "<h2>一</h2><h4>四</h4><h4>五</h4><h4>六</h4>"


def test_containers_become_sections():
    html = "<div><p>甲</p></div><article><p>乙</p></article><header><p>丙</p></header><footer><p>丁</p></footer>"
    assert plain(convert(html).html) == "".join(f"<section><p>{text}</p></section>" for text in "甲乙丙丁")


def test_loose_text_in_a_container_goes_in_a_paragraph():
    assert plain(convert("<div>开头 <b>加粗</b><p>段落</p>结尾</div>").html) == (
        "<section><p>开头 <b>加粗</b></p><p>段落</p><p>结尾</p></section>"
    )


def test_a_captioned_image_becomes_a_section_with_a_small_grey_centred_caption():
    uploads = Uploads()
    html = convert(
        '<figure class="block-image"><img alt="会场" height="400" src="/media/images/a.width-750.jpg" width="750" loading="lazy">'
        "<figcaption>职工代表大会现场</figcaption></figure>",
        uploads,
    ).html
    url = uploads.urls["/media/images/a.width-750.jpg"]
    assert plain(html) == f'<section><img src="{url.replace("&", "&amp;")}"><p>职工代表大会现场</p></section>'
    assert styles(html, "p") == [STYLES["caption"]]
    assert styles(html, "section")[1:] == [STYLES["figure"]]


def test_a_gallery_keeps_its_title_images_and_captions():
    uploads = Uploads()
    html = convert(
        '<section class="block-gallery"><h3>组图</h3>\n<figure><img src="/a.jpg"><figcaption>一</figcaption></figure>'
        '<figure><img src="/b.jpg"></figure>\n</section>',
        uploads,
    ).html
    assert uploads.calls == ["/a.jpg", "/b.jpg"]
    assert Elements(html).tags == ["section", "section", "h3", "section", "img", "p", "section", "img"]


def test_a_quote_keeps_its_text_line_breaks_and_attribution():
    html = convert(
        '<blockquote class="block-quote"><p>咬定青山不放松，<br>立根原在破岩中。</p><footer>—— 郑燮</footer></blockquote>'
    ).html
    assert plain(html) == "<blockquote><p>咬定青山不放松，<br>立根原在破岩中。</p><section><p>—— 郑燮</p></section></blockquote>"


def test_a_link_card_keeps_its_link_image_and_text():
    uploads = Uploads()
    html = convert(
        '<a class="block-link-card" href="https://weibo.com/x" target="_blank" rel="noopener nofollow"><img src="/card.jpg">'
        '<span class="link-card-text"><strong>标题</strong><span class="link-card-summary">摘要</span></span></a>',
        uploads,
    ).html
    url = uploads.urls["/card.jpg"].replace("&", "&amp;")
    assert plain(html) == f'<p><a href="https://weibo.com/x"><img src="{url}"><strong>标题</strong>摘要</a></p>'


def test_hr_becomes_a_thin_line():
    html = convert("<p>上</p><hr/><p>下</p>").html
    assert plain(html) == "<p>上</p><section></section><p>下</p>"
    assert styles(html, "section")[1] == STYLES["hr"]
    assert "border-top:1px solid" in STYLES["hr"]


def test_a_table_keeps_its_text_in_rows_and_cells():
    html = convert(
        "<table><thead><tr><th>单位</th><th>人数</th></tr></thead><tbody><tr><td>市总工会<td>12</tr></tbody></table>"
    ).html
    assert plain(html) == (
        "<section><section><section>单位</section><section>人数</section></section>"
        "<section><section>市总工会</section><section>12</section></section></section>"
    )
    assert styles(html, "section")[1:4] == [STYLES["table"], STYLES["row"], STYLES["heading_cell"]]


def test_preformatted_text_keeps_its_lines_and_code_becomes_a_span():
    html = convert("<pre>\n第一行\n  第二行\n</pre><p>运行 <code>a &lt; b</code></p>").html
    assert plain(html) == "<p>第一行<br>  第二行</p><p>运行 <span>a &lt; b</span></p>"
    assert styles(html, "p")[0] == STYLES["pre"]
    assert styles(html, "span") == [STYLES["code"]]


# HTML: what may not go.


@pytest.mark.parametrize("tag", sorted(DROPPED_WITH_CONTENT - {"input", "embed"}))
def test_active_and_unplayable_elements_go_with_their_content(tag):
    result = convert(f"<p>之前</p><{tag} class='x'><p>秘密</p><b>内容</b></{tag}><p>之后</p>")
    assert plain(result.html) == "<p>之前</p><p>之后</p>"
    assert result.dropped == (tag,)


@pytest.mark.parametrize("tag", ["input", "embed"])
def test_void_active_elements_go(tag):
    result = convert(f'<p>填写<{tag} src="x.swf" value="v">此处</p>')
    assert plain(result.html) == "<p>填写此处</p>"
    assert result.dropped == (tag,)


def test_what_was_dropped_is_named_once_each_in_order():
    result = convert(
        '<p>a<script>1</script><iframe src="x"></iframe><script>2</script><img src="missing.jpg">'
        '<a href="javascript:alert(1)">b</a><img src="missing2.jpg"></p><video src="v.mp4"></video>'
    )
    assert result.dropped == ("script", "iframe", "img", "a", "video")


def test_an_unclosed_dropped_element_ends_with_the_element_around_it():
    result = convert("<div><p>前</p><svg><text>图</div><p>后</p>")
    assert plain(result.html) == "<section><p>前</p></section><p>后</p>"


def test_an_unclosed_script_hides_the_rest():
    result = convert("<p>前</p><script>alert(1)<p>后</p>")
    assert plain(result.html) == "<p>前</p>"
    assert result.dropped == ("script",)


def test_unknown_tags_keep_their_text():
    result = convert("<p><font color=red>红字</font><mark>标记</mark><custom-tag>自定义</custom-tag><span>跨度</span></p>")
    assert plain(result.html) == "<p>红字标记自定义跨度</p>"
    assert result.dropped == ()


def test_comments_go_unnamed():
    result = convert("<p>甲<!-- 编辑备注 --></p><!--[if IE]><p>旧</p><![endif]--><p>乙</p>")
    assert plain(result.html) == "<p>甲</p><p>乙</p>"
    assert result.dropped == ()


def test_cdata_like_text_runs_no_script():
    result = convert("<p>x<![CDATA[<script>alert(1)</script>]]>y</p><p>]]&gt; &lt;![CDATA[</p>")
    assert "script" not in result.html
    assert text_of(result.html).endswith("]]> <![CDATA[")


def test_event_handlers_styles_classes_ids_and_data_attributes_are_not_copied():
    result = convert(
        '<p style="color:red" class="lead" id="p1" data-x="1" onclick="steal()" onmouseover=x lang="zh">正文</p>'
        '<img src="/a.jpg" onerror="alert(1)" alt="图" width="750" height="400" class="richtext-image" style="width:9999px">'
    )
    for _tag, attrs in Elements(result.html).elements:
        assert set(attrs) <= {"style", "src", "href"}
    for word in ("red", "lead", "p1", "data-x", "steal", "onerror", "9999", "onmouseover"):
        assert word not in result.html


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "java&#x09;script:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "/news/1/",
        "news/1/",
        "//evil.example/",
        "https:/evil.example/",
        "mailto:office@example.cn",
        "",
    ],
)
def test_links_other_than_web_addresses_go_and_keep_their_text(href):
    result = convert(f'<p>请<a href="{href}">点击这里</a>查看</p>')
    assert plain(result.html) == "<p>请点击这里查看</p>"
    assert result.dropped == ("a",)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/news/1/", "https://union.example.cn/news/1/"),
        ("../2/", "https://union.example.cn/news/2/"),
        ("#top", "https://union.example.cn/news/1/#top"),
        ("//other.example/x", "https://other.example/x"),
        ("https://weibo.com/x", "https://weibo.com/x"),
    ],
)
def test_relative_links_are_resolved_against_the_articles_address(href, expected):
    result = to_wechat_html(f'<p><a href="{href}">链接</a></p>', image_url=Uploads(), base_url="https://union.example.cn/news/1/")
    assert plain(result.html) == f'<p><a href="{expected}">链接</a></p>'
    assert result.dropped == ()


@pytest.mark.parametrize("href", ["javascript:alert(1)", "java\tscript:alert(1)", "data:text/html,x", "mailto:a@b.cn", "", "  "])
def test_the_articles_address_makes_no_unsafe_link_safe(href):
    result = to_wechat_html(f'<p><a href="{href}">链接</a></p>', image_url=Uploads(), base_url="https://union.example.cn/news/1/")
    assert plain(result.html) == "<p>链接</p>"


def test_a_link_without_href_is_plain_text_and_not_named():
    result = convert('<p><a name="top">顶部</a></p>')
    assert plain(result.html) == "<p>顶部</p>"
    assert result.dropped == ()


def test_web_links_are_kept_and_escaped():
    html = convert("<p><a href='HTTPS://example.cn/s?a=1&amp;b=\"2\"&lt;'>链接</a><a href=http://example.cn/x>二</a></p>").html
    assert (
        plain(html)
        == '<p><a href="HTTPS://example.cn/s?a=1&amp;b=&quot;2&quot;&lt;">链接</a><a href="http://example.cn/x">二</a></p>'
    )


def test_links_do_not_nest():
    html = convert('<p><a href="https://a.cn/">甲<a href="https://b.cn/">乙</a>丙</a></p>').html
    assert plain(html) == '<p><a href="https://a.cn/">甲</a><a href="https://b.cn/">乙</a>丙</p>'


def test_entities_are_decoded_once_and_escaped_once():
    html = convert("<p>A &amp; B &lt;script&gt; &quot;引号&quot; &#169; &copy; &amp;amp; 5 > 3</p>").html
    assert plain(html) == '<p>A &amp; B &lt;script&gt; "引号" © © &amp;amp; 5 &gt; 3</p>'


def test_attributes_without_quotes_are_read():
    uploads = Uploads()
    html = convert("<p><a href=https://example.cn/a?b=1>链接</a><img src=/media/x.jpg alt=图></p>", uploads).html
    assert uploads.calls == ["/media/x.jpg"]
    assert 'href="https://example.cn/a?b=1"' in html


def test_stray_end_tags_are_ignored():
    assert plain(convert("</p></div></b>甲</li></ul><p>乙</p></h2></a>").html) == "<p>甲</p><p>乙</p>"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p><b><i>甲</b>乙</p>丙", "<p><b><i>甲</i></b>乙</p><p>丙</p>"),
        ("<p>一<p>二", "<p>一</p><p>二</p>"),
        ("<ul><li>一<li>二</ul>", "<ul><li>一</li><li>二</li></ul>"),
        ("<b>粗<p>段</p>后", "<p><b>粗</b></p><p><b>段</b></p><p>后</p>"),
        ("<p>段<h2>题</h2>尾", "<p>段</p><h2>题</h2><p>尾</p>"),
        ("<h2>题<h3>小</h3>", "<h2>题</h2><h3>小</h3>"),
        ("<p>段<ul><li>项</ul>", "<p>段</p><ul><li>项</li></ul>"),
        ("<figcaption><p>说明</p><div>续</div></figcaption>", "<p>说明<br>续</p>"),
        ("<h2><div>题</div></h2>", "<h2>题</h2>"),
        ("<div><p>甲</div>乙", "<section><p>甲</p></section><p>乙</p>"),
        ("<ul><li>一<ul><li>一之一</ul><li>二</ul>", "<ul><li>一<ul><li>一之一</li></ul></li><li>二</li></ul>"),
    ],
)
def test_unclosed_and_misnested_tags_are_closed_in_order(source, expected):
    assert plain(convert(source).html) == expected


def test_deep_nesting_is_flattened_not_a_crash():
    result = convert("<div>" * 3000 + "<b>" * 3000 + "深处" + "</b>" * 3000 + "</div>" * 3000 + "<p>之后</p>")
    assert text_of(result.html) == "深处之后"


def test_empty_paragraphs_collapse():
    source = "<p></p><p> </p><p><br></p><p>&nbsp;</p><p>\u3000</p><p><b></b><i> </i></p><ul><li></li></ul><div>\n</div><h2></h2>"
    assert to_wechat_html(source + "<p>正文</p>", image_url=Uploads()).html == convert("<p>正文</p>").html


def test_nothing_to_show_gives_empty_content():
    assert convert("").html == ""
    assert convert(" \n<p><br></p><script>x</script>").html == ""


def test_whitespace_between_blocks_is_not_emitted():
    html = convert("\n<h2>题</h2>\n\n  <p>\n  甲  乙\n</p>\n<ul>\n <li>项</li>\n</ul>\n<p><b>粗</b> <i>斜</i></p>\n").html
    assert plain(html) == "<h2>题</h2><p>甲 乙</p><ul><li>项</li></ul><p><b>粗</b> <i>斜</i></p>"


def test_control_characters_and_lone_surrogates_go():
    html = convert("<p>甲\x00\x08乙\ud800丙\u200d\u3000丁</p>").html
    assert plain(html) == "<p>甲乙丙\u200d\u3000丁</p>"
    html.encode()


def test_chinese_text_full_width_punctuation_and_emoji_are_intact():
    text = "　　“劳动最光荣！”——市总工会：《关于表彰》（2025）、【通知】；职工们👍🏻，👨‍👩‍👧欢聚一堂～…"
    html = convert(f"<p>{text}</p>").html
    assert text_of(html) == text


# HTML: images.


def test_images_are_rewritten_to_the_address_the_callback_gives():
    uploads = Uploads()
    html = convert(
        '<p>图：<img alt="x" class="richtext-image full-width" height="300" src="/media/a.jpg" width="400"></p>', uploads
    ).html
    assert uploads.calls == ["/media/a.jpg"]
    (image,) = [attrs for tag, attrs in Elements(html).elements if tag == "img"]
    assert image == {"src": uploads.urls["/media/a.jpg"], "style": STYLES["img"]}


def test_an_image_the_callback_refuses_is_dropped_and_named():
    result = convert(
        '<p><img src="/media/missing.jpg"></p><figure><img src="/media/missing.png"><figcaption>说明</figcaption></figure>'
    )
    assert "<img" not in result.html
    assert result.dropped == ("img",)
    assert plain(result.html) == "<section><p>说明</p></section>"


def test_an_image_without_src_is_dropped_without_a_call():
    uploads = Uploads()
    result = convert('<p>甲<img alt="x"><img src="  "></p>', uploads)
    assert uploads.calls == []
    assert result.dropped == ("img",)


def test_the_same_image_is_uploaded_once():
    uploads = Uploads()
    html = convert('<p><img src="/a.jpg"></p><p><img src="/a.jpg"></p>', uploads).html
    assert uploads.calls == ["/a.jpg"]
    assert html.count(uploads.urls["/a.jpg"].replace("&", "&amp;")) == 2


def test_images_inside_dropped_elements_are_not_uploaded():
    uploads = Uploads()
    convert('<noscript><img src="/tracker.gif"></noscript><video poster="/p.jpg"><img src="/fallback.jpg"></video>', uploads)
    assert uploads.calls == []


def test_a_thirty_image_article_is_rewritten_in_order():
    uploads = Uploads()
    source = "".join(
        f'<p>第{number}段</p><figure><img src="/media/{number}.jpg"><figcaption>图{number}</figcaption></figure>'
        for number in range(30)
    )
    html = convert(source, uploads).html
    assert uploads.calls == [f"/media/{number}.jpg" for number in range(30)]
    sources = [attrs["src"] for tag, attrs in Elements(html).elements if tag == "img"]
    assert sources == [uploads.urls[f"/media/{number}.jpg"] for number in range(30)]
    assert text_of(html) == "".join(f"第{number}段图{number}" for number in range(30))


def test_a_hostile_article_comes_out_safe_and_well_formed():
    source = (
        '<p onclick="x()">开头<script>document.cookie</script><img src=x onerror=alert(1)>'
        '<a href="javascript:alert(1)" style="color:red">链接</a><iframe src="https://evil/"></iframe>'
        "<svg onload=alert(1)><script>alert(2)</script></svg><style>p{display:none}</style>"
        "<div><table><tr><td><b><i>未闭合<p>段</td></tr></table><form action=/x><input name=a><button>提交</button></form>"
        '<object data="x.swf"><embed src="x.swf"></object><math><mi>x</mi></math><!-- 注释 --><template><p>模板</p></template>'
        "<select><option>选项</option></select><textarea></p><script>alert(3)</script></textarea><title>题</title>"
    )
    result = convert(source)
    for word in ("alert", "cookie", "evil", "display:none", "模板", "选项", "提交", "注释", "onclick", "onerror"):
        assert word not in result.html
    assert text_of(result.html) == "开头链接未闭合段"


# Content limits.


def test_content_under_20000_characters_passes():
    check_content("字" * (MAX_CONTENT_CHARS - 1))


def test_content_of_20000_characters_is_refused_naming_the_limit():
    with pytest.raises(Permanent) as caught:
        check_content("字" * MAX_CONTENT_CHARS)
    assert caught.value.params == {"length": "20,000", "limit": "20,000"}
    assert "20,000" in caught.value.text and "字" in caught.value.text


def test_content_is_counted_in_characters_not_bytes():
    check_content("😀" * (MAX_CONTENT_CHARS - 1))  # 4 bytes each: the byte limit cannot come first at these numbers


def test_content_at_the_byte_limit_is_refused_with_fewer_characters(monkeypatch):
    text = "工会" * 5000  # 10,000 characters, 30,000 bytes
    check_content(text, max_bytes=30_001)
    with pytest.raises(Permanent) as caught:
        check_content(text, max_bytes=30_000)
    assert caught.value.params == {"size": "30 KB", "limit": "30 KB"}


def test_the_byte_limit_is_one_mebibyte_and_sizes_read_in_kb_or_mb():
    assert MAX_CONTENT_BYTES == MB
    with pytest.raises(Permanent) as caught:
        check_content("a" * (MB + 1), max_chars=10 * MB)
    assert caught.value.params == {"size": "1,025 KB", "limit": "1,024 KB"}
    with pytest.raises(Permanent) as caught:
        check_content("a" * (12 * MB), max_chars=100 * MB)
    assert caught.value.params["size"] == "12.0 MB"


# Titles, authors and digests.


def test_text_within_the_limit_is_kept_with_whitespace_collapsed():
    assert fit_text("  劳模工匠\n\t进企业  ", 32, label="标题", allow_shortening=False) == "劳模工匠 进企业"


def test_text_exactly_at_the_limit_is_kept():
    assert fit_text("字" * 32, 32, label="标题", allow_shortening=False) == "字" * 32


def test_text_over_the_limit_is_cut_with_an_ellipsis_when_allowed():
    fitted = fit_text("一二三四五六七八九十", 6, label="标题", allow_shortening=True)
    assert fitted == "一二三四五…"
    assert len(fitted) == 6


def test_text_over_the_limit_is_refused_when_cutting_is_not_allowed():
    with pytest.raises(Permanent) as caught:
        fit_text("字" * 33, 32, label="标题", allow_shortening=False)
    assert caught.value.params == {"label": "标题", "length": 33, "limit": 32}
    assert caught.value.text.startswith("标题有 33 字，超过公众号 32 字的上限")
    assert "超出字数时自动截断" in caught.value.text


def test_characters_are_counted_as_the_standin_counts_them():
    text = "👍" * 16  # 16 characters, 64 UTF-8 bytes, 32 UTF-16 units
    assert fit_text(text, 16, label="作者", allow_shortening=False) == text


def test_a_cut_does_not_split_an_emoji_sequence():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert fit_text("家庭" + family + "聚会", 6, label="摘要", allow_shortening=True) == "家庭…"
    assert fit_text("点赞👍🏻好", 4, label="摘要", allow_shortening=True) == "点赞…"


def test_a_cut_leaves_no_space_before_the_ellipsis():
    assert fit_text("abc defgh", 5, label="标题", allow_shortening=True) == "abc…"


# Images.


def encoded(image, kind, **options):
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def noise(size, seed=1):
    return Image.frombytes("RGB", size, random.Random(seed).randbytes(size[0] * size[1] * 3))


def halves(size=(60, 30), left=(220, 20, 20), right=(20, 20, 220), mode="RGB"):
    image = Image.new(mode, size, right)
    image.paste(left, (0, 0, size[0] // 2, size[1]))
    return image


def opened(prepared):
    """The prepared image as the stand-in and a reader's phone see it."""
    assert isinstance(prepared, PreparedImage)
    assert len(prepared.data) < MB
    found = image_format(prepared.data)
    assert found is not None and found[0] in ("JPEG", "PNG")
    assert (prepared.content_type, prepared.extension) == (
        ("image/jpeg", ".jpg") if found[0] == "JPEG" else ("image/png", ".png")
    )
    image = Image.open(io.BytesIO(prepared.data))
    image.load()
    return image


def near(colour, expected, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected))


def test_a_jpeg_under_the_limit_is_sent_unchanged():
    data = encoded(halves(), "JPEG", quality=90)
    prepared = prepare_image(data)
    assert prepared.data == data
    assert (prepared.content_type, prepared.extension) == ("image/jpeg", ".jpg")


def test_a_png_with_alpha_under_the_limit_is_sent_unchanged():
    data = encoded(Image.new("RGBA", (40, 30), (0, 128, 0, 100)), "PNG")
    prepared = prepare_image(data)
    assert prepared.data == data
    assert (prepared.content_type, prepared.extension) == ("image/png", ".png")


def test_an_animated_gif_becomes_a_jpeg_of_its_first_frame():
    frames = [Image.new("RGB", (40, 30), colour).convert("P") for colour in ((220, 20, 20), (20, 220, 20), (20, 20, 220))]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 3
    image = opened(prepare_image(data))
    assert image.format == "JPEG" and image.size == (40, 30)
    assert near(image.getpixel((20, 15)), (220, 20, 20))


def test_a_gif_with_transparency_is_flattened_on_white():
    frame = Image.new("P", (40, 30), 0)
    frame.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    frame.paste(1, (20, 0, 40, 30))
    data = encoded(frame, "GIF", transparency=0)
    image = opened(prepare_image(data))
    assert near(image.getpixel((5, 15)), (255, 255, 255)) and near(image.getpixel((35, 15)), (0, 0, 255))


def test_a_webp_becomes_a_jpeg():
    image = opened(prepare_image(encoded(halves(), "WEBP", quality=90)))
    assert image.format == "JPEG" and image.size == (60, 30)
    assert near(image.getpixel((10, 15)), (220, 20, 20)) and near(image.getpixel((50, 15)), (20, 20, 220))


def test_a_webp_with_alpha_is_flattened_on_white():
    source = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
    source.paste((20, 20, 220, 255), (20, 0, 40, 30))
    image = opened(prepare_image(encoded(source, "WEBP", lossless=True)))
    assert image.mode == "RGB"
    assert near(image.getpixel((5, 15)), (255, 255, 255)) and near(image.getpixel((35, 15)), (20, 20, 220))


def test_a_tiny_bmp_becomes_a_jpeg():
    image = opened(prepare_image(encoded(Image.new("RGB", (3, 2), (20, 220, 20)), "BMP")))
    assert image.format == "JPEG" and image.size == (3, 2)
    assert near(image.getpixel((1, 1)), (20, 220, 20))


def test_a_tiff_becomes_a_jpeg():
    image = opened(prepare_image(encoded(halves(), "TIFF")))
    assert image.format == "JPEG" and near(image.getpixel((10, 15)), (220, 20, 20))


def test_a_cmyk_jpeg_becomes_an_rgb_jpeg():
    source = halves(left=(0, 255, 255, 0), right=(255, 255, 0, 0), mode="CMYK")  # red, blue
    data = encoded(source, "JPEG", quality=90)
    assert Image.open(io.BytesIO(data)).mode == "CMYK"
    image = opened(prepare_image(data))
    assert image.mode == "RGB"
    assert near(image.getpixel((10, 15)), (255, 0, 0), 60) and near(image.getpixel((50, 15)), (0, 0, 255), 60)


def test_a_sixteen_bit_grey_image_keeps_its_tones():
    source = Image.new("I;16", (40, 30), 0x8000)  # half grey, not clipped to white
    image = opened(prepare_image(encoded(source, "TIFF")))
    assert image.mode == "L" and abs(image.getpixel((20, 15)) - 128) <= 3


def test_a_noisy_three_megabyte_jpeg_comes_under_one_megabyte():
    data = encoded(noise((2100, 1400)), "JPEG", quality=95)
    assert len(data) > 3 * MB
    image = opened(prepare_image(data))
    assert image.format == "JPEG" and image.width / image.height == pytest.approx(2100 / 1400, rel=0.01)


def test_a_png_over_the_limit_becomes_a_jpeg_under_it_with_transparency_on_white():
    source = noise((900, 700)).convert("RGBA")
    source.paste((0, 0, 0, 0), (0, 0, 100, 100))
    data = encoded(source, "PNG")
    assert len(data) > MB
    image = opened(prepare_image(data))
    assert image.format == "JPEG" and image.mode == "RGB"
    assert near(image.getpixel((40, 40)), (255, 255, 255))


def test_the_width_is_capped_at_2560():
    image = opened(prepare_image(encoded(halves((3000, 200)), "WEBP")))
    assert image.size == (2560, 171)


def test_a_very_wide_jpeg_comes_out_2560_wide():
    data = encoded(noise((5400, 400)), "JPEG", quality=95)  # decoded at half its size, then resized
    assert len(data) > MB
    image = opened(prepare_image(data))
    assert image.size == (2560, 190)


def test_a_long_vertical_image_keeps_its_size():
    """A 长图 (a poster, a timeline) is shown at the phone's width: capping its height would shrink its text."""
    image = opened(prepare_image(encoded(halves((1080, 6000)), "WEBP")))
    assert image.size == (1080, 6000)


def test_the_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # stored on its side: turn 90° clockwise to show
    data = encoded(halves((60, 30)), "JPEG", quality=95, exif=exif.tobytes())
    image = opened(prepare_image(data))
    assert image.size == (30, 60)
    assert near(image.getpixel((15, 10)), (220, 20, 20)) and near(image.getpixel((15, 50)), (20, 20, 220))
    assert image.getexif().get(ORIENTATION, 1) == 1


def test_an_image_that_cannot_be_made_small_enough_is_refused():
    with pytest.raises(Permanent) as caught:
        prepare_image(encoded(noise((300, 200)), "PNG"), max_bytes=500)
    assert caught.value.params["limit"] == "1 KB"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an image at all" * 10,
        random.Random(3).randbytes(5000),
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n",
    ],
    ids=["empty", "text", "garbage", "eps"],
)
def test_what_is_not_an_image_is_refused(data):
    with pytest.raises(Permanent) as caught:
        prepare_image(data)
    assert "无法识别或已损坏" in caught.value.text


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_image_is_refused(kind):
    data = encoded(noise((300, 200)), kind)
    with pytest.raises(Permanent) as caught:
        prepare_image(data[: len(data) // 2])
    assert "无法识别或已损坏" in caught.value.text


def png_declaring(width, height):
    """A PNG header claiming a size, with no pixels behind it: a decompression bomb costs nothing to make."""

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused():
    with pytest.raises(Permanent) as caught:
        prepare_image(png_declaring(100_000, 100_000))
    assert "像素过多" in caught.value.text


def test_an_image_past_the_pixel_limit_is_refused_even_where_pillow_only_warns(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    data = encoded(Image.new("RGB", (40, 30), (1, 2, 3)), "JPEG")  # 1,200 pixels: Pillow warns below 2,000
    with pytest.warns(Image.DecompressionBombWarning), pytest.raises(Permanent) as caught:
        prepare_image(data)
    assert "像素过多" in caught.value.text


SOUP = [
    *("<p>", "</p>", "<b>", "</b>", "<i>", "</i>", "<div>", "</div>", "<h1>", "</h1>", "<h3>", "</h3>", "<ul>", "</ul>"),
    *("<li>", "</li>", "<a href='https://x.cn/?a=1&b=2'>", "<a href=javascript:x>", "</a>", "<img src=/a.jpg>"),
    *("<img src=missing>", "<br>", "<hr>", "<table>", "<tr>", "<td>", "</td>", "</tr>", "</table>", "<script>", "</script>"),
    *("<svg>", "</svg>", "<iframe>", "</iframe>", "<figure>", "<figcaption>", "</figcaption>", "</figure>", "<pre>", "</pre>"),
    *("<code>", "</code>", "<blockquote>", "</blockquote>", "<!--", "-->", "<![CDATA[", "]]>", "&amp;", "&lt;", "&", "<"),
    *(">", '"', "'", "文字", " ", "\n", "\u3000", "😀", "<p/>", "<b/>", "</br>", "<p style='x' onclick=y>", "<textarea>"),
    *("</textarea>", "<noscript>", "<title>", "<dl><dt>", "<dd>", "<h6>", "<span>", "</span>", "<font>", "<x-y>", "</"),
    *("<p ", "=", "\x00", "&#0;", "&#x110000;"),
]


def test_random_tag_soup_comes_out_well_formed_and_whole():
    chooser = random.Random(7)
    for _ in range(500):
        convert("".join(chooser.choice(SOUP) for _ in range(chooser.randint(1, 60))))
