import pytest


@pytest.fixture
def tasks_held(settings):
    """Distributions are run by the test, step by step, not by an inline task."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "video"]}}
