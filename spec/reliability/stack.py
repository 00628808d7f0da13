"""A private image-resize stack for reliability tests.

Its own RabbitMQ and PostgreSQL (scripts/services on other ports, data in a
fresh temporary folder), a static server for spec/.fixtures, and web, resize
and store started one by one as subprocesses, so a test can SIGKILL or restart
any single part without touching the shared servers or other tests.

Settings (environment): IMAGERESIZE_BIN_DIR (.build/debug),
RELIABILITY_RABBITMQ_PORT (5700), RELIABILITY_RABBITMQ_MANAGEMENT_PORT (15700),
RELIABILITY_POSTGRES_PORT (5440), RELIABILITY_KEEP=1 keeps the folder (logs).
"""
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "spec", ".fixtures")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def eventually(what, probe, timeout, interval=0.2):
    """Polls probe() until it returns a truthy value; fails naming `what` after timeout seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = probe()
            if value:
                return value
        except Exception as error:  # the thing polled may be down for a while
            last_error = error
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {timeout} s (last error: {last_error!r})")


@contextlib.contextmanager
def running(stack):
    """The stack started (its logs printed if it cannot start), stopped afterwards."""
    try:
        stack.start()
    except BaseException:
        print(stack.logs())
        stack.stop()
        raise
    try:
        yield stack
    finally:
        stack.stop()


class Process:
    """One service process, its log in the stack folder."""

    def __init__(self, name, argv, env, log_path):
        self.name = name
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.popen = subprocess.Popen(argv, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                      cwd=ROOT, start_new_session=True)

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def kill(self):
        """SIGKILL: no goodbye, unacked messages stay with the broker."""
        if self.alive():
            os.kill(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self):
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()

    def tail(self, lines=40):
        try:
            with open(self.log_path, "rb") as f:
                return b"".join(f.readlines()[-lines:]).decode(errors="replace")
        except OSError:
            return ""


class Stack:
    def __init__(self, extra_env=None):
        self.extra_env = dict(extra_env or {})
        # Role -> niceness its processes start with (benchmarks: workers below the web).
        self.nice = {}
        self.bin_dir = os.path.abspath(os.environ.get("IMAGERESIZE_BIN_DIR", os.path.join(ROOT, ".build", "debug")))
        self.rabbitmq_port = int(os.environ.get("RELIABILITY_RABBITMQ_PORT", "5700"))
        self.management_port = int(os.environ.get("RELIABILITY_RABBITMQ_MANAGEMENT_PORT", "15700"))
        self.postgres_port = int(os.environ.get("RELIABILITY_POSTGRES_PORT", "5440"))
        self.keep = os.environ.get("RELIABILITY_KEEP") == "1"
        self.dir = tempfile.mkdtemp(prefix="imageresize-reliability-")
        os.chmod(self.dir, 0o755)  # the rabbitmq and postgres users must reach their folders
        self.services_started = []
        self.processes = {}
        self.fixture_server = None
        self.images_port = free_port()
        self.web_port = free_port()
        self.broker_url = f"amqp://guest:guest@localhost:{self.rabbitmq_port}"
        self.management_url = f"http://localhost:{self.management_port}"
        self.database_url = f"postgres://postgres@localhost:{self.postgres_port}/imageresize"

    # ------------------------------------------------------------------ set-up
    def start(self):
        for name in ("imageresize", "msgflo"):
            path = os.path.join(self.bin_dir, name)
            if not os.access(path, os.X_OK):
                raise RuntimeError(f"{path} is missing: run `swift build` first or set IMAGERESIZE_BIN_DIR")
        if not os.path.exists(os.path.join(FIXTURES, ".complete")):
            subprocess.run([os.path.join(ROOT, "spec", "fixtures.sh"), FIXTURES], check=True)
        for port, what in ((self.rabbitmq_port, "RELIABILITY_RABBITMQ_PORT"),
                           (self.management_port, "RELIABILITY_RABBITMQ_MANAGEMENT_PORT"),
                           (self.postgres_port, "RELIABILITY_POSTGRES_PORT")):
            if port_open(port):
                # Never adopt (and later stop) a server somebody else runs.
                raise RuntimeError(f"port {port} is already in use; set {what} to a free port")
        self.services("start", "rabbitmq")
        self.services_started.append("rabbitmq")
        self.services("start", "postgres")
        self.services_started.append("postgres")
        self.fixture_server = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(self.images_port), "--bind", "127.0.0.1"],
            cwd=FIXTURES, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.run_tool("imageresize", "migrate")
        self.run_tool("msgflo", "setup", os.path.join(ROOT, "graphs", "imageresize.fbp"))
        self.start_process("store")
        self.start_process("resize")
        self.start_process("web")
        eventually("the fixture server", lambda: port_open(self.images_port), 20)
        eventually("the web process to be healthy", lambda: self.health_ok(), 90, interval=0.5)
        return self

    def env(self):
        env = dict(os.environ)
        env.update({
            "MSGFLO_BROKER": self.broker_url,
            "DATABASE_URL": self.database_url,
            "IMAGERESIZE_ALLOW_HOSTS": f"localhost:{self.images_port}",
            "IMAGERESIZE_RESIZE_CONCURRENCY": "2",
            "IMAGERESIZE_PUBLISH_TIMEOUT": "3",
            "MALLOC_ARENA_MAX": "2",
            "PORT": str(self.web_port),
        })
        env.update(self.extra_env)
        env.pop("CLOUDAMQP_URL", None)
        return env

    def services(self, command, name):
        env = dict(os.environ)
        env.update({
            "SERVICES_DIR": os.path.join(self.dir, "services"),
            "RABBITMQ_PORT": str(self.rabbitmq_port),
            "RABBITMQ_MANAGEMENT_PORT": str(self.management_port),
            "POSTGRES_PORT": str(self.postgres_port),
        })
        os.makedirs(env["SERVICES_DIR"], mode=0o755, exist_ok=True)
        os.chmod(env["SERVICES_DIR"], 0o755)
        result = subprocess.run([os.path.join(ROOT, "scripts", "services"), command, name], env=env,
                                cwd=ROOT, capture_output=True, text=True, timeout=180)
        if result.returncode != 0:
            raise RuntimeError(f"scripts/services {command} {name} failed:\n{result.stdout}{result.stderr}")

    def rabbitmqctl(self, *args):
        """Runs rabbitmqctl against the private broker node (as scripts/services names it)."""
        result = subprocess.run(["rabbitmqctl", "-n", f"msgflo{self.rabbitmq_port}@localhost", *args],
                                capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def run_tool(self, name, *args):
        result = subprocess.run([os.path.join(self.bin_dir, name), *args], env=self.env(), cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{name} {' '.join(args)} failed:\n{result.stdout}{result.stderr}")

    def start_process(self, role):
        name = role if role not in self.processes else f"{role}-{len([k for k in self.processes if k.startswith(role)])}"
        argv = [os.path.join(self.bin_dir, "imageresize"), role, "--role", role]
        if self.nice.get(role):
            argv = ["nice", "-n", str(self.nice[role])] + argv
        process = Process(name, argv, self.env(),
                          os.path.join(self.dir, f"{name}.log"))
        self.processes[name] = process
        return process

    def live(self, role):
        """The live processes playing `role`."""
        return [p for name, p in self.processes.items() if name.split("-")[0] == role and p.alive()]

    # ------------------------------------------------------------------ tear-down
    def stop(self):
        for process in self.processes.values():
            process.stop()
        if self.fixture_server:
            self.fixture_server.terminate()
            self.fixture_server.wait(timeout=10)
        for name in reversed(self.services_started):
            try:
                self.services("stop", name)
            except Exception as error:
                print(f"reliability: stopping {name} failed: {error}", file=sys.stderr)
        if self.keep:
            print(f"reliability: logs kept in {self.dir}", file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def logs(self):
        return "\n".join(f"--- {name} (pid {p.pid}, {'alive' if p.alive() else f'exit {p.popen.returncode}'})\n{p.tail()}"
                         for name, p in self.processes.items())

    # ------------------------------------------------------------------ HTTP API
    def url(self, path):
        return f"http://localhost:{self.web_port}{path}"

    def image_url(self, path):
        return f"http://localhost:{self.images_port}/{path}"

    def health_ok(self):
        return requests.get(self.url("/health"), timeout=5).status_code == 200

    def submit(self, images, timeout=30):
        r = requests.post(self.url("/jobs"), json={"images": images}, timeout=timeout)
        assert r.status_code == 202, (r.status_code, r.text)
        return r.json()["id"]

    def job(self, job_id):
        """GET /jobs/{id}, or None while the API cannot answer (an outage under test)."""
        try:
            r = requests.get(self.url(f"/jobs/{job_id}"), timeout=10)
        except requests.RequestException:
            return None
        return r.json() if r.status_code == 200 else None

    def wait_finished(self, job_id, timeout):
        def finished():
            job = self.job(job_id)
            return job if job and job["status"] != "pending" else None
        try:
            return eventually(f"job {job_id} to finish", finished, timeout, interval=0.5)
        except AssertionError as error:
            raise AssertionError(f"{error}\nprogress: {self.progress(job_id)}\n{self.logs()}") from None

    # ------------------------------------------------------------------ PostgreSQL, read directly
    def sql(self, query):
        """Rows of a query on the private PostgreSQL, each a list of strings."""
        result = subprocess.run(
            ["psql", "-h", "localhost", "-p", str(self.postgres_port), "-U", "postgres", "-d", "imageresize",
             "-v", "ON_ERROR_STOP=1", "-tA", "-F", "|", "-c", query],
            capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr}")
        return [line.split("|") for line in result.stdout.splitlines() if line]

    def progress(self, job_id):
        """(images_completed, images_failed) of a job, straight from the jobs table."""
        try:
            rows = self.sql(f"SELECT images_completed, images_failed FROM jobs WHERE id = '{job_id}'")
        except Exception:
            return None
        return (int(rows[0][0]), int(rows[0][1])) if rows else None

    def completed_so_far(self, job_id):
        progress = self.progress(job_id)
        return progress[0] if progress else 0

    # ------------------------------------------------------------------ RabbitMQ management
    def queues(self):
        r = requests.get(f"{self.management_url}/api/queues", auth=("guest", "guest"), timeout=10)
        r.raise_for_status()
        return {q["name"]: q for q in r.json()}
