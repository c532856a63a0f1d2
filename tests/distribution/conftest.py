import pytest

from tests.distribution.douyin_standin import running_standin


@pytest.fixture
def douyin():
    """A fresh Douyin stand-in on 127.0.0.1 (a free port) for one test; `douyin.state` steers and records it.

    It fails the test if the stand-in itself broke while serving (a traceback in state.errors).
    """
    with running_standin() as standin:
        yield standin
        assert not standin.state.errors, "\n".join(standin.state.errors)
