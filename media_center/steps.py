"""What each kind of video job does: fetch inputs, call the ffmpeg functions, store the outputs.

Every step writes into its own scratch folder and copies results to the video's folder in storage
under fixed names, so a step run twice (after a crash) leaves exactly one set of outputs.
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import storage
from .ffmpeg import playlists
from .ffmpeg.audio import encode_audio
from .ffmpeg.chunks import split_into_chunks
from .ffmpeg.clip_layout import find_cjk_font, picture_box
from .ffmpeg.ladder import AUDIO_KBPS, LADDER, ladder_command, output_frame_rate, output_size, rungs_for
from .ffmpeg.probe import MAX_DURATION_SECONDS, check_duration, probe
from .ffmpeg.runner import run
from .ffmpeg.stitch import stitch_mp4, write_concat_list
from .ffmpeg.subtitles import cut_to_span, read_subtitles, to_webvtt, write_ass
from .ffmpeg.thumbnails import storyboard_vtt, write_poster, write_storyboard
from .ffmpeg.title_band import write_band
from .ffmpeg.vertical import ClipSource, render_clip, write_covers
from .models import Rendition, Video, VideoJob, clock_text

AUDIO_PLAYLIST = "audio/audio.m3u8"
SOUND_TS_OVERHEAD = 1.12  # 128 kb/s AAC in 4 s MPEG-TS segments measures 1.11× its nominal rate
# A stated length a little past the last video frame is normal (the sound's last packet, rounding).
TRUNCATION_TOLERANCE_SECONDS = 1.0


def chunk_prefix(index):
    return f"c{index:05d}"


def timeout_for(seconds_of_media):
    """Generous: ten times realtime plus ten minutes, so only a hung ffmpeg hits it."""
    return 600 + 10 * seconds_of_media


def prepare(job, work_dir, progress, should_cancel):
    """Probe, then cut into chunks. The cutting finds where the data really ends: a recording cut off
    mid-write becomes a replay of what it holds, and staff are told what is missing."""
    video = job.video
    Video.objects.filter(pk=video.pk).update(status=Video.Status.PROBING)
    with storage.local_copy(video.source, work_dir) as source:
        facts = probe(source)
        planned = facts.duration or MAX_DURATION_SECONDS  # a file stating no length is cut until its data ends
        chunks = split_into_chunks(
            source,
            work_dir / "chunks",
            duration=planned,
            chunk_seconds=settings.VIDEO_CHUNK_SECONDS,
            first_seconds=settings.VIDEO_FIRST_CHUNK_SECONDS,
            timeout=timeout_for(planned),
        )
    duration = chunks[-1].end if chunks else 0.0
    check_duration(duration)
    _save_facts(video, facts, duration=duration, warning=truncation_warning(facts, duration))
    rungs = rungs_for(facts.width, facts.height)
    with transaction.atomic():
        for rung in rungs:
            width, height = output_size(rung, facts.width, facts.height)
            Rendition.objects.update_or_create(
                video=video,
                name=rung.name,
                defaults={
                    "width": width,
                    "height": height,
                    "video_kbps": rung.max_kbps,
                    "playlist": f"{video.prefix}/hls/{rung.name}/index.m3u8",
                },
            )
        jobs = []
        for chunk in chunks:
            name = f"{video.prefix}/work/{chunk.path.name}"
            storage.store(chunk.path, name)
            jobs.append(
                VideoJob(
                    video=video, kind=VideoJob.Kind.CHUNK, index=chunk.index, start=chunk.start, end=chunk.end, chunk_file=name
                )
            )
        # Queue order is creation order: the short first chunk and the sound make the replay playable,
        # then the thumbnails, then the rest of the chunks in order.
        extras = [VideoJob(video=video, kind=VideoJob.Kind.THUMBNAILS, end=duration)]
        if facts.has_audio:
            extras.insert(0, VideoJob(video=video, kind=VideoJob.Kind.AUDIO, end=duration))
        jobs[1:1] = extras
        for job in jobs:  # one by one: bulk_create does not promise primary keys in list order everywhere
            job.save()
        Video.objects.filter(pk=video.pk).update(status=Video.Status.TRANSCODING, transcode_started_at=timezone.now())


def truncation_warning(facts, duration):
    """What staff are told when the replay is shorter than the recording was meant to be."""
    if facts.duration - duration > TRUNCATION_TOLERANCE_SECONDS:
        return _(
            "文件不完整：标明时长 %(stated)s，只有前 %(decoded)s 能解码，回放只包含这一部分。可能是录制中途中断或文件没有传完。"
        ) % {
            "stated": clock_text(facts.duration),
            "decoded": clock_text(duration),
        }
    if facts.ends_mid_packet:
        return _("文件末尾不完整，可能是录制中途中断：回放只包含能解码的 %(decoded)s。") % {"decoded": clock_text(duration)}
    return ""


def _save_facts(video, facts, *, duration, warning):
    Video.objects.filter(pk=video.pk).update(
        duration=duration,
        warning=warning,
        size_bytes=facts.size_bytes,
        container=facts.container[:100],
        video_codec=facts.video_codec,
        audio_codec=facts.audio_codec,
        width=facts.width,
        height=facts.height,
        rotation=facts.rotation,
        frame_rate=facts.frame_rate,
        has_audio=facts.has_audio,
        audio_offset=facts.audio_offset,
    )
    if facts.recorded_at is not None:  # never forget a time staff set: a re-probe of a retried job keeps it
        Video.objects.filter(pk=video.pk, recorded_at__isnull=True).update(recorded_at=facts.recorded_at)
    video.refresh_from_db()


def encode_chunk(job, work_dir, progress, should_cancel):
    video = job.video
    rungs = _rungs(video)
    out = work_dir / "out"
    for rung in rungs:
        (out / rung.name).mkdir(parents=True, exist_ok=True)
    with storage.local_copy(job.chunk_file, work_dir) as chunk_source:
        run(
            ladder_command(
                chunk_source,
                out,
                rungs,
                width=video.width,
                height=video.height,
                frame_rate=video.frame_rate,
                segment_prefix=chunk_prefix(job.index),
                ts_offset=job.start,
            ),
            timeout=timeout_for(job.duration),
            on_progress=progress,
            should_cancel=should_cancel,
        )
    _store_tree(out, f"{video.prefix}/hls")
    segments = {rung.name: _measured_segments(out / rung.name / f"{chunk_prefix(job.index)}.m3u8") for rung in rungs}
    VideoJob.objects.filter(pk=job.pk).update(segments=segments)


def _measured_segments(local_playlist):
    """[uri, seconds, bytes] of each segment the playlist lists: the master playlist's rates come from these."""
    return [
        [segment.uri, segment.duration, (local_playlist.parent / segment.uri).stat().st_size]
        for segment in playlists.read_segments(local_playlist.read_text())
    ]


