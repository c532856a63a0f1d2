"""The seeded 招聘禁用词 list: every word blocks, the phrases that only look alike pass."""

import pytest

from jobfairs.checks import BannedWordScanner, find_banned_words
from jobfairs.models import RecruitmentAllowedPhrase, RecruitmentBannedWord

pytestmark = pytest.mark.django_db

WHERE = "第3个岗位·任职要求"


def test_the_seeded_list_covers_every_category_the_law_names_and_false_promises():
    categories = set(RecruitmentBannedWord.objects.values_list("category", flat=True))
    assert {"sex", "ethnicity", "religion", "origin", "disability", "marriage", "pathogen", "promise"} <= categories
    assert RecruitmentBannedWord.objects.count() >= 40


def test_every_seeded_word_is_found_with_a_message_naming_it_the_position_and_the_field():
    for word in RecruitmentBannedWord.objects.values_list("word", flat=True):
        hits = find_banned_words([(WHERE, f"本岗位要求：{word}，待遇从优。")])
        assert word in {hit.word for hit in hits}, word
        assert f"招聘禁用词「{word}」（{WHERE}）" in [hit.describe() for hit in hits]


@pytest.mark.parametrize(
    "text",
    [
        "仅限男性",
        "限女性，形象好",
        "已婚已育优先",
        "仅限本地户口",
        "限本地户籍",
        "身体健康，无乙肝",
        "非乙肝携带者，乙肝携带者可以的岗位另见",  # 非乙肝 is not inside the allowed phrase after it
        "保录取，稳赚不赔",
        "高薪无门槛，日赚千元",
        "汉族优先",
    ],
)
def test_notices_as_they_are_written_are_caught(text):
    assert find_banned_words([(WHERE, text)]), text


@pytest.mark.parametrize("text", ["男女不限", "性别不限", "不限男女", "有无户口均可", "不限户籍", "欢迎残疾人", "乙肝携带者可"])
def test_phrases_that_only_look_alike_pass(text):
    assert find_banned_words([(WHERE, f"{text}，待遇从优。")]) == []


def test_every_seeded_allowed_phrase_passes():
    for phrase in RecruitmentAllowedPhrase.objects.values_list("phrase", flat=True):
        assert find_banned_words([(WHERE, phrase)]) == [], phrase


def test_a_word_only_partly_inside_an_allowed_phrase_still_counts():
    scanner = BannedWordScanner(["非乙肝", "乙肝"], ["乙肝携带者可"])
    assert [hit.word for hit in scanner.scan([(WHERE, "非乙肝携带者可")])] == ["非乙肝"]


def test_a_word_added_in_the_admin_counts_at_once_and_an_allowed_phrase_too():
    text = [(WHERE, "需要酒量好")]
    assert find_banned_words(text) == []
    RecruitmentBannedWord.objects.create(word="酒量好")
    assert [hit.word for hit in find_banned_words(text)] == ["酒量好"]
    RecruitmentAllowedPhrase.objects.create(phrase="不要求酒量好")
    assert find_banned_words([(WHERE, "不要求酒量好")]) == []
