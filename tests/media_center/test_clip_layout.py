"""The vertical frame's layout and the measured line breaking shared by the title band and subtitles."""

import re

import pytest
from PIL import Image

from media_center.ffmpeg import clip_layout
from media_center.ffmpeg.clip_layout import (
    BAND_BOX,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    LOGO_BOX,
    SUBTITLE_BOX,
    TITLE_BOX,
    TITLE_FONT_SIZE,
    Box,
    FontMissing,
    break_lines,
    find_cjk_font,
    load_font,
    picture_box,
    square_crop_box,
)
from media_center.ffmpeg.title_band import LogoError, compose_preview, draw_band

pytestmark = pytest.mark.once

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
TITLE_40 = "工会融媒体中心招聘会现场直播：某某科技有限公司招聘前端工程师和后端工程师，欢迎投"


@pytest.fixture(scope="module")
def font():
    return load_font(find_cjk_font([FONT_PATH]), TITLE_FONT_SIZE)


@pytest.mark.parametrize("name", ["TITLE_BOX", "SUBTITLE_BOX", "LOGO_BOX"])
def test_text_and_logo_stay_out_of_the_channels_ui(name):
    box = getattr(clip_layout, name)
    assert box.x >= 0 and box.y >= FRAME_HEIGHT * clip_layout.TOP_UI_SHARE
    assert box.right <= FRAME_WIDTH * (1 - clip_layout.RIGHT_UI_SHARE), "the right-hand buttons"
    assert box.bottom <= FRAME_HEIGHT * (1 - clip_layout.BOTTOM_UI_SHARE), "the caption and author at the bottom"


def test_title_is_near_the_top_and_subtitles_just_above_the_bottom_zone():
    assert TITLE_BOX.y < FRAME_HEIGHT * 0.2
    assert LOGO_BOX.bottom <= TITLE_BOX.y
    assert FRAME_HEIGHT * 0.8 - SUBTITLE_BOX.bottom <= 60


def test_a_16_9_source_spans_the_frame_width_centred():
    assert picture_box(1920, 1080) == Box(0, 656, 1080, 608)


def test_a_small_source_is_enlarged_at_most_one_and_a_half_times_and_centred():
    assert picture_box(640, 360) == Box(60, 690, 960, 540)


def test_a_9_16_portrait_fills_the_frame():
    assert picture_box(1080, 1920) == Box(0, 0, 1080, 1920)
    assert picture_box(720, 1280) == Box(0, 0, 1080, 1920)  # exactly 1.5×


def test_a_small_portrait_is_enlarged_at_most_one_and_a_half_times():
    assert picture_box(360, 640) == Box(270, 480, 540, 960)


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720), (1440, 1080), (1080, 1440), (1080, 1920), (853, 480), (3840, 2160)])
def test_picture_sizes_are_even_and_inside_the_frame(size):
    box = picture_box(*size)
    assert box.width % 2 == box.height % 2 == box.x % 2 == box.y % 2 == 0
    assert clip_layout.FRAME_BOX.contains(box)


@pytest.mark.parametrize("size", [(1920, 1080), (640, 360), (1080, 1920), (1080, 1440)])
def test_the_square_crop_holds_the_title_band(size):
    square = square_crop_box(picture_box(*size))
    assert (square.width, square.height) == (1080, 1080)
    assert clip_layout.FRAME_BOX.contains(square)
    assert square.y <= BAND_BOX.y and BAND_BOX.bottom <= square.bottom


def test_the_square_crop_of_a_16_9_clip_holds_the_whole_picture():
    picture = picture_box(1920, 1080)
    assert square_crop_box(picture).contains(picture)


def test_a_missing_font_names_the_debian_package(tmp_path):
    with pytest.raises(FontMissing) as refused:
        find_cjk_font([tmp_path / "none.ttc", "/nowhere/NotoSansCJK-Regular.ttc"])
    assert "fonts-wqy-microhei" in str(refused.value)
    assert "apt-get install" in refused.value.message % refused.value.params


def test_the_first_existing_font_is_chosen(tmp_path):
    assert find_cjk_font([tmp_path / "none.ttc", FONT_PATH]).name == "wqy-microhei.ttc"


def test_a_40_character_title_gets_two_lines_and_an_ellipsis(font):
    assert len(TITLE_40) == 40
    lines = break_lines(TITLE_40, font, TITLE_BOX.width, max_lines=2)
    assert len(lines) == 2
    assert lines[-1].endswith("…")
    assert all(font.getlength(line) <= TITLE_BOX.width for line in lines)
    assert "".join(lines).rstrip("…") == TITLE_40[: len("".join(lines)) - 1]


