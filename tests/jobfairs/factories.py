from datetime import timedelta

import factory
from django.utils import timezone

from columns.models import SeriesPage
from jobfairs.credit_code import CHARSET, check_character
from jobfairs.models import Employer, JobFairPage, LiveRoom, Position


def credit_code(number):
    """A valid code for the n-th test employer: a registered company (91) in 南京 (320100), its check character computed."""
    body = f"91320100{number:08d}"
    body += CHARSET[number % 10]
    return body + check_character(body)


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"淮安第{n}机械有限公司")
    credit_code = factory.Sequence(credit_code)
    industry = "制造业"
    size = Employer.Size.UNDER_500
    address = "淮安市清江浦区健康东路1号"
    introduction = "生产数控机床零部件。"


def complete_position(**fields):
    """A position with every item the rules ask for (or with those passed as None left out)."""
    values = {
        "job_title": "数控车床操作工",
        "headcount": 5,
        "pay_min": 6000,
        "pay_max": 8000,
        "pay_unit": Position.PayUnit.MONTH,
        "education": Position.Education.SENIOR,
        "experience": Position.Experience.YEARS_1_3,
        "duties": "按图纸加工零件，做好设备日常保养。",
        "requirements": "能看懂机械图纸。",
        "district": "清江浦区",
        "working_hours": "做五休二，8:30–17:30",
        "benefits": "五险一金、包工作餐",
        "contact": "0517-83600000 王女士",
        "valid_until": timezone.localdate() + timedelta(days=30),
    }
    if "employer" not in fields:
        values["employer"] = EmployerFactory()
    return Position(**{**values, **fields})


class JobFairPageFactory(factory.Factory):
    """Fairs are tree nodes: created in the 招聘直播 series with add_child, then published."""

    class Meta:
        model = JobFairPage

    title = factory.Sequence(lambda n: f"春风行动直播招聘会第{n}场")
    slug = factory.Sequence(lambda n: f"fair-{n}")
    start_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    end_at = factory.LazyAttribute(lambda fair: fair.start_at + timedelta(hours=2))
    venue = "淮安市人力资源市场三楼"
    organiser = "淮安市总工会"
    intro = "百家企业、千个岗位，线上线下同步招聘。"

    @classmethod
    def _create(cls, model_class, *args, parent=None, live=True, positions=None, live_rooms=None, **kwargs):
        parent = parent or SeriesPage.objects.get(slug="zhaopin-zhibo")
        fair = model_class(*args, live=False, **kwargs)
        fair.positions = positions if positions is not None else [complete_position()]
        fair.live_rooms = (
            live_rooms
            if live_rooms is not None
            else [
                LiveRoom(
                    platform=LiveRoom.Platform.DOUYIN,
                    label="市总工会抖音号",
                    url="https://v.douyin.com/abc123/",
                    room_number="56781234",
                )
            ]
        )
        fair = parent.add_child(instance=fair)
        revision = fair.save_revision()
        if live:
            revision.publish()
            fair.refresh_from_db()
        return fair
