"""PostgreSQL and Redis servers of a test's or a benchmark's own, on free loopback ports, to stop and restart.

The machine's own servers (127.0.0.1:5432 and :6379) are shared with CI and other runs: a fault is only
ever driven against one of these. Plain Python, no Django: tests and bench/ scripts both use them, and a
server is killed on the way out of its block whatever happened inside it.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

# The newest PostgreSQL server Debian installed (postgresql-15 on Debian 12); None when there is none.
POSTGRES_BIN = max(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3]), default=Path()).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port):
    if port > 65535:
        return False
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not happen within {seconds} s")
        time.sleep(0.1)


def terminate(process, seconds=15):
    """SIGTERM, and SIGKILL if the process is still there after `seconds`."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def answers(port):
    """Whether something accepts connections on 127.0.0.1:`port`."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


class PostgreSQL:
    """A cluster in a folder of its own: trust authentication, loopback only, no fsync (nothing here must
    survive a power cut). initdb refuses to run as root, so as root every server command runs as `postgres`."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.port = free_port()
        as_postgres = os.geteuid() == 0
        self._prefix = ["runuser", "-u", "postgres", "--"] if as_postgres else []
        if as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(POSTGRES_BIN / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip

    def _run(self, *command):
        subprocess.run([*self._prefix, *map(str, command)], check=True, capture_output=True, timeout=120)

    def url(self, database="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self):
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")  # fmt: skip
        self._run(POSTGRES_BIN / "pg_ctl", "-D", self.data, "-l", self.folder / "server.log", "-o", options, "-w", "start")

    def stop(self, mode="fast"):
        """`fast` ends every session at once, as `systemctl restart postgresql` does; `immediate` is a crash."""
        self._run(POSTGRES_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def restart(self):
        self.stop()
        self.start()

    def running(self):
        return (self.data / "postmaster.pid").exists()

    def create_database(self, name):
        self.sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def sql(self, statement, database="postgres"):
        """The rows of one statement, each a list of its values as text."""
        output = subprocess.run(
            ["psql", "-X", "-q", "-At", "-F", "\t", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", database, "-v", "ON_ERROR_STOP=1", "-c", statement],
            check=True, capture_output=True, text=True, timeout=60,
        ).stdout  # fmt: skip
        return [line.split("\t") for line in output.splitlines()]


@contextmanager
def private_postgresql():
    folder = Path(tempfile.mkdtemp(prefix="umc-pg-"))
    try:
        server = PostgreSQL(folder)
        server.start()
        try:
            yield server
        finally:
            if server.running():
                server.stop("immediate")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class Redis:
    """redis-server on a free port, nothing written to disk: a restart starts it empty, as a cache may be."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.port = free_port()
        self.process = None

    def url(self, database=0):
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                   "--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_until(lambda: answers(self.port), 10, f"Redis on port {self.port}")

    def stop(self):
        terminate(self.process)

    def restart(self):
        self.stop()
        self.start()

    def running(self):
        return self.process is not None and self.process.poll() is None


@contextmanager
def private_redis():
    folder = Path(tempfile.mkdtemp(prefix="umc-redis-"))
    server = Redis(folder)
    try:
        server.start()
        yield server
    finally:
        if server.running():
            server.process.kill()
            server.process.wait()
        shutil.rmtree(folder, ignore_errors=True)
