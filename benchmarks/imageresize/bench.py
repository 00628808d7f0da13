#!/usr/bin/env python3
"""Images per second, end to end, of the image-resize service against the
libvips limit and thumbor, on the same real photos. Driven by ./run.

ours:    POST jobs (200 images, 100 per job) to a private stack (own RabbitMQ,
         PostgreSQL, web, store and RESIZE_WORKERS resize processes, release
         build), clock stopped when the last result is stored (long-poll).
limit:   libvips_limit.c: the same thumbnails in one process, files in memory,
         on as many threads as the machine has cores for the workers.
pruned:  the same with a resize worker's own code path (`imageresize thumbnail`:
         progressive JPEGs decoded from the scans a 1/8-scale load needs, the
         worker's allocator settings), so "ours / pruned limit" is the share of
         what the resize code could do that the whole stack delivers.
thumbor: THUMBOR_PROCESSES thumbor servers fetching the same files from the same
         static server, /unsafe/<W>x0/<url>, CLIENTS requests in flight.
"""
import argparse
import concurrent.futures
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "spec", "reliability"))
sys.path.insert(0, os.path.join(ROOT, "spec"))
from batch import large_photos  # noqa: E402
from imagesize import image_size  # noqa: E402
from stack import FIXTURES, Stack, eventually, free_port, port_open  # noqa: E402