def encode_sound(job, work_dir, progress, should_cancel):
    """The sound of a two-hour recording takes a while to encode: its segments are stored as they
    come, so the replay can start with the first chunk instead of waiting for the last second of sound."""
    video = job.video
    out = work_dir / "audio"
    out.mkdir(parents=True)
    prefix = f"{video.prefix}/hls/audio"
    stored = set()

    def store_and_report(seconds):
        _store_finished_segments(out / "audio.m3u8", prefix, stored)
        progress(seconds)

    with storage.local_copy(video.source, work_dir) as source:
        encode_audio(
            source, out, offset=video.audio_offset, timeout=timeout_for(video.duration),
            on_progress=store_and_report, should_cancel=should_cancel,
        )  # fmt: skip
    _store_tree(out, prefix)
    VideoJob.objects.filter(pk=job.pk).update(segments={"audio": _measured_segments(out / "audio.m3u8")})


def _store_finished_segments(local_playlist, prefix, stored):
    """Store the segments ffmpeg has finished (those its playlist lists), then the playlist itself."""
    if not local_playlist.exists():
        return
    text = local_playlist.read_text()
    for segment in playlists.read_segments(text):
        if segment.uri not in stored:
            storage.store(local_playlist.parent / segment.uri, f"{prefix}/{segment.uri}")
            stored.add(segment.uri)
    storage.store_text(text, f"{prefix}/audio.m3u8")


def make_thumbnails(job, work_dir, progress, should_cancel):
    """Storyboard, and a poster frame unless the video has a cover of its own (a clip's, with its title band)."""
    video = job.video
    out = work_dir / "thumbs"
    out.mkdir(parents=True)
    with storage.local_copy(video.source, work_dir) as source:
        size = {"duration": video.duration, "width": video.width, "height": video.height}
        if not video.is_clip:
            write_poster(source, out / "poster.jpg", **size)
        count, interval, thumb_height = write_storyboard(source, out, **size)
    (out / "storyboard.vtt").write_text(storyboard_vtt(count, interval, thumb_height, video.duration))
    _store_tree(out, f"{video.prefix}/thumbs")
    thumbnails = {"storyboard": f"{video.prefix}/thumbs/storyboard.vtt"}
    if not video.is_clip:
        thumbnails["poster"] = f"{video.prefix}/thumbs/poster.jpg"
    Video.objects.filter(pk=video.pk).update(**thumbnails)


