"""At each step of 三审 the positions are checked again: the lists may have grown while the fair waited."""

import pytest

from columns.content_checks import page_texts
from columns.models import GroupReviewTask, SensitiveWord
from jobfairs.models import RecruitmentBannedWord
from tests.jobfairs.factories import JobFairPageFactory, complete_position

pytestmark = pytest.mark.django_db


@pytest.fixture
def step():
    return GroupReviewTask.objects.get(name="初审")


def test_every_positions_texts_are_checked_labelled_by_its_place():
    fair = JobFairPageFactory(live=False, positions=[complete_position(), complete_position(job_title="电焊工")])
    labels = dict((where, text) for where, text in page_texts(fair.get_latest_revision().as_object()))
    assert labels["第2个岗位·岗位名称"] == "电焊工" and "第1个岗位·岗位职责" in labels and labels["标题"] == fair.title


def test_a_sensitive_word_added_during_review_stops_the_step(step):
    fair = JobFairPageFactory(live=False, positions=[complete_position(), complete_position(duties="夜场赌博安保")])
    SensitiveWord.objects.create(word="赌博")
    assert [hit.describe() for hit in step.sensitive_words_in(fair)] == ["敏感词「赌博」（第2个岗位·岗位职责）"]


def test_a_banned_word_added_during_review_stops_the_step_unless_the_position_was_let_through(step):
    fair = JobFairPageFactory(live=False, positions=[complete_position(requirements="需要酒量好")])
    RecruitmentBannedWord.objects.create(word="酒量好")
    assert [hit.describe() for hit in step.sensitive_words_in(fair)] == ["招聘禁用词「酒量好」（第1个岗位·任职要求）"]

    let_through = JobFairPageFactory(
        live=False, positions=[complete_position(requirements="需要酒量好", override_reason="陪同接待岗位")]
    )
    assert step.sensitive_words_in(let_through) == []
