"""Run ffmpeg with machine-readable progress, a time limit, and no orphan left behind.

ffmpeg writes `-progress` key=value blocks to stdout; we turn `out_time_us` into seconds done and
report it at most every `report_every` seconds. The child gets SIGKILL when its parent dies
(PR_SET_PDEATHSIG), so a killed worker does not leave an encoder writing half files. What ffmpeg
prints on stderr comes back in the result: at `loglevel="info"` that includes what filters
measure (loudnorm's JSON).
"""

import ctypes
import signal
import subprocess
import threading
import time
from dataclasses import dataclass

PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Completed:
    returncode: int
    stderr: str


class FFmpegError(RuntimeError):
    def __init__(self, message, stderr=""):
        super().__init__(message)
        self.stderr = stderr


class Cancelled(RuntimeError):
    pass


def _die_with_parent():
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass  # not Linux: the time limit still bounds the child


def run(args, *, timeout, on_progress=None, report_every=2.0, should_cancel=None, executable="ffmpeg", loglevel="error"):
    """Run `executable args…`; call on_progress(seconds_done) now and then; raise FFmpegError on failure.

    Returns a Completed with the stderr text.
    """
    command = [executable, "-hide_banner", "-nostdin", "-nostats", "-loglevel", loglevel, "-progress", "pipe:1", *args]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_die_with_parent,
    )
    stderr_lines = []
    stderr_reader = threading.Thread(target=lambda: stderr_lines.extend(process.stderr), daemon=True)
    stderr_reader.start()
    deadline = time.monotonic() + timeout
    last_report = 0.0
    try:
        for line in process.stdout:
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and value.isdigit() and on_progress:
                now = time.monotonic()
                if now - last_report >= report_every:
                    last_report = now
                    on_progress(int(value) / 1_000_000)
            if time.monotonic() > deadline:
                raise FFmpegError(f"ffmpeg exceeded its time limit of {timeout:.0f} s")
            if should_cancel and key == "progress" and should_cancel():
                raise Cancelled("cancelled")
        process.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        raise FFmpegError(f"ffmpeg exceeded its time limit of {timeout:.0f} s")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        stderr_reader.join(timeout=5)
    stderr = "".join(stderr_lines)
    if process.returncode != 0:
        raise FFmpegError(f"ffmpeg failed (exit {process.returncode}): {stderr.strip()[-500:]}", stderr)
    return Completed(process.returncode, stderr)