def make_clip(job, work_dir, progress, should_cancel):
    """Render the clip's span of its recording as the 1080×1920 channel MP4, with its title band and
    subtitles burned in, and its covers; the MP4 becomes the clip's source, which the ladder then takes."""
    clip = job.video
    recording = clip.clip_of
    if recording is None or not recording.source:
        raise ClipSourceGone()
    Video.objects.filter(pk=clip.pk).update(status=Video.Status.CLIPPING)
    font = find_cjk_font(settings.CJK_FONT_PATHS)
    band = write_band(clip.title, work_dir / "band.png", font_path=font, logo_path=_local_logo(clip, work_dir))
    cues = cut_to_span(read_subtitles(clip.subtitles.encode("utf-8")), clip.clip_start, clip.clip_end) if clip.subtitles else []
    subtitles = write_ass(cues, work_dir / "subtitles.ass", font_path=font) if cues else None
    source = ClipSource(
        location=storage.readable_location(recording.source),
        width=recording.width,
        height=recording.height,
        frame_rate=recording.frame_rate,
        has_audio=recording.has_audio,
        rotation=recording.rotation,
    )
    channel_mp4 = render_clip(
        source, work_dir / "channel.mp4", start=clip.clip_start, end=clip.clip_end, band_png=band, ass_path=subtitles,
        font_path=font,
        timeout=timeout_for(clip.clip_end - clip.clip_start), on_progress=progress, should_cancel=should_cancel,
    )  # fmt: skip
    cover_at = (clip.cover_at if clip.cover_at is not None else clip.clip_start + 1.0) - clip.clip_start
    write_covers(channel_mp4, cover_at, work_dir / "cover.jpg", work_dir / "cover-square.jpg",
                 picture=picture_box(recording.width, recording.height))  # fmt: skip
    outputs = {
        "source": storage.store(channel_mp4, clip_file(clip, "channel.mp4")),
        "poster": storage.store(work_dir / "cover.jpg", clip_file(clip, "cover.jpg")),
        "square_cover": storage.store(work_dir / "cover-square.jpg", clip_file(clip, "cover-square.jpg")),
        "subtitle_track": storage.store_text(to_webvtt(cues), clip_file(clip, "subtitles.vtt")) if cues else "",
        "original_filename": f"{clip.title[:200]}.mp4",
    }
    Video.objects.filter(pk=clip.pk).update(**outputs)


def clip_file(clip, name):
    return f"{clip.prefix}/clip/{name}"


class ClipSourceGone(RuntimeError):
    message = gettext_noop("原视频已删除，不能重新剪辑。")
    params = {}


def _local_logo(clip, work_dir):
    if clip.logo is None:
        return None
    target = work_dir / f"logo{Path(clip.logo.file.name).suffix.lower()}"
    with clip.logo.file.open("rb") as stored, open(target, "wb") as local:
        shutil.copyfileobj(stored, local)
    return target


def finish(job, work_dir, progress, should_cancel):
    """Final playlists, then each rung's MP4 remuxed from its segments; `ready` only when all are stored."""
    video = job.video
    write_playlists(video, finished=True)
    audio_segments = _segments(f"{video.prefix}/hls/{AUDIO_PLAYLIST}") if video.has_audio else []
    for rendition in video.renditions.all():
        rung_dir = work_dir / rendition.name
        rung_dir.mkdir(parents=True)
        video_files = _fetch(f"{video.prefix}/hls/{rendition.name}", _segments(rendition.playlist), rung_dir / "video")
        audio_files = _fetch(f"{video.prefix}/hls/audio", audio_segments, rung_dir / "audio") if audio_segments else None
        write_concat_list(rung_dir / "video.ffconcat", [f"video/{name}" for name in video_files])
        if audio_files:
            write_concat_list(rung_dir / "audio.ffconcat", [f"audio/{name}" for name in audio_files])
        mp4 = rung_dir / f"{rendition.name}.mp4"
        stitch_mp4(
            rung_dir / "video.ffconcat", rung_dir / "audio.ffconcat" if audio_files else None, mp4,
            timeout=timeout_for(video.duration / 10),
        )  # fmt: skip
        rendition.mp4 = storage.store(mp4, f"{video.prefix}/mp4/{rendition.name}.mp4")
        rendition.save(update_fields=["mp4"])
        shutil.rmtree(rung_dir)  # a long recording's segments are large: one rung on disk at a time
    storage.delete_tree(f"{video.prefix}/work")


