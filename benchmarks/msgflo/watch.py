"""Throughput of a three-role Repeat pipeline wired by `msgflo runtime`, with no
edge watched and with two edges watched (network:edges over the runtime's
WebSocket, its network:data read as it comes), in a virtual host of its own.

Two loads per case: paced at RATE msg/s for SECONDS (what the target is about:
the pipeline keeps up with the offered load, and end-to-end latency), and
saturated (N messages published at once, time until the last is out: the
headroom the taps cost).

Usage: watch.py MSGFLO_BIN RATE SECONDS
Prints a table and the throughput loss of the watched runs."""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid

import pika
import websocket

binary, rate, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
broker = urllib.parse.urlparse(os.environ.get("MSGFLO_BROKER", "amqp://guest:guest@localhost:5672/"))
management = urllib.parse.urlparse(os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://guest:guest@localhost:15672"))
user, password = broker.username or "guest", broker.password or "guest"
vhost = f"msgflo-bench-{uuid.uuid4().hex[:8]}"
vhost_url = f"amqp://{user}:{password}@{broker.hostname}:{broker.port or 5672}/{vhost}"
api = f"{management.scheme}://{management.hostname}:{management.port or 15672}/api"
auth = "Basic " + base64.b64encode(f"{management.username or user}:{management.password or password}".encode()).decode()


def call(method, path, body=None):
    request = urllib.request.Request(api + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": auth, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        data = response.read()
        return json.loads(data) if data else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def eventually(what, probe, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if probe():
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


class Sink(threading.Thread):
    """Consumes the queue bound to benchc.OUT on its own connection; records latencies."""

    def __init__(self):
        super().__init__(daemon=True)
        self.latencies, self.last, self.stop = [], None, False
        self.lock = threading.Lock()

    def run(self):
        conn = pika.BlockingConnection(pika.URLParameters(vhost_url))
        ch = conn.channel()
        ch.basic_qos(prefetch_count=500)

        def on_message(channel, method, properties, body):
            now = time.time()
            with self.lock:
                self.latencies.append(now - json.loads(body)["t"])
                self.last = now
            channel.basic_ack(method.delivery_tag)

        ch.basic_consume("bench.sink", on_message)
        while not self.stop:
            conn.process_data_events(time_limit=0.1)
        conn.close()

    def count(self):
        with self.lock:
            return len(self.latencies)

    def reset(self):
        with self.lock:
            self.latencies, self.last = [], None


class Watcher(threading.Thread):
    """An FBP client watching two edges and reading every frame."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}/", subprotocols=["noflo"], timeout=10)
        edges = [{"src": {"node": "bencha", "port": "out"}, "tgt": {"node": "benchb", "port": "in"}},
                 {"src": {"node": "benchb", "port": "out"}, "tgt": {"node": "benchc", "port": "in"}}]
        self.ws.send(json.dumps({"protocol": "network", "command": "edges", "payload": {"graph": "bench", "edges": edges}}))
        while json.loads(self.ws.recv())["command"] != "edges":
            pass
        self.data, self.stop = 0, False

    def run(self):
        self.ws.settimeout(0.5)
        while not self.stop:
            try:
                if json.loads(self.ws.recv()).get("command") == "data":
                    self.data += 1
            except websocket.WebSocketTimeoutException:
                continue
            except Exception:
                return

    def close(self):
        self.stop = True
        self.join(2)
        self.ws.close()


def publish(count, pace):
    conn = pika.BlockingConnection(pika.URLParameters(vhost_url))
    ch = conn.channel()
    props = pika.BasicProperties(delivery_mode=2, content_type="application/json")
    start = time.time()
    for i in range(count):
        if pace:
            due = start + i / pace
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
        ch.basic_publish("", "bencha.IN", json.dumps({"t": time.time(), "i": i, "payload": "x" * 100}), props)
    conn.close()
    return start


def cpu_seconds(pid):
    """User + system CPU time of a process so far (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def measure(sink, count, pace):
    sink.reset()
    cpu = cpu_seconds(runtime.pid)
    start = publish(count, pace)
    eventually("the last message out of the pipeline", lambda: sink.count() >= count, timeout=120 + count / 500)
    latencies = sorted(sink.latencies)
    return {"rate": count / (sink.last - start), "p50": latencies[len(latencies) // 2],
            "p95": latencies[int(len(latencies) * 0.95)], "cpu": cpu_seconds(runtime.pid) - cpu}


workdir = tempfile.mkdtemp(prefix="msgflo-watch-")
runtime = None
try:
    call("PUT", f"/vhosts/{vhost}")
    call("PUT", f"/permissions/{vhost}/{urllib.parse.quote(management.username or user)}", {"configure": ".*", "write": ".*", "read": ".*"})
    with open(os.path.join(workdir, "bench.fbp"), "w") as f:
        f.write("# @name bench\nbencha(Repeat) OUT -> IN benchb(Repeat)\nbenchb OUT -> IN benchc(Repeat)\n")
    with open(os.path.join(workdir, "components.json"), "w") as f:
        json.dump({"components": {"Repeat": f"{binary} participant Repeat --role #ROLE --prefetch 50"}}, f)
    port = free_port()
    env = dict(os.environ, LOG_LEVEL="warning", MSGFLO_PREFETCH="50")
    runtime = subprocess.Popen([binary, "runtime", "--graph", os.path.join(workdir, "bench.fbp"), "--broker", vhost_url,
                                "--port", str(port), "--participants", "--library", os.path.join(workdir, "components.json"),
                                "--management-url", os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://guest:guest@localhost:15672")],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    q = urllib.parse.quote(vhost, safe="")
    eventually("the runtime's bindings", lambda: len(call("GET", f"/exchanges/{q}/benchb.OUT/bindings/source")) == 1)
    setup = pika.BlockingConnection(pika.URLParameters(vhost_url))
    channel = setup.channel()
    channel.exchange_declare("benchc.OUT", "fanout", durable=True)  # as the participant declares it
    channel.queue_declare("bench.sink", durable=True)
    channel.queue_bind("bench.sink", "benchc.OUT")
    setup.close()
    eventually("the participants consuming", lambda: all(
        call("GET", f"/queues/{q}/bench{r}.IN").get("consumers", 0) >= 1 for r in "abc"))
    sink = Sink()
    sink.start()
    measure(sink, 500, None)  # warm-up
    paced = int(rate * seconds)
    saturated = paced
    results = {}
    for watched in (False, True) * 3:
        watcher = Watcher(port) if watched else None
        if watcher:
            watcher.start()
        key = "watched" if watched else "unwatched"
        for load, count, pace in (("paced", paced, rate), ("saturated", saturated, None)):
            results.setdefault((key, load), []).append(measure(sink, count, pace))
        if watcher:
            watcher.close()
            results.setdefault((key, "data"), []).append(watcher.data)
    sink.stop = True

    def best(key, load):
        return max(results[(key, load)], key=lambda r: r["rate"])

    print(f"{'pipeline of 3 Repeat (msgflo runtime)':40} {'msg/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'runtime CPU s':>14}")
    for load in ("paced", "saturated"):
        for key in ("unwatched", "watched"):
            r = best(key, load)
            label = f"{load} {rate}/s" if load == "paced" else f"saturated ({saturated})"
            print(f"{label + ', ' + key + (' (2 edges)' if key == 'watched' else ''):40} {r['rate']:9.0f} {r['p50'] * 1000:8.1f} {r['p95'] * 1000:8.1f} {r['cpu']:14.2f}")
    for load in ("paced", "saturated"):
        loss = 1 - best("watched", load)["rate"] / best("unwatched", load)["rate"]
        verdict = "met" if loss <= 0.05 else "NOT met"
        print(f"throughput loss with 2 edges watched, {load}: {loss * 100:.1f}% (target <= 5%: {verdict})")
    print(f"network:data frames received by the watcher per run: {results[('watched', 'data')]}")
finally:
    if runtime:
        runtime.terminate()
        try:
            runtime.wait(30)
        except subprocess.TimeoutExpired:
            runtime.kill()
    try:
        call("DELETE", f"/vhosts/{vhost}")
    except Exception:
        pass
    shutil.rmtree(workdir, ignore_errors=True)
