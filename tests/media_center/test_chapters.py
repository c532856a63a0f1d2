import pytest

from media_center.chapters import ChapterError, chapters_vtt, parse_chapters


def test_chapters_run_from_each_start_to_the_next_and_the_last_to_the_end():
    chapters = parse_chapters("00:00 开场\n12:30 第二家企业：新能源\n1:02:03 答疑", duration=4000)
    assert [(chapter.start, chapter.end, chapter.title) for chapter in chapters] == [
        (0, 750, "开场"),
        (750, 3723, "第二家企业：新能源"),
        (3723, 4000, "答疑"),
    ]
    assert [chapter.clock for chapter in chapters] == ["00:00", "12:30", "1:02:03"]


def test_chapters_vtt_is_webvtt_with_escaped_titles():
    text = chapters_vtt(parse_chapters("00:00 <b>开场</b> & 介绍", duration=10))
    assert text.startswith("WEBVTT\n")
    assert "00:00:00.000 --> 00:00:10.000" in text
    assert "&lt;b&gt;开场&lt;/b&gt; &amp; 介绍" in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("开场", "第1行格式不对"),
        ("00:10 二\n00:05 一", "第2行的时间应当晚于上一行"),
        ("00:99 错", "第1行的时间不对"),
        ("10:00 超出", "第1行的时间超出了视频长度"),
    ],
)
def test_bad_chapter_lines_are_refused_with_the_line_number(text, message):
    with pytest.raises(ChapterError, match=message):
        parse_chapters(text, duration=60)


def test_blank_lines_are_ignored():
    assert len(parse_chapters("\n00:00 一\n\n00:10 二\n", duration=20)) == 2
