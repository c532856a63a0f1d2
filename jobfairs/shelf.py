"""The position shelf (正在讲解) turned into times in the replay: pure functions, no database.

While the fair is live, staff press 「正在讲解」 on a position when the host starts presenting it, and
「讲解结束」 when the host moves on to no position. Each press is a wall-clock time. The recording's
start (the sync point) turns it into seconds into the replay: the position's in point; the next press,
whatever it is, is its out point.
"""

from dataclasses import dataclass
from datetime import datetime

from media_center.ffmpeg.vertical import MIN_CLIP_SECONDS


@dataclass(frozen=True)
class Press:
    position_id: int | None  # None: 「讲解结束」
    at: datetime


def presented_spans(presses, recording_started, recording_seconds, fair_ends=None):
    """{position id: (start, end)} in seconds into the recording.

    A second press on the position already presented is a double tap, not a new start. The last
    position presented ends at the fair's end (the host said goodbye) or the recording's, whichever
    comes first. A span is cut to the recording; one shorter than the shortest clip is a tap corrected
    at once and gives nothing. A position presented twice (the host came back to it) keeps its
    longest span: the presentation, not the follow-up question.
    """
    runs = []  # (position id, began): presses on the same thing in a row are one
    for press in sorted(presses, key=lambda press: press.at):
        if not runs or runs[-1][0] != press.position_id:
            runs.append((press.position_id, press.at))
    spans = {}
    for (position_id, began), (_next, ended) in zip(runs, [*runs[1:], (None, fair_ends)]):
        if position_id is None:
            continue
        start = max(0.0, (began - recording_started).total_seconds())
        end = recording_seconds if ended is None else min(recording_seconds, (ended - recording_started).total_seconds())
        if end - start < MIN_CLIP_SECONDS:
            continue
        kept = spans.get(position_id)
        if kept is None or end - start > kept[1] - kept[0]:
            spans[position_id] = (round(start, 2), round(end, 2))
    return spans
