#!/usr/bin/env python3
"""WAITERS concurrent long-polls on one web process (driven by ./run)."""
import argparse
import asyncio
import json
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "spec", "reliability"))
sys.path.insert(0, os.path.join(ROOT, "spec"))
from stack import Stack, eventually  # noqa: E402


def nearest_rank(values, percent):
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * percent // 100) - 1)] if ordered else float("nan")


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


async def long_poll(port, path, answered, failures):
    """One raw HTTP/1.1 request; records when its answer arrived and its job status."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout=120)
        writer.close()
        head, _, body = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        job = json.loads(body) if status == 200 else {}
        answered.append((time.time(), status, job.get("status"), job.get("id")))
    except (OSError, ValueError, IndexError, asyncio.TimeoutError) as error:
        failures.append(repr(error))


async def flood(stack, args, job_ids):
    port = stack.web_port
    answered, failures = [], []
    tasks = []
    for i in range(args.waiters):
        path = f"/jobs/{job_ids[i % len(job_ids)]}?wait=60"
        tasks.append(asyncio.create_task(long_poll(port, path, answered, failures)))
        if i % 500 == 499:
            await asyncio.sleep(0.05)  # open connections at a pace the accept queue takes
    web = stack.live("web")[0].pid
    await asyncio.sleep(3)
    waiting = {"fds": open_fds(web), "rss_mb": status_kb(web, "VmRSS") / 1024, "answered_early": len(answered)}
    started = time.time()
    stack.start_process("resize")
    await asyncio.gather(*tasks)
    return answered, failures, waiting, started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--waiters", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=100)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < args.waiters + 100:
        sys.exit(f"waiters: this shell's open files hard limit ({hard}) is below {args.waiters} connections")

    stack = Stack(extra_env={"LOG_LEVEL": "warning", "IMAGERESIZE_MAX_WAIT": "60"})
    try:
        stack.start()
        for worker in stack.live("resize"):
            worker.stop()
        web = stack.live("web")[0].pid
        before = {"fds": open_fds(web), "rss_mb": status_kb(web, "VmRSS") / 1024}
        image = stack.image_url("photo.png")
        job_ids = [stack.submit([{"url": image, "width": 32}]) for _ in range(args.jobs)]
        print(f"waiters: {args.waiters} long-polls on {args.jobs} pending jobs, one web process; "
              f"then one resize worker starts", flush=True)
        answered, failures, waiting, started = asyncio.run(flood(stack, args, job_ids))
        connections = stack.sql("select count(*) from pg_stat_activity where datname = 'imageresize'")
        listens = stack.sql("select count(*) from pg_stat_activity where query ilike 'listen%'")
        peak_rss = status_kb(web, "VmHWM") / 1024
        finished_at = {row[0]: float(row[1]) for row in stack.sql(
            "select id, extract(epoch from coalesce(completed_at, failed_at)) from jobs where coalesce(completed_at, failed_at) is not null")}
    finally:
        stack.stop()

    completed = [a for a in answered if a[1] == 200 and a[2] == "completed"]
    after = [(a[0] - started) * 1000 for a in completed]
    lag = [(a[0] - finished_at[a[3]]) * 1000 for a in completed if a[3] in finished_at]
    print(f"  answered with the finished job       {len(completed)} / {args.waiters}"
          f"  (other answers: {len(answered) - len(completed)}, failed connections: {len(failures)})")
    print(f"  answered before any job finished     {waiting['answered_early']}")
    print(f"  answer after the worker started ms   p50 {nearest_rank(after, 50):.0f}, p99 {nearest_rank(after, 99):.0f}, "
          f"max {max(after, default=float('nan')):.0f}")
    print(f"  answer after its job finished ms     p50 {nearest_rank(lag, 50):.0f}, p99 {nearest_rank(lag, 99):.0f}, "
          f"max {max(lag, default=float('nan')):.0f}  ({len(lag)} matched to the database's finish time)")
    print(f"  web file descriptors idle / waiting  {before['fds']} / {waiting['fds']}")
    print(f"  web RSS idle / waiting / peak MB     {before['rss_mb']:.0f} / {waiting['rss_mb']:.0f} / {peak_rss:.0f}")
    print(f"  PostgreSQL connections (all / LISTEN) {connections[0][0]} / {listens[0][0]}")
    if failures:
        print(f"  first failures: {failures[:3]}")


if __name__ == "__main__":
    main()
