from datetime import UTC, datetime, timedelta

import pytest

from jobfairs.state import FairState, fair_state, next_boundary

pytestmark = pytest.mark.once

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
END = START + timedelta(hours=3)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("now", "has_replay", "state"),
    [
        (START - timedelta(days=2), False, FairState.UPCOMING),
        (START - SECOND, True, FairState.UPCOMING),
        (START, False, FairState.LIVE),
        (END - SECOND, True, FairState.LIVE),
        (END, False, FairState.ENDED),
        (END, True, FairState.REPLAY),
        (END + timedelta(days=30), True, FairState.REPLAY),
    ],
)
def test_the_state_at_each_side_of_each_boundary(now, has_replay, state):
    assert fair_state(START, END, has_replay, now) == state


@pytest.mark.parametrize(
    ("now", "boundary"),
    [(START - timedelta(days=2), START), (START - SECOND, START), (START, END), (END - SECOND, END), (END, None)],
)
def test_the_next_boundary_is_the_start_then_the_end_then_none(now, boundary):
    assert next_boundary(START, END, now) == boundary


def test_states_are_named_in_chinese():
    assert [state.label for state in FairState] == ["预告", "直播中", "回放", "已结束"]
