"""The adaptive ladder: which rungs a source gets, and the one ffmpeg run that encodes them all.

One process decodes the source once, splits the frames and scales each copy into its own encoder;
every rung is cut into HLS segments (the faststart MP4s are remuxed from those segments at the
end, by stream copy). Keyframes are forced on the same 2-second grid in every rung (and scene-cut
keyframes are off), so a player can switch rungs at any segment boundary.

Rate control is constrained quality: each rung asks x264 for a quality (CRF) and caps the rate with
VBV (`maxrate`, `bufsize`). A slide with a speaker costs a fraction of its cap; a busy picture gets
the cap, as a fixed bitrate would. Since the rate now follows the picture, the master playlist
states what the stored segments measure (steps.write_playlists), not a nominal figure.

HLS uses MPEG-TS segments rather than fMP4: a long recording is encoded in chunks by separate
processes, and TS segments carry their own codec headers, so the chunks' playlists join into one
without per-chunk init segments; TS also plays in the older Android WeChat webviews through hls.js.
"""

from dataclasses import dataclass, replace

import ffmpeg

from .safety import untrusted_input_kwargs

GOP_SECONDS = 2
SEGMENT_SECONDS = 4  # a whole number of GOPs
MAX_FRAME_RATE = 30
PRESET = "veryfast"
# On top of veryfast, for the rungs where it pays: three reference frames and a lookahead of one
# second for the macroblock tree. A slide or a host in front of one repeats from frame to frame: on
# one, the 720p rung (the one most phones play) costs 15 % fewer bytes for the same SSIM.
MORE_REFERENCES = "ref=3:rc-lookahead=30"
# Every output's timeline starts here, never at 0: with B-frames, a chunk encoded at offset 0 would
# get negative decode times that the muxer shifts, and its frames would no longer line up with the
# next chunk's or with the audio. Chunks add their own start time on top.
TIMELINE_START = 10.0


@dataclass(frozen=True)
class Rung:
    """Constrained quality: x264 spends what `crf` asks for, never above `max_kbps` for longer than
    the buffer of BUFFER_SECONDS at that rate lets it (a keyframe, a scene change)."""

    name: str
    short_side: int  # 1080 means 1920×1080 for landscape, 1080×1920 for portrait
    crf: float
    max_kbps: int
    preset: str = PRESET
    x264_params: str = ""  # x264's own settings on top of the preset, "key=value:key=value"

    @property
    def buffer_kbits(self):
        return self.max_kbps * BUFFER_SECONDS


BUFFER_SECONDS = 2  # one GOP: a keyframe may borrow from the rest of its GOP, not from the next segments
# Chosen by measurement (bench/ladder_sweep.py; bench/results/transcode-2026-11-30*.txt)
# against the fixed bitrates this replaces (5000/2800/1400/800 kb/s): each CRF keeps the rung's SSIM
# within 0.002 of the fixed bitrate's on a slide scene and on testsrc2. The small rungs need a lower
# CRF than x264's 23 for that: each of their pixels covers more picture. The caps sit just under the
# old bitrates, so a picture too busy for its CRF (noise, fast motion) costs no more than before.
# Every rung is veryfast: superfast looks no frames ahead, so it has no macroblock tree, and at the
# same CRF that doubled the small rungs' bytes for a similar SSIM. MORE_REFERENCES goes where its
# time buys the most bytes. On the 1080p rung, more than half of the encode, it would add 7-12 % to
# that rung's time, and on any busy picture that rung sits at its cap whatever it is asked.
LADDER = (
    Rung("1080p", 1080, crf=23, max_kbps=4750),
    Rung("720p", 720, crf=21, max_kbps=2650, x264_params=MORE_REFERENCES),
    Rung("480p", 480, crf=20, max_kbps=1330),
    Rung("360p", 360, crf=20, max_kbps=760, x264_params=MORE_REFERENCES),
)
AUDIO_KBPS = 128


def rungs_for(width, height, ladder=LADDER):
    """No upscaling: a 720p source gets 720/480/360. A source smaller than the last rung gets one rung at its own size."""
    short_side = min(width, height)
    chosen = tuple(rung for rung in ladder if rung.short_side <= short_side)
    if chosen:
        return chosen
    even = short_side - short_side % 2
    smallest = ladder[-1]
    return (replace(smallest, name=f"{even}p", short_side=even),)


def output_size(rung, width, height):
    """Keep the aspect ratio and the orientation; both sides even, as H.264 wants."""
    if width >= height:
        return _even(width * rung.short_side / height), rung.short_side
    return rung.short_side, _even(height * rung.short_side / width)


def _even(value):
    return max(2, int(round(value / 2)) * 2)


def output_frame_rate(source_rate):
    return min(source_rate, MAX_FRAME_RATE)


def ladder_command(source, output_dir, rungs, *, width, height, frame_rate, segment_prefix, ts_offset=0.0, input_kwargs=None):
    """Arguments for one ffmpeg run writing `<rung>/<prefix>.m3u8` (+ .ts segments, + .mp4) per rung.

    Video only: audio is encoded once for the whole recording as its own HLS rendition.
    `ts_offset` continues the timestamps of earlier chunks so their playlists join seamlessly.
    """
    fps = output_frame_rate(frame_rate)
    gop = max(1, round(fps * GOP_SECONDS))
    stream = ffmpeg.input(str(source), **(input_kwargs if input_kwargs is not None else untrusted_input_kwargs()))
    video = stream["v:0"]
    if frame_rate > MAX_FRAME_RATE:
        video = video.filter("fps", fps=fps)
    copies = video.filter_multi_output("split", len(rungs)) if len(rungs) > 1 else None
    outputs = []
    for index, rung in enumerate(rungs):
        rung_width, rung_height = output_size(rung, width, height)
        branch = copies.stream(index) if copies is not None else video
        if (rung_width, rung_height) != (width, height):
            # "area" averages the source pixels: sharp downscales, and cheaper than the default bicubic.
            branch = branch.filter("scale", rung_width, rung_height, flags="area")
        scaled = branch.filter("format", "yuv420p")
        rung_dir = f"{output_dir}/{rung.name}"
        outputs.append(
            ffmpeg.output(
                scaled,
                f"{rung_dir}/{segment_prefix}.m3u8",
                format="hls",
                **{
                    "hls_time": SEGMENT_SECONDS,
                    "hls_list_size": 0,
                    "hls_playlist_type": "vod",
                    "hls_segment_filename": f"{rung_dir}/{segment_prefix}_%05d.ts",
                    "c:v": "libx264",
                    "preset": rung.preset,
                    "profile:v": "high",
                    "crf": rung.crf,
                    "maxrate": f"{rung.max_kbps}k",
                    "bufsize": f"{rung.buffer_kbits}k",
                    "g": gop,
                    "keyint_min": gop,
                    "sc_threshold": 0,
                    "force_key_frames": f"expr:gte(t,n_forced*{GOP_SECONDS})",
                    "output_ts_offset": f"{TIMELINE_START + ts_offset:.6f}",
                    "an": None,
                    "sn": None,
                    **({"x264-params": rung.x264_params} if rung.x264_params else {}),
                },
            )
        )
    return ffmpeg.merge_outputs(*outputs).global_args("-y").compile(cmd="ffmpeg")[1:]