def test_a_short_title_has_no_ellipsis(font):
    assert break_lines("招聘会现场", font, TITLE_BOX.width, max_lines=2) == ["招聘会现场"]


@pytest.mark.parametrize("word", ["6000-8000元", "15K-25K·13薪", "C1", "R128", "Python3.11"])
def test_numbers_with_units_and_latin_words_are_never_split(font, word):
    text = f"岗位要求：持有驾照，月薪资{word}，包吃住；欢迎 EBU {word} 联系我们"
    for width in range(420, 900, 13):  # from where the word fits on a line of its own
        lines = break_lines(text, font, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert sum(line.count(word) for line in lines) == text.count(word), (width, lines)


def test_no_line_starts_with_closing_punctuation(font):
    text = "今天，我们来到招聘会现场。企业很多！岗位也多？是的、真的；当然：（好）「对」"
    for width in range(220, 700, 5):  # from where "（好）" fits
        lines = break_lines(text, font, width)
        assert not any(line[0] in "，。！？、；：）」" for line in lines), (width, lines)
        assert not any(line[-1] in "（「" for line in lines), (width, lines)


def test_explicit_newlines_are_kept(font):
    assert break_lines("第一行\n第二行", font, TITLE_BOX.width) == ["第一行", "第二行"]


def test_latin_text_breaks_at_spaces(font):
    text = "EBU R128 loudness normalisation for short videos on phones"
    lines = break_lines(text, font, 500)
    assert all(re.fullmatch(r"[\w ]+", line) for line in lines)
    assert " ".join(lines) == text


def test_a_word_wider_than_the_line_is_cut_where_it_must(font):
    lines = break_lines("https://example.com/" + "a" * 80, font, 300)
    assert len(lines) > 2 and all(font.getlength(line) <= 300 for line in lines)


def test_the_ellipsis_never_cuts_a_salary(font):
    lines = break_lines("招聘前端工程师薪资6000-8000元五险一金双休包住宿", font, 560, max_lines=1)
    assert lines[0].endswith("…") and "6000-80…" not in lines[0]


def test_the_band_draws_the_title_and_a_dark_band_only_at_the_top(tmp_path):
    band = draw_band(TITLE_40, font_path=FONT_PATH)
    assert band.size == (1080, 1920) and band.mode == "RGBA"
    alpha = band.getchannel("A")
    assert alpha.crop((0, 0, 1080, BAND_BOX.y)).getextrema() == (0, 0)
    assert alpha.crop((0, BAND_BOX.bottom, 1080, 1920)).getextrema() == (0, 0), "the picture stays clear"
    title = band.crop((TITLE_BOX.x, TITLE_BOX.y, TITLE_BOX.right, TITLE_BOX.bottom)).convert("L")
    assert sum(title.histogram()[230:]) > 2000, "white title text"


def test_a_logo_is_scaled_into_its_box(tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (400, 100), (255, 0, 0, 255)).save(logo)
    band = draw_band("标题", font_path=FONT_PATH, logo_path=logo)
    red = band.crop((LOGO_BOX.x, LOGO_BOX.y, LOGO_BOX.right, LOGO_BOX.bottom)).getcolors(1 << 16)
    assert max(red)[1][:3] == (255, 0, 0)
    outside = band.crop((LOGO_BOX.right, LOGO_BOX.y, 1080, LOGO_BOX.bottom))
    assert not any(colour[:3] == (255, 0, 0) for _, colour in outside.getcolors(1 << 16))


def test_a_logo_that_is_not_an_image_is_refused_clearly(tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_text("not an image")
    with pytest.raises(LogoError) as refused:
        draw_band("标题", font_path=FONT_PATH, logo_path=logo)
    assert "台标图片无法打开" in refused.value.message


def test_the_preview_puts_the_picture_where_ffmpeg_does():
    thumbnail = Image.new("RGB", (160, 90), (200, 30, 30))
    preview = compose_preview(thumbnail, draw_band("标题", font_path=FONT_PATH), source_size=(1920, 1080))
    assert preview.size == (1080, 1920) and preview.mode == "RGB"
    assert preview.getpixel((540, 960)) == (200, 30, 30)
    darkened = preview.getpixel((540, 1400))
    assert darkened[0] < 130 and abs(darkened[0] - 100) < 10, "the blurred copy, darkened"
