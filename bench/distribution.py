"""Douyin upload figures, all measured in this one run against the stand-in on this machine.

1. Peak memory: a 1 GB clip uploaded in parts through DouyinClient.upload, against a 100 MB clip,
   each in a fresh child process (ru_maxrss): streaming must keep it flat (goal <= 1.1x).
2. Throughput: the client's upload of the 1 GB clip against a plain httpx upload of the same bytes,
   read the same way, to the same stand-in through the same endpoints (init, 20 MB multipart parts,
   complete, written out by hand): goal >= 0.9x. For context, the same bytes in one raw request to
   the stand-in's sink, which the contract does not allow (parts above 128 MB) and which skips the
   stand-in's multipart parsing.

The stand-in runs in its own process with hashing off (`--no-hash`), so what is measured is the
client. The clips are made in a temporary folder (an mp4 head, then random blocks) and removed.
Run with `make bench` or `python bench/distribution.py`; BENCH_QUICK=1 measures once instead of three times.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUICK = os.environ.get("BENCH_QUICK") == "1"
RUNS = 1 if QUICK else 3
MB = 2**20
SIZES = {"100 MB": 100 * MB, "1 GB": 1024 * MB}
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


# --- the child: one upload, timed, then its own peak RSS ------------------------------------------


def child(mode, path, base_url, client_key, client_secret, access_token, open_id):
    sys.path.insert(0, str(REPO))
    import httpx

    from distribution.platforms.base import Source
    from distribution.platforms.douyin import DouyinClient

    source = Source.from_path(path)
    if mode == "client":
        client = DouyinClient(client_key, client_secret, base_url=base_url)
        started = time.perf_counter()
        client.upload(access_token, open_id, source)
    elif mode == "parts":
        client = httpx.Client(base_url=base_url, timeout=httpx.Timeout(10, read=60))
        started = time.perf_counter()
        by_hand_in_parts(client, source, access_token, open_id)
    else:
        client = httpx.Client(base_url=base_url, timeout=httpx.Timeout(10, read=60))
        started = time.perf_counter()
        response = client.post(
            "/standin/sink/",
            content=source.read_range(0, source.size),
            headers={"Content-Length": str(source.size), "Content-Type": "application/octet-stream"},
        )
        response.raise_for_status()
        assert response.json()["data"]["size"] == source.size
    seconds = time.perf_counter() - started
    client.close()
    print(json.dumps({"seconds": seconds, "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def by_hand_in_parts(http, source, access_token, open_id):
    """The contract's multipart upload written out with plain httpx: what the client does, without the client."""
    auth = {"headers": {"access-token": access_token}, "params": {"open_id": open_id}}
    upload_id = http.post("/api/douyin/v1/video/init_video_part_upload/", **auth).json()["data"]["upload_id"]
    head = b'--b\r\nContent-Disposition: form-data; name="video"; filename="video.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
    tail = b"\r\n--b--\r\n"
    part_size = 20 * MB
    for number, start in enumerate(range(0, source.size, part_size), 1):
        length = min(part_size, source.size - start)
        response = http.post(
            "/api/douyin/v1/video/upload_video_part/",
            params={**auth["params"], "upload_id": upload_id, "part_number": number},
            headers={
                **auth["headers"],
                "Content-Type": "multipart/form-data; boundary=b",
                "Content-Length": str(len(head) + length + len(tail)),
            },
            content=chain(head, source.read_range(start, length), tail),
        )
        assert response.json()["data"]["error_code"] == 0, response.text
    response = http.post(
        "/api/douyin/v1/video/complete_video_part_upload/",
        params={**auth["params"], "upload_id": upload_id},
        headers=auth["headers"],
    )
    assert response.json()["data"]["video"]["video_id"], response.text


def chain(head, blocks, tail):
    yield head
    yield from blocks
    yield tail


# --- the parent: the stand-in, the clips, the children ---------------------------------------------


def start_standin():
    """The stand-in in its own process; returns it and what it printed (base_url, app and account tokens)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.distribution.douyin_standin", "--no-hash"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    text = ""
    for line in process.stdout:
        text += line
        if line.startswith("}"):
            return process, json.loads(text)
    raise RuntimeError("the Douyin stand-in did not start")


def make_clip(path, size):
    block = os.urandom(MB)
    with open(path, "wb") as file:
        file.write(MP4_HEAD)
        left = size - len(MP4_HEAD)
        while left > 0:
            left -= file.write(block[: min(MB, left)])
    return path


def measure(mode, path, standin):
    arguments = [standin[name] for name in ("base_url", "client_key", "client_secret", "access_token", "open_id")]
    output = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), *arguments], check=True, capture_output=True, text=True, cwd=REPO
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    process, standin = start_standin()
    try:
        with tempfile.TemporaryDirectory(prefix="umc-bench-douyin-") as folder:
            clips = {label: make_clip(Path(folder) / f"{size // MB}.mp4", size) for label, size in SIZES.items()}
            peaks, speeds = {}, {}
            for label, path in clips.items():
                runs = [measure("client", path, standin) for _ in range(RUNS)]
                peaks[label] = max(run["peak_kib"] for run in runs)
                speeds[label] = statistics.median(SIZES[label] / MB / run["seconds"] for run in runs)
            baselines = {"plain": [], "parts": [], "client": []}
            for _ in range(RUNS):  # interleaved, so that a slower moment of the machine falls on all three
                for mode, runs in baselines.items():
                    runs.append(SIZES["1 GB"] / MB / measure(mode, clips["1 GB"], standin)["seconds"])
            plain, parts, client = (statistics.median(runs) for runs in baselines.values())
    finally:
        process.terminate()
        process.wait(timeout=10)
    memory = peaks["1 GB"] / peaks["100 MB"]
    throughput = client / parts
    print(
        f"douyin upload 100 MB: peak RSS {peaks['100 MB'] / 1024:.0f} MB, {speeds['100 MB']:.0f} MB/s "
        f"({-(-SIZES['100 MB'] // (20 * MB))} parts of 20 MB)"
    )
    print(
        f"douyin upload 1 GB: peak RSS {peaks['1 GB'] / 1024:.0f} MB, {memory:.2f}x the 100 MB upload's "
        f"(goal <= 1.1) {'ok' if memory <= 1.1 else 'MISSED'}"
    )
    print(
        f"douyin upload 1 GB: {client:.0f} MB/s through the client, {parts:.0f} MB/s plain httpx through the same "
        f"endpoints (init, 20 MB parts, complete), {throughput:.2f}x (goal >= 0.9) {'ok' if throughput >= 0.9 else 'MISSED'}"
    )
    print(
        f"douyin upload 1 GB (context, no goal): plain httpx in one raw request to the stand-in's sink {plain:.0f} MB/s; "
        f"the client {client / plain:.2f}x of it (the difference is the contract's parts and the stand-in parsing them)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(*sys.argv[2:])
    else:
        main()
