import pytest
from prometheus_client.parser import text_string_to_metric_families

from ops.health import forget

TOKEN = "test-metrics-token"


@pytest.fixture(autouse=True)
def health_computed_afresh():
    """/healthz keeps its answer for a few seconds in the process: no test sees another's."""
    forget()
    yield
    forget()


@pytest.fixture
def bearer(settings):
    """/metrics open to a bearer token: the headers that carry it."""
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_ADDRESSES = []
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def parse(text):
    """{(sample name, ((label, value), …)): value} of a Prometheus text exposition."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def scrape(client, bearer):
    """scrape(): the samples /metrics gives now."""

    def read():
        response = client.get("/metrics", **bearer)
        assert response.status_code == 200, response.content
        return parse(response.content.decode())

    return read
