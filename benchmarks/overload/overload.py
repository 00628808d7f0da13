#!/usr/bin/env python3
"""Overwhelming the service (driven by ./run): an open-loop flood of POST /jobs
at RATE jobs/s with GET /jobs/{id} beside it, on a private stack with one
resize worker, then a broker memory alarm. Prints the figures and writes an
HTML report with latency and queue depth over time."""
import argparse
import concurrent.futures
import html
import json
import os
import random
import sys
import threading
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "spec", "reliability"))
sys.path.insert(0, os.path.join(ROOT, "spec"))
from stack import Stack, eventually  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "benchmarks", "imageresize"))
from bench import cpu_seconds, stack_cpu  # noqa: E402

sys.path.insert(0, HERE)
import flood_client  # noqa: E402


def nearest_rank(values, percent):
    """The service's one percentile definition (Primitives.Percentiles): rank ceil(p/100 * n)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, -(-len(ordered) * percent // 100) - 1)]


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class Recorder:
    """Every request's (seconds since start, kind, latency ms, status), from any thread."""

    def __init__(self, start):
        self.start = start
        self.lock = threading.Lock()
        self.rows = []
        self.samples = []

    def add(self, kind, scheduled, finished, status):
        with self.lock:
            self.rows.append((scheduled - self.start, kind, (finished - scheduled) * 1000, status))

    def of(self, kind):
        with self.lock:
            return [r for r in self.rows if r[1] == kind]


class Client:
    def __init__(self, stack):
        self.stack = stack
        self.local = threading.local()

    def session(self):
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def post(self, images):
        return self.session().post(self.stack.url("/jobs"), json={"images": images}, timeout=60)

    def get(self, job_id):
        return self.session().get(self.stack.url(f"/jobs/{job_id}"), timeout=60)


def paced(count, rate, start, work, pool):
    """Open loop: call work(i, scheduled) at start + i / rate whatever the answers' speed
    (latency counts from the scheduled time, so a slow server cannot hide behind a slow client)."""
    futures = []
    for i in range(count):
        scheduled = start + i / rate
        delay = scheduled - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        futures.append(pool.submit(work, i, scheduled))
    return futures


def broker_memory_mb(stack):
    r = requests.get(f"{stack.management_url}/api/nodes", auth=("guest", "guest"), timeout=5)
    r.raise_for_status()
    node = r.json()[0]
    return node.get("mem_used", 0) / 2**20, bool(node.get("mem_alarm"))


def sampler(stack, recorder, stop):
    web = stack.live("web")[0].pid
    while not stop.is_set():
        t = time.monotonic() - recorder.start
        try:
            depth = stack.queues().get("resize.IN", {}).get("messages", 0)
            broker, _ = broker_memory_mb(stack)
        except (requests.RequestException, ValueError, IndexError):
            depth, broker = float("nan"), float("nan")
        with recorder.lock:
            recorder.samples.append((t, rss_mb(web), broker, depth))
        stop.wait(1.0)


def cpu_by_part(stack):
    """CPU seconds so far of each part of the stack, and of this client."""
    parts = stack_cpu(stack)
    parts["client (this benchmark)"] = cpu_seconds(os.getpid())
    return parts


def flood(stack, args, recorder):
    """POSTs at args.rate and GETs of jobs posted so far at args.get_rate, open loop,
    from one thread (flood_client): the client's CPU is the service's CPU lost."""
    host, port = "localhost", stack.web_port
    image = stack.image_url("photo.png")
    body = json.dumps({"images": [{"url": image, "width": 64} for _ in range(args.images_per_job)]}).encode()
    post = flood_client.post_bytes(host, port, "/jobs", body)
    ids = []

    def posted(request, status, answer, finished):
        if status == 202:
            ids.append(json.loads(answer)["id"])
        recorder.add("post", request.scheduled, finished, status)

    def got(request, status, answer, finished):
        recorder.add("get", request.scheduled, finished, status)

    def get_payload():
        return flood_client.get_bytes(host, port, f"/jobs/{random.choice(ids)}") if ids else None

    start = time.monotonic() + 0.2
    requests = [flood_client.Request("post", start + i / args.rate, post, posted) for i in range(args.jobs)]
    gets = int(args.jobs / args.rate * args.get_rate)
    requests += [flood_client.Request("get", start + 0.5 + i / args.get_rate, get_payload, got) for i in range(gets)]
    flood_client.run(host, port, requests, connections=args.connections)
    return ids