def nearest_rank(ordered, percent):
    """The p-th percentile of an increasing list by nearest rank, the service's one
    definition (Primitives.Percentiles, /stats): the value at rank ceil(p/100 * n)."""
    return ordered[max(0, -(-len(ordered) * percent // 100) - 1)]


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def vm_hwm_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid):
    """User + system CPU seconds a live process used so far (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def children(pid):
    """Live processes whose parent is pid (PostgreSQL backends, RabbitMQ helpers)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return found


def photo_paths():
    return [os.path.join(FIXTURES, "photos", p) for p in large_photos()]


def stack_cpu(stack):
    """CPU seconds so far of each part of a private stack (spec/reliability's Stack)."""
    services = os.path.join(stack.dir, "services")
    parts = {role: sum(cpu_seconds(p.pid) for p in stack.live(role)) for role in ("resize", "store", "web")}
    with open(os.path.join(services, "rabbitmq", "pid")) as f:
        beam = int(f.read().split()[0])
    parts["rabbitmq"] = cpu_seconds(beam) + sum(cpu_seconds(c) for c in children(beam))
    with open(os.path.join(services, "postgres", "data", "postmaster.pid")) as f:
        postmaster = int(f.readline())
    parts["postgres"] = cpu_seconds(postmaster) + sum(cpu_seconds(c) for c in children(postmaster))
    parts["image server"] = cpu_seconds(stack.fixture_server.pid)
    return parts


# ---------------------------------------------------------------------------- ours
class Ours:
    """A private stack with RESIZE_WORKERS resize processes; measure() posts the batch and waits for the last result."""

    def __init__(self, args):
        self.args = args
        self.stack = Stack(extra_env={"IMAGERESIZE_RESIZE_CONCURRENCY": str(args.resize_concurrency),
                                      "IMAGERESIZE_MAX_IMAGES": "100", "LOG_LEVEL": "warning"})
        self.session = requests.Session()

    def __enter__(self):
        try:
            self.stack.start()
            for _ in range(self.args.resize_workers - 1):
                self.stack.start_process("resize")
            photos = large_photos()
            self.batch = [{"url": self.stack.image_url(f"photos/{photos[i % len(photos)]}"), "width": self.args.width}
                          for i in range(self.args.count)]
            # Warm-up: every worker connected, page cache and libvips warm.
            self.wait(self.stack.submit(self.batch[:len(photos)]))
        except BaseException:
            self.stack.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stack.stop()

    def measure(self):
        count = self.args.count
        cpu_before = self.cpu()
        start = time.monotonic()
        ids = []
        for i in range(0, count, 100):
            r = self.session.post(self.stack.url("/jobs"), json={"images": self.batch[i:i + 100]}, timeout=60)
            assert r.status_code == 202, r.text
            ids.append(r.json()["id"])
        jobs = [self.wait(job_id) for job_id in ids]
        elapsed = time.monotonic() - start
        cpu_after = self.cpu()
        images = [image for job in jobs for image in job["images"]]
        done = sum(1 for image in images if image["status"] == "completed")
        assert done == count, f"only {done} of {count} images completed"
        widths = {image["result"]["width"] for image in images}
        assert widths == {self.args.width}, widths
        processing = sorted(image["processing_ms"] for image in images)
        waiting = sorted(image["waiting_ms"] for image in images)
        cpu = {k: cpu_after[k] - cpu_before[k] for k in cpu_after}
        return {"rate": count / elapsed, "seconds": elapsed, "cpu_per_image": sum(cpu.values()) / count,
                "processing_p50": nearest_rank(processing, 50), "processing_p90": nearest_rank(processing, 90),
                "waiting_max": waiting[-1], "cpu": cpu}

    def rss(self):
        return [vm_hwm_mb(p.pid) for p in self.stack.live("resize")]

    def cpu(self):
        """CPU seconds so far of each part of the stack: where the time of a run goes."""
        return stack_cpu(self.stack)

    def wait(self, job_id):
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            r = self.session.get(self.stack.url(f"/jobs/{job_id}?wait=60"), timeout=90)
            if r.status_code == 200 and r.json()["status"] != "pending":
                return r.json()
        raise AssertionError(f"job {job_id} did not finish")


# ---------------------------------------------------------------------------- limit
class Limit:
    def __init__(self, args):
        self.args = args

    def measure(self):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = subprocess.run([self.args.limit_binary, str(self.args.width), str(self.args.limit_threads),
                                 str(self.args.count), *photo_paths()], capture_output=True, text=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        images, seconds = result.stdout.split()
        return {"rate": int(images) / float(seconds), "seconds": float(seconds), "cpu_per_image": cpu / int(images)}


class PrunedLimit:
    """`imageresize thumbnail`: the worker's Thumbnailer (with pruning) on files in memory."""

    def __init__(self, args):
        self.args = args
        self.binary = os.path.join(os.environ["IMAGERESIZE_BIN_DIR"], "imageresize")

    def measure(self):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = subprocess.run([self.binary, "thumbnail", "--width", str(self.args.width), "--threads", str(self.args.limit_threads),
                                 "--count", str(self.args.count), "--json", *photo_paths()],
                                capture_output=True, text=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        report = json.loads(result.stdout.strip().splitlines()[-1])
        return {"rate": report["images"] / report["seconds"], "seconds": report["seconds"], "cpu_per_image": cpu / report["images"]}


# ---------------------------------------------------------------------------- thumbor
THUMBOR_CONF = """
LOADER = 'thumbor.loaders.http_loader'
STORAGE = 'thumbor.storages.no_storage'
RESULT_STORAGE = 'thumbor.result_storages.no_storage'
ALLOW_UNSAFE_URL = True
QUALITY = 80
MAX_AGE = 0
HTTP_LOADER_CONNECT_TIMEOUT = 10
HTTP_LOADER_REQUEST_TIMEOUT = 60
"""


class Thumbor:
    """THUMBOR_PROCESSES thumbor servers and a static file server; measure() fetches the batch with CLIENTS in flight."""

    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="thumbor-bench-")
        self.servers = []
        self.static = None
        self.local = threading.local()

    def __enter__(self):
        try:
            conf = os.path.join(self.work, "thumbor.conf")
            with open(conf, "w") as f:
                f.write(THUMBOR_CONF)
            images_port = free_port()
            self.static = subprocess.Popen([sys.executable, "-m", "http.server", str(images_port), "--bind", "127.0.0.1"],
                                           cwd=FIXTURES, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            ports = [free_port() for _ in range(self.args.thumbor_processes)]
            for p in ports:
                log = open(os.path.join(self.work, f"thumbor-{p}.log"), "w")
                self.servers.append(subprocess.Popen(
                    [self.args.thumbor, "--port", str(p), "--ip", "127.0.0.1", "--conf", conf, "-l", "error"],
                    stdout=log, stderr=subprocess.STDOUT))
            for p in ports:
                eventually(f"thumbor on {p}", lambda p=p: requests.get(f"http://127.0.0.1:{p}/healthcheck", timeout=2).ok, 60)
            eventually("the static server", lambda: port_open(images_port), 20)
            photos = large_photos()
            self.urls = [f"http://127.0.0.1:{ports[i % len(ports)]}/unsafe/{self.args.width}x0/"
                         f"localhost:{images_port}/photos/{photos[i % len(photos)]}" for i in range(self.args.count)]
            self.pool = concurrent.futures.ThreadPoolExecutor(self.args.clients)
            list(self.pool.map(self.fetch, self.urls[:len(photos)]))  # warm-up
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        if hasattr(self, "pool"):
            self.pool.shutdown()
        for s in self.servers:
            s.terminate()
            s.wait(timeout=10)
        if self.static:
            self.static.terminate()
            self.static.wait(timeout=10)
        shutil.rmtree(self.work, ignore_errors=True)

    def fetch(self, url):
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        r = self.local.session.get(url, timeout=120)
        assert r.status_code == 200, (url, r.status_code, r.text[:200])
        fmt, width, _ = image_size(r.content)
        assert fmt == "jpeg" and width == self.args.width, (url, fmt, width)

    def cpu(self):
        return sum(cpu_seconds(s.pid) for s in self.servers) + cpu_seconds(self.static.pid)

    def measure(self):
        cpu_before = self.cpu()
        start = time.monotonic()
        list(self.pool.map(self.fetch, self.urls))
        elapsed = time.monotonic() - start
        return {"rate": self.args.count / elapsed, "seconds": elapsed,
                "cpu_per_image": (self.cpu() - cpu_before) / self.args.count}

    def rss(self):
        return [vm_hwm_mb(s.pid) for s in self.servers]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--width", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs of the three; the best of each is compared")
    parser.add_argument("--resize-workers", type=int, default=2)
    parser.add_argument("--resize-concurrency", type=int, default=1)
    parser.add_argument("--limit-threads", type=int, default=2)
    parser.add_argument("--limit-binary", required=True)
    parser.add_argument("--thumbor", required=True)
    parser.add_argument("--thumbor-processes", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    load_before = loadavg()
    print(f"photos: {args.count} requests over {len(large_photos())} JPEGs (2560x1600 to 5120x2880), "
          f"{args.width} px wide JPEG Q80; {args.rounds} alternating rounds, best of each; "
          f"load average before: {load_before}", flush=True)
    results = {"limit": [], "pruned": [], "ours": [], "thumbor": []}
    with Ours(args) as ours, Thumbor(args) as thumbor:
        contenders = {"limit": Limit(args), "pruned": PrunedLimit(args), "ours": ours, "thumbor": thumbor}
        for round_ in range(args.rounds):
            for name, contender in contenders.items():
                results[name].append(contender.measure())
            print(f"  round {round_ + 1}: " + ", ".join(f"{n} {r[-1]['rate']:.1f}/s" for n, r in results.items())
                  + f"  (load {loadavg()})", flush=True)
        ours_rss, thumbor_rss = ours.rss(), thumbor.rss()
    best = {name: max(runs, key=lambda r: r["rate"]) for name, runs in results.items()}

    def row(label, name):
        runs = " ".join(f"{r['rate']:.1f}" for r in results[name])
        cpu_ms = min(r["cpu_per_image"] for r in results[name]) * 1000
        print(f"{label:44}{best[name]['rate']:10.1f}{best[name]['seconds']:10.2f}{cpu_ms:12.0f}   [{runs}]")

    print()
    print(f"{'':44}{'images/s':>10}{'seconds':>10}{'CPU ms/img':>12}   [images/s of every round]")
    row(f"libvips, 1 process, {args.limit_threads} threads (limit)", "limit")
    row(f"imageresize thumbnail, {args.limit_threads} threads (pruned)", "pruned")
    row(f"ours, {args.resize_workers} resize workers x {args.resize_concurrency}", "ours")
    row(f"thumbor, {args.thumbor_processes} processes, {args.clients} clients", "thumbor")
    print()
    print(f"ours / limit    {best['ours']['rate'] / best['limit']['rate']:.2f}   (target >= 0.85)")
    print(f"ours / pruned   {best['ours']['rate'] / best['pruned']['rate']:.2f}   (the same resize code alone; target >= 0.92)")
    print(f"ours / thumbor  {best['ours']['rate'] / best['thumbor']['rate']:.2f}   (target > 1)")
    cpu = {name: min(r["cpu_per_image"] for r in runs) for name, runs in results.items()}
    print(f"by CPU time per image, which the other load on the machine disturbs less: "
          f"ours / limit {cpu['limit'] / cpu['ours']:.2f}, ours / pruned {cpu['pruned'] / cpu['ours']:.2f}, ours / thumbor {cpu['thumbor'] / cpu['ours']:.2f}")
    print(f"peak RSS (VmHWM) of resize workers: {', '.join(f'{m:.0f} MB' for m in ours_rss)}   (target < 200 MB)")
    print(f"peak RSS (VmHWM) of thumbor processes: {', '.join(f'{m:.0f} MB' for m in thumbor_rss)}")
    o = best["ours"]
    print(f"ours, best round: per-image download+resize p50 {o['processing_p50']} ms, p90 {o['processing_p90']} ms; "
          f"longest queue wait {o['waiting_max']} ms")
    total = sum(o["cpu"].values())
    print(f"ours, best round: CPU seconds by part (of {2 * o['seconds']:.1f} core-seconds of wall time on 2 cores): "
          + ", ".join(f"{k} {v:.1f} ({100 * v / total:.0f}%)" for k, v in sorted(o["cpu"].items(), key=lambda kv: -kv[1])))
    print(f"load average before: {load_before}, after: {loadavg()} (2 cores, shared with other builds)")


if __name__ == "__main__":
    main()
