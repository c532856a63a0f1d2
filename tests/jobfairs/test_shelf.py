"""Presses of 「正在讲解」 during the live become the positions' times in the replay, through the one
sync point: when the recording started."""

from datetime import datetime, timedelta

from jobfairs.shelf import Press, presented_spans

STARTED = datetime(2026, 11, 29, 9, 0, 0)
RECORDING_SECONDS = 3600.0


def at(minutes, seconds=0):
    return STARTED + timedelta(minutes=minutes, seconds=seconds)


def spans(*presses, fair_ends=None, started=STARTED, seconds=RECORDING_SECONDS):
    return presented_spans([Press(position, when) for position, when in presses], started, seconds, fair_ends)


def test_each_press_starts_its_position_and_the_next_press_ends_it():
    assert spans((1, at(5)), (2, at(9, 30)), (None, at(12))) == {1: (300.0, 570.0), 2: (570.0, 720.0)}


def test_the_sync_point_shifts_every_time_in_the_replay():
    later_start = STARTED + timedelta(seconds=42)
    assert spans((1, at(5)), (None, at(6)), started=later_start) == {1: (258.0, 318.0)}


def test_the_last_position_presented_ends_with_the_fair_or_the_recording():
    assert spans((1, at(50)), fair_ends=at(55)) == {1: (3000.0, 3300.0)}
    assert spans((1, at(50))) == {1: (3000.0, 3600.0)}
    assert spans((1, at(50)), fair_ends=at(90)) == {1: (3000.0, 3600.0)}


def test_a_double_tap_does_not_restart_the_position():
    assert spans((1, at(5)), (1, at(5, 1)), (None, at(8))) == {1: (300.0, 480.0)}


def test_a_position_the_host_came_back_to_keeps_its_longest_presentation():
    assert spans((1, at(5)), (2, at(15)), (1, at(20)), (None, at(22))) == {1: (300.0, 900.0), 2: (900.0, 1200.0)}


def test_a_tap_corrected_at_once_gives_no_time():
    assert spans((1, at(5)), (2, at(5, 1)), (None, at(10))) == {2: (301.0, 600.0)}


def test_presses_before_the_recording_started_are_cut_to_its_start():
    assert spans((1, at(-3)), (2, at(4))) == {1: (0.0, 240.0), 2: (240.0, 3600.0)}


def test_a_position_presented_wholly_outside_the_recording_gets_no_time():
    assert spans((1, at(-10)), (2, at(-5)), (None, at(-1))) == {}
    assert spans((1, at(70)), (None, at(75))) == {}


def test_presses_are_taken_in_the_order_they_happened():
    assert spans((None, at(12)), (2, at(9, 30)), (1, at(5))) == {1: (300.0, 570.0), 2: (570.0, 720.0)}