def _fetch(prefix, segments, target_dir):
    """Local copies of stored segments (a hard link on local storage, a download from S3)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    names = []
    for segment in segments:
        local = storage.local_path_of(f"{prefix}/{segment.uri}")
        target = target_dir / segment.uri
        if local is not None:
            target.symlink_to(local)
        else:
            with storage.video_storage().open(f"{prefix}/{segment.uri}", "rb") as remote, open(target, "wb") as handle:
                shutil.copyfileobj(remote, handle, storage.COPY_BUFFER)
        names.append(segment.uri)
    return names


def _segments(playlist_name):
    return playlists.read_segments(storage.read_text(playlist_name))


def _store_tree(local_dir, prefix):
    for path in sorted(Path(local_dir).rglob("*")):
        if path.is_file():
            storage.store(path, f"{prefix}/{path.relative_to(local_dir).as_posix()}")


def _rungs(video):
    by_name = {rung.name: rung for rung in LADDER}
    chosen = rungs_for(video.width, video.height)
    return tuple(by_name.get(rung.name, rung) for rung in chosen)


def _sound_stored_until(video):
    """Seconds of the recording whose sound is in storage (all of it when there is none to wait for)."""
    if not video.has_audio or video.jobs.filter(kind=VideoJob.Kind.AUDIO, status=VideoJob.Status.DONE).exists():
        return float("inf")
    name = f"{video.prefix}/hls/{AUDIO_PLAYLIST}"
    if not storage.exists(name):
        return 0.0
    return sum(segment.duration for segment in _segments(name))


def _sound_rates(video):
    """Peak and average bits per second of the stored sound; until its job is done, AAC's nominal rate
    plus the MPEG-TS packaging it measures at (SOUND_TS_OVERHEAD)."""
    if not video.has_audio:
        return 0, 0
    job = video.jobs.filter(kind=VideoJob.Kind.AUDIO, status=VideoJob.Status.DONE).first()
    segments = [playlists.Segment(*entry) for entry in (job.segments or {}).get("audio", [])] if job else []
    if segments:
        return playlists.peak_bitrate(segments), playlists.average_bitrate(segments)
    nominal = round(AUDIO_KBPS * 1000 * SOUND_TS_OVERHEAD)
    return nominal, nominal


def write_playlists(video, *, finished):
    """Join the chunks done so far (in order, up to the first missing one) into each rung's playlist.

    Returns True once the replay can start: the first chunk and the sound are stored.
    """
    chunks = list(video.jobs.filter(kind=VideoJob.Kind.CHUNK).order_by("index"))
    sound_until = _sound_stored_until(video)
    ready = []
    for chunk in chunks:
        if chunk.status != VideoJob.Status.DONE or chunk.end > sound_until + 0.5:
            break
        ready.append(chunk)
    if not ready:
        return False
    complete = finished or len(ready) == len(chunks)
    sound_peak, sound_average = _sound_rates(video)
    variants = []
    for rendition in video.renditions.all():
        segments = [playlists.Segment(*entry) for chunk in ready for entry in chunk.segments[rendition.name]]
        storage.store_text(playlists.media_playlist(segments, finished=complete), rendition.playlist)
        if all(segment.size for segment in segments):
            bandwidth = playlists.peak_bitrate(segments) + sound_peak
            average = playlists.average_bitrate(segments) + sound_average
        else:  # chunks encoded at fixed bitrates, before sizes were kept: their old stated rate
            bandwidth, average = (int(rendition.video_kbps * 1.07) + AUDIO_KBPS * video.has_audio) * 1000, None
        variants.append(
            playlists.Variant(
                uri=f"{rendition.name}/index.m3u8",
                width=rendition.width,
                height=rendition.height,
                bandwidth=bandwidth,
                average_bandwidth=average,
                frame_rate=output_frame_rate(video.frame_rate),
            )
        )
    master = playlists.master_playlist(variants, AUDIO_PLAYLIST if video.has_audio else None)
    storage.store_text(master, video.master_playlist)
    return True


HANDLERS = {
    VideoJob.Kind.PREPARE: prepare,
    VideoJob.Kind.CHUNK: encode_chunk,
    VideoJob.Kind.AUDIO: encode_sound,
    VideoJob.Kind.THUMBNAILS: make_thumbnails,
    VideoJob.Kind.FINISH: finish,
    VideoJob.Kind.CLIP: make_clip,
}
