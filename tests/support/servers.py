"""Start and stop RESP servers (cardinal or Debian's redis-server) on free loopback ports.

Both binaries take the same command line (`BIN --port N --bind 127.0.0.1 --save '' ...`), so
tests treat them alike. Every server started here is stopped by its own PID, never by name.
Used by the integration tests (pytest) and the differential test; stdlib only.
"""
import os
import socket
import subprocess
import tempfile
import time

REDIS_BIN = os.environ.get("REDIS_SERVER_BIN", "/usr/bin/redis-server")


def cardinal_bin():
    """Path of the cardinal binary under test: $CARDINAL_BIN (set by ctest)."""
    path = os.environ.get("CARDINAL_BIN")
    if not path:
        raise RuntimeError("CARDINAL_BIN is not set; run the tests through ctest")
    return path


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One server process on 127.0.0.1:port; a context manager that always stops it."""

    def __init__(self, binary, extra_args=(), port=None, config_file=None):
        self.binary = binary
        self.port = port or free_port()
        self.workdir = tempfile.mkdtemp(prefix="cardinal-test-")
        args = [binary]
        if config_file:
            args.append(config_file)
        args += ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", self.workdir]
        args += list(extra_args)
        self.args = args
        self.log_path = os.path.join(self.workdir, "server.log")
        self.proc = None

    def start(self, timeout=10.0):
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=self.workdir)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.binary} exited with {self.proc.returncode}:\n"
                                   + self.read_log())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.binary} did not answer on port {self.port}")

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
