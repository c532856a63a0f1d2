import pytest
from django.core.cache import caches
from django.urls import reverse

from tests.jobfairs.factories import EmployerFactory, JobFairPageFactory, complete_position

PHONE = "13812345678"


@pytest.fixture(autouse=True)
def limits_start_over():
    """The rate limits count in the cache, which outlives each test's rolled-back database."""
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def machines(db):
    return EmployerFactory(name="淮安精工机械有限公司")


@pytest.fixture
def logistics(db):
    return EmployerFactory(name="苏北快运物流有限公司")


@pytest.fixture
def fair(machines, logistics):
    """Three positions at two employers: 1 数控车床操作工 (精工), 2 叉车司机 and 3 仓库分拣员 (快运)."""
    return JobFairPageFactory(
        positions=[
            complete_position(employer=machines, job_title="数控车床操作工"),
            complete_position(employer=logistics, job_title="叉车司机"),
            complete_position(employer=logistics, job_title="仓库分拣员"),
        ]
    )


@pytest.fixture
def positions(fair):
    return fair.positions_in_order()


@pytest.fixture
def form_url(fair):
    return reverse("signups:form", args=[fair.pk])


def form_data(positions, consent_to=(), **fields):
    """What the form posts: the chosen positions, consent to the notice and to each employer in `consent_to`."""
    data = {
        "name": "王小明",
        "phone": PHONE,
        "positions": [str(position.pk) for position in positions],
        "note": "",
        "consent_notice": "on",
        "extra_ref": "",
    }
    for employer in consent_to:
        data[f"consent_{employer.pk}"] = "on"
    return {**data, **fields}


@pytest.fixture
def sign_up_through_form(client, form_url):
    """Post the form for `positions`, consenting to their employers unless told otherwise, and follow the
    redirect to the result page (`follow=False`: the POST's own answer)."""

    def post(positions, consent_to=None, address="10.0.0.1", follow=True, **fields):
        if consent_to is None:
            consent_to = {position.employer for position in positions}
        return client.post(form_url, form_data(positions, consent_to, **fields), REMOTE_ADDR=address, follow=follow)

    return post


@pytest.fixture
def every_sign_up_new(settings):
    """No sign-up counts as a repeat of the one before (the same number at the same fair within minutes)."""
    settings.SIGNUP_REPEAT_SECONDS = 0
