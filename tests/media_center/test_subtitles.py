"""Uploaded SRT/WebVTT subtitles: encodings, errors staff can act on, cutting to a clip, ASS output."""

import pytest

from media_center.ffmpeg.clip_layout import SUBTITLE_BOX, load_font
from media_center.ffmpeg.subtitles import (
    MAX_CUES,
    Cue,
    SubtitleError,
    ass_font,
    cut_to_span,
    read_subtitles,
    to_webvtt,
    write_ass,
)

pytestmark = pytest.mark.once

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SRT = """1
00:00:01,000 --> 00:00:03,500
欢迎来到<b>招聘会</b>现场

2
00:00:04,000 --> 00:00:06,000
{\\an8}薪资 6000-8000元
五险一金
"""
EXPECTED = [Cue(1.0, 3.5, "欢迎来到招聘会现场"), Cue(4.0, 6.0, "薪资 6000-8000元\n五险一金")]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.replace("\n", "\r\n").encode("gb18030"),
        lambda text: text.encode("utf-16"),  # with its byte-order mark, as Windows Notepad saves "Unicode"
        lambda text: text.encode("utf-16-le"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030-crlf", "utf-16", "utf-16-le-no-bom"],
)
def test_srt_is_read_in_any_of_the_usual_encodings(encode):
    assert read_subtitles(encode(SRT)) == EXPECTED


def test_webvtt_with_header_notes_settings_and_tags():
    vtt = """WEBVTT
Kind: captions

NOTE made by hand
over two lines

intro
00:01.000 --> 00:03.500 align:start line:0
<v 主持人>欢迎来到<c.yellow>招聘会</c>现场

00:00:04.000 --> 00:00:06.000
薪资 6000-8000元 &amp; 五险一金
"""
    assert read_subtitles(vtt.encode()) == [
        Cue(1.0, 3.5, "欢迎来到招聘会现场"),
        Cue(4.0, 6.0, "薪资 6000-8000元 & 五险一金"),
    ]


def test_a_broken_srt_names_its_line():
    broken = SRT + "\n3\n这一行应该是时间轴\n第三条字幕\n"
    with pytest.raises(SubtitleError) as refused:
        read_subtitles(broken.encode())
    assert refused.value.params["line"] == 10
    assert "第 10 行" in str(refused.value)


def test_a_bad_timestamp_names_its_line():
    broken = SRT.replace("00:00:04,000 --> 00:00:06,000", "00:00:04,000 --> 00:00:61,000")
    with pytest.raises(SubtitleError) as refused:
        read_subtitles(broken.encode())
    assert refused.value.params == {"line": 6, "text": "00:00:61,000"}


def test_an_empty_file_is_refused():
    with pytest.raises(SubtitleError, match="空"):
        read_subtitles(b"\xef\xbb\xbf\n\n")


def test_a_file_that_is_not_subtitles_is_refused_at_line_one():
    with pytest.raises(SubtitleError) as refused:
        read_subtitles("这是一份会议纪要，不是字幕。\n".encode())
    assert refused.value.params["line"] == 1


def test_a_hostile_number_of_cues_is_refused():
    cue = "00:00:01,000 --> 00:00:02,000\n字\n\n"
    with pytest.raises(SubtitleError, match=str(MAX_CUES)):
        read_subtitles((cue * (MAX_CUES + 1)).encode())


def test_cues_are_shifted_to_the_in_point_and_clipped_to_the_span():
    cues = [Cue(1.0, 3.5, "前"), Cue(4.0, 6.0, "中"), Cue(9.0, 12.0, "后"), Cue(12.0, 13.0, "外")]
    assert cut_to_span(cues, 3.0, 10.0) == [Cue(0.0, 0.5, "前"), Cue(1.0, 3.0, "中"), Cue(6.0, 7.0, "后")]


def test_webvtt_output_reads_back():
    vtt = to_webvtt(EXPECTED)
    assert vtt.startswith("WEBVTT\n\n00:00:01.000 --> 00:00:03.500\n")
    assert read_subtitles(vtt.encode()) == EXPECTED


def test_ass_lines_are_broken_by_measured_width_and_libass_does_not_wrap(tmp_path):
    long = "这是一条很长很长的字幕，用来检查换行是否正确，薪资6000-8000元不会被拆开"
    path = write_ass([Cue(0.5, 2.25, long), Cue(3.0, 4.0, "{\\b1}括号")], tmp_path / "clip.ass", font_path=FONT_PATH)
    script = path.read_text(encoding="utf-8")
    assert "PlayResX: 1080\nPlayResY: 1920\nWrapStyle: 2\n" in script
    assert "Style: Default,WenQuanYi Micro Hei,60," in script
    first, second = [line for line in script.splitlines() if line.startswith("Dialogue:")]
    assert first.startswith("Dialogue: 0,0:00:00.50,0:00:02.25,Default,,0,0,0,,")
    lines = first.split(",", 9)[9].split("\\N")
    assert len(lines) == 3 and "6000-8000元" in lines[1] + lines[2]
    font = ass_font(FONT_PATH)
    assert all(font.getlength(line) <= SUBTITLE_BOX.width for line in lines)
    assert second.endswith(",,｛＼b1｝括号"), "override tags in a cue's text are shown, not obeyed"


def test_the_ass_font_is_measured_at_the_size_libass_draws():
    """libass fits the font's OS/2 win ascent + descent into the ASS size (as VSFilter does)."""
    assert ass_font(FONT_PATH).size == pytest.approx(60 * 2048 / 2401, abs=0.01)
    assert ass_font(FONT_PATH).getlength("字") < load_font(FONT_PATH, 60).getlength("字")