def alarm(stack, args, recorder):
    """A memory alarm blocks publishers: POSTs must answer 503 + Retry-After, not hang."""
    client = Client(stack)
    image = stack.image_url("photo.png")
    answers = []
    stack.rabbitmqctl("set_vm_memory_high_watermark", "0.000001")
    try:
        eventually("the broker's memory alarm", lambda: broker_memory_mb(stack)[1], 30, interval=0.5)

        def post(i, scheduled):
            try:
                r = client.post([{"url": image, "width": 64}])
                answers.append((r.status_code, r.headers.get("Retry-After"), (time.monotonic() - scheduled) * 1000))
            except requests.RequestException as error:
                answers.append((0, None, (time.monotonic() - scheduled) * 1000))
            recorder.add("alarm", scheduled, time.monotonic(), answers[-1][0])

        # A thread per POST: each may take the whole publish timeout, and a
        # queue in this client would be counted as the server's latency.
        with concurrent.futures.ThreadPoolExecutor(max(8, args.alarm_posts)) as pool:
            for f in paced(args.alarm_posts, 5, time.monotonic(), post, pool):
                f.result()
    finally:
        stack.rabbitmqctl("set_vm_memory_high_watermark", "0.6")
    return answers


def report_html(path, recorder, figures):
    width, height, pad = 900, 320, 50
    posts = recorder.of("post")
    gets = recorder.of("get")
    samples = recorder.samples
    t_max = max([r[0] for r in recorder.rows] + [s[0] for s in samples] + [1])
    lat_max = max([r[2] for r in posts + gets] + [1])
    depth_max = max([s[3] for s in samples if s[3] == s[3]] + [1])

    def x(t):
        return pad + (width - 2 * pad) * t / t_max

    def y(v, top):
        return height - pad - (height - 2 * pad) * min(v, top) / top

    dots = "".join(f'<circle cx="{x(t):.1f}" cy="{y(ms, lat_max):.1f}" r="1.5" fill="{"#2563eb" if k == "post" else "#16a34a"}"/>'
                   for t, k, ms, _ in posts + gets)
    depth = " ".join(f"{x(t):.1f},{y(d, depth_max):.1f}" for t, _, _, d in samples if d == d)
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>" for k, v in figures.items())
    page = f"""<!doctype html><meta charset="utf-8"><title>Overload benchmark</title>
<style>body{{font:14px system-ui;margin:2em}}td{{padding:.2em 1em}}</style>
<h1>Overwhelming the service</h1>
<svg width="{width}" height="{height}" style="border:1px solid #ddd">
<text x="{pad}" y="20">request latency, ms (blue POST /jobs, green GET /jobs/id; top = {lat_max:.0f} ms) and resize.IN depth (orange; top = {depth_max:.0f})</text>
{dots}<polyline points="{depth}" fill="none" stroke="#ea580c" stroke-width="2"/>
<text x="{pad}" y="{height - 15}">0 s</text><text x="{width - pad - 30}" y="{height - 15}">{t_max:.0f} s</text></svg>
<table>{rows}</table>"""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(page)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2500)
    parser.add_argument("--images-per-job", type=int, default=40)
    parser.add_argument("--rate", type=float, default=200, help="POST /jobs per second offered")
    parser.add_argument("--get-rate", type=float, default=50, help="GET /jobs/{id} per second beside them")
    parser.add_argument("--connections", type=int, default=48, help="client connections (enough that the client never queues)")
    parser.add_argument("--alarm-posts", type=int, default=20)
    parser.add_argument("--worker-priority", choices=["idle", "normal"], default="idle",
                        help="IMAGERESIZE_WORKER_PRIORITY of the resize and store workers: idle (SCHED_IDLE) lets "
                             "the web go first on this one machine, as on Heroku where they are other dynos")
    parser.add_argument("--worker-nice", type=int, default=0, help="niceness of the resize and store workers")
    parser.add_argument("--queue-type", choices=["quorum", "classic"], default="quorum",
                        help="MSGFLO_QUEUE_TYPE of the stack (quorum: classic queues' confirms stall as the backlog grows)")
    parser.add_argument("--out", default=os.path.join(ROOT, "reports", "overload"))
    args = parser.parse_args()

    stack = Stack(extra_env={"LOG_LEVEL": "warning", "IMAGERESIZE_MAX_IMAGES": str(max(100, args.images_per_job)),
                             "MSGFLO_QUEUE_TYPE": args.queue_type, "IMAGERESIZE_WORKER_PRIORITY": args.worker_priority})
    stack.nice = {"resize": args.worker_nice, "store": args.worker_nice}
    try:
        stack.start()
        stack.wait_finished(stack.submit([{"url": stack.image_url("photo.png"), "width": 64}]), 60)  # warm-up
        recorder = Recorder(time.monotonic())
        stop = threading.Event()
        sampling = threading.Thread(target=sampler, args=(stack, recorder, stop), daemon=True)
        sampling.start()
        print(f"overload: {args.jobs} jobs x {args.images_per_job} images at {args.rate:.0f} jobs/s offered, "
              f"GET at {args.get_rate:.0f}/s, 1 resize worker ({args.worker_priority} priority, nice {args.worker_nice}), "
              f"{args.queue_type} queues", flush=True)
        cpu_before, wall_before = cpu_by_part(stack), time.monotonic()
        flood(stack, args, recorder)
        cpu_after, wall = cpu_by_part(stack), time.monotonic() - wall_before
        time.sleep(2)
        answers = alarm(stack, args, recorder)
        stop.set()
        sampling.join()
    finally:
        stack.stop()

    posts, gets = recorder.of("post"), recorder.of("get")
    post_ms = [r[2] for r in posts]
    get_ms = [r[2] for r in gets]
    refused = [r for r in posts if r[3] != 202]
    samples = recorder.samples
    publish_timeout_ms = 3000
    figures = {
        "jobs posted / images": f"{len(posts)} / {len(posts) * args.images_per_job}",
        "offered / achieved POST rate": f"{args.rate:.0f} / {len(posts) / max(r[0] for r in posts):.0f} per s" if posts else "-",
        "POST /jobs p50 / p99 / max ms (target p99 < 50)": f"{nearest_rank(post_ms, 50):.1f} / {nearest_rank(post_ms, 99):.1f} / {max(post_ms):.1f}",
        "GET /jobs/{id} p50 / p99 ms (target p99 < 20)": f"{nearest_rank(get_ms, 50):.1f} / {nearest_rank(get_ms, 99):.1f}" if get_ms else "-",
        "POSTs not answered 202 while the broker was healthy (target 0)": f"{len(refused)} {sorted({r[3] for r in refused})}",
        "resize.IN depth at the end of the flood": f"{max((s[3] for s in samples if s[3] == s[3]), default=0):.0f}",
        "web RSS first / peak MB": f"{samples[0][1]:.0f} / {max(s[1] for s in samples):.0f}" if samples else "-",
        "broker memory first / peak MB": f"{samples[0][2]:.0f} / {max(s[2] for s in samples if s[2] == s[2]):.0f}" if samples else "-",
        "memory alarm: answers": json.dumps(sorted({a[0] for a in answers})),
        "memory alarm: all 503 with Retry-After": str(all(a[0] == 503 and a[1] for a in answers)),
        f"memory alarm: slowest answer ms (publish timeout {publish_timeout_ms})": f"{max((a[2] for a in answers), default=0):.0f}",
    }
    used = {k: cpu_after[k] - cpu_before[k] for k in cpu_after}
    figures[f"CPU seconds during the flood ({2 * wall:.0f} core-seconds on 2 cores)"] = ", ".join(
        f"{k} {v:.1f}" for k, v in sorted(used.items(), key=lambda kv: -kv[1]))
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"  {key:{width}}  {value}")
    path = os.path.join(args.out, "overload.html")
    report_html(path, recorder, figures)
    with open(os.path.join(args.out, "requests.json"), "w") as f:
        json.dump({"requests": recorder.rows, "samples": recorder.samples}, f)
    print(f"report: {path}")


if __name__ == "__main__":
    main()
