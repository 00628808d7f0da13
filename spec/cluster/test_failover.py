"""The service on a 3-node RabbitMQ cluster with quorum queues loses a node mid-run.

1,000 images (20 jobs of 50) go through web, resize and store, all connected
with a broker URL naming the three nodes. While they are being resized, the
node that leads the `resize.IN` quorum queue is stopped (every process is
connected to it too: it is the first of the URL), and 10 more jobs are
posted while the cluster fails over. Every image must complete exactly once
(counted in PostgreSQL), no message may be dead-lettered, no process may die.

Run after `swift build`:  python3 -m pytest -q spec/cluster
Ports: CLUSTER_PORTS (5781 5782 5783 here, so the shared cluster of
`scripts/services cluster` is left alone), RELIABILITY_POSTGRES_PORT + 1.
"""
import os
import subprocess
import sys
import time

import pytest
import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "reliability"))
from batch import assert_every_image_completed_once  # noqa: E402
from stack import ROOT, Stack, eventually, port_open, running  # noqa: E402

PORTS = [int(p) for p in os.environ.get("CLUSTER_TEST_PORTS", "5781 5782 5783").split()]
JOBS_BEFORE, JOBS_DURING, PER_JOB = 10, 10, 50


class ClusterStack(Stack):
    """The reliability stack with its broker replaced by a 3-node cluster."""

    def __init__(self):
        super().__init__(extra_env={"MSGFLO_QUEUE_TYPE": "quorum", "IMAGERESIZE_PUBLISH_TIMEOUT": "20"})
        self.postgres_port = int(os.environ.get("RELIABILITY_POSTGRES_PORT", "5440")) + 1
        self.database_url = f"postgres://postgres@localhost:{self.postgres_port}/imageresize"
        hosts = ",".join(f"localhost:{p}" for p in PORTS)
        self.broker_url = f"amqp://guest:guest@{hosts}"
        self.rabbitmq_port = PORTS[0]
        self.management_port = PORTS[0] + 10000
        self.management_url = f"http://localhost:{self.management_port}"

    def services(self, command, name):
        if name != "rabbitmq":
            return super().services(command, name)
        self.cluster(command)

    def cluster(self, *args):
        env = dict(os.environ, SERVICES_DIR=os.path.join(self.dir, "services"), CLUSTER_PORTS=" ".join(map(str, PORTS)))
        os.makedirs(env["SERVICES_DIR"], mode=0o755, exist_ok=True)
        result = subprocess.run([os.path.join(ROOT, "scripts", "services"), "cluster", *args], env=env, cwd=ROOT,
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"scripts/services cluster {' '.join(args)} failed:\n{result.stdout}{result.stderr}")

    def management(self, path, node):
        r = requests.get(f"http://localhost:{PORTS[node - 1] + 10000}{path}", auth=("guest", "guest"), timeout=10)
        r.raise_for_status()
        return r.json()

    def queues(self):
        alive = next(n for n in (1, 2, 3) if port_open(PORTS[n - 1] + 10000))
        return {q["name"]: q for q in self.management("/api/queues", alive)}


@pytest.fixture(scope="module")
def cluster_stack():
    for port in PORTS + [p + 10000 for p in PORTS]:
        if port_open(port):
            pytest.fail(f"port {port} is in use; set CLUSTER_TEST_PORTS to three free ports")
    with running(ClusterStack()) as stack:
        yield stack


def small_batch(stack, job):
    """Photos of 1280 pixels wide at most: the run is about the broker, not libvips."""
    photos = sorted(p for p in os.listdir(os.path.join(ROOT, "spec", ".fixtures", "photos")) if "-1280x" in p)
    return [{"url": stack.image_url(f"photos/{photos[i % len(photos)]}?job={job}&n={i}"), "width": 64}
            for i in range(PER_JOB)]


def submit_retrying(stack, images, timeout=60):
    """POST /jobs, retried while the service answers 503 (the broker failing over) or not at all."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            r = requests.post(stack.url("/jobs"), json={"images": images}, timeout=30)
            if r.status_code == 202:
                return r.json()["id"]
            assert r.status_code == 503, (r.status_code, r.text)
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            states = {}
            for node in (1, 2, 3):
                if port_open(PORTS[node - 1] + 10000):
                    q = stack.management("/api/queues/%2F/resize.IN", node)
                    states[node] = {k: q.get(k) for k in ("leader", "online", "messages", "consumers", "state")}
            raise AssertionError(f"POST /jobs was not accepted within {timeout} s; resize.IN: {states}\n{stack.logs()}")
        time.sleep(0.5)


def test_every_image_completes_once_when_the_leader_of_the_resize_queue_stops(cluster_stack):
    stack = cluster_stack
    resize_queue = stack.management("/api/queues/%2F/resize.IN", 1)
    assert resize_queue["type"] == "quorum", resize_queue
    assert len(resize_queue.get("members", [])) == 3, resize_queue
    leader = resize_queue["leader"]
    leader_node = next(n for n in (1, 2, 3) if leader == f"msgflo{PORTS[n - 1]}@localhost")

    jobs = [submit_retrying(stack, small_batch(stack, j)) for j in range(JOBS_BEFORE)]
    eventually("some images to be stored", lambda: sum(stack.completed_so_far(j) for j in jobs) >= 50, 120)
    done_before = sum(stack.completed_so_far(j) for j in jobs)
    assert done_before < JOBS_BEFORE * PER_JOB, "the whole batch was done before the node stopped; use a larger batch"

    stack.cluster("stop-node", str(leader_node))
    jobs += [submit_retrying(stack, small_batch(stack, JOBS_BEFORE + j)) for j in range(JOBS_DURING)]

    for job in jobs:
        stack.wait_finished(job, 300)
    for job in jobs:
        assert_every_image_completed_once(stack, job, PER_JOB)
    [[total]] = stack.sql("SELECT count(*) FROM images WHERE completed_at IS NOT NULL")
    assert int(total) == (JOBS_BEFORE + JOBS_DURING) * PER_JOB

    survivor = next(n for n in (1, 2, 3) if n != leader_node)
    after = stack.management("/api/queues/%2F/resize.IN", survivor)
    assert after["leader"] != leader, "the queue did not elect a new leader"
    dead = {q["name"]: q.get("messages", 0) for q in stack.management("/api/queues", survivor)
            if q["name"].startswith("dead-") or q["name"].endswith(".ERROR")}
    assert not any(dead.values()), dead
    for role in ("web", "resize", "store"):
        assert len(stack.live(role)) == 1, f"a {role} process died\n{stack.logs()}"
    failovers = [line for p in stack.processes.values() for line in p.tail(100000).splitlines()
                 if "lost connection" in line]
    assert failovers, "no process noticed the node going away: the test stopped the wrong node"
