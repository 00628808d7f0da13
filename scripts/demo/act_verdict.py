#!/usr/bin/env python3
"""The closing paragraph of a demo act, from the measured numbers in the load
test's JSON record (imageresize loadtest --out ... --name ...).

    act_verdict.py kill REPORT.json --kill-ms EPOCH_MS --restart-ms EPOCH_MS
    act_verdict.py overwhelm REPORT.json --workers N
    act_verdict.py autoscale REPORT.json [--compare OTHER_REPORT.json]

Pure functions of the record (act_paragraph), so they are tested with tables
(spec/demo/test_act_verdict.py). Exit status 0 when the act showed what it
set out to show, 1 otherwise."""
import argparse
import json
import sys


def seconds(value):
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:.0f} s"
    if value >= 10:
        return f"{value:.1f} s"
    return f"{value:.2f} s"


def jobs_were(n):
    return f"{n} job was" if n == 1 else f"{n} jobs were"


def series(record, name):
    for s in record.get("series", []):
        if s["name"] == name:
            return s["points"]
    return []


def arrival_rate(jobs):
    """Jobs per minute over the arrival window (the first to the last submission),
    which is what was offered; the summary's offered rate spreads the arrivals over
    the whole run, drain included."""
    times = [j["submitted_at"] for j in jobs if j["status"] != "skipped"]
    if len(times) < 2 or max(times) <= 0:
        return None, None
    return len(times) / max(times) * 60, max(times)


def offered(record):
    rate, window = arrival_rate(record["jobs"])
    s = record["summary"]
    if rate is None:
        return f"{s['submitted']} jobs were offered"
    return f"{s['submitted']} jobs arrived at {rate:.1f} jobs per minute over {seconds(window)}"


def latency_trend(jobs):
    """Mean latency of the first and the last third of completed jobs, in submission order."""
    done = sorted((j for j in jobs if j["status"] == "completed" and j.get("latency") is not None),
                  key=lambda j: j["submitted_at"])
    if len(done) < 3:
        return None, None
    third = len(done) // 3
    mean = lambda js: sum(j["latency"] for j in js) / len(js)  # noqa: E731
    return mean(done[:third]), mean(done[-third:])


def kill_paragraph(record, kill_ms, restart_ms):
    s = record["summary"]
    start_ms = record["started_at_ms"]
    kill_t, restart_t = (kill_ms - start_ms) / 1000, (restart_ms - start_ms) / 1000
    jobs = [j for j in record["jobs"] if j["status"] != "skipped"]
    lost = [j for j in jobs if j["status"] != "completed"]
    in_flight_at_kill = [j for j in jobs if j["submitted_at"] <= kill_t and (j.get("completed_at") or 1e18) > kill_t]
    waiting = [j for j in jobs if j["submitted_at"] < restart_t and (j.get("completed_at") or 1e18) > restart_t]
    after = sorted(j["completed_at"] for j in jobs if j["status"] == "completed" and j["completed_at"] > restart_t)
    during = [j for j in jobs if j["status"] == "completed" and kill_t < j["completed_at"] <= restart_t]
    queue_peak = max((p["value"] for p in series(record, "resize.IN")), default=None)
    parts = [f"The resize worker was killed with SIGKILL at {seconds(kill_t)} into the load and restarted at {seconds(restart_t)} "
             f"({seconds(restart_t - kill_t)} without a worker)."]
    parts.append(f"{jobs_were(len(in_flight_at_kill))} in flight when it died and {len(waiting)} waiting when it came back"
                 + (f"; the queue peaked at {queue_peak:.0f} messages" if queue_peak is not None else "") + ".")
    if after:
        parts.append(f"Processing resumed {seconds(after[0] - restart_t)} after the restart: {len(after)} jobs completed after it, "
                     f"{len(during)} while no worker ran.")
    else:
        parts.append("No job completed after the restart: processing did not resume.")
    if not lost:
        parts.append(f"Nothing was lost: all {len(jobs)} submitted jobs completed (0 failed, 0 timed out); "
                     f"the messages the dead worker held were delivered again.")
    else:
        kinds = {}
        for j in lost:
            kinds[j.get("error_kind") or j["status"]] = kinds.get(j.get("error_kind") or j["status"], 0) + 1
        parts.append(f"{len(lost)} of {len(jobs)} jobs did not complete ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}).")
    parts.append(f"Latency p95 {seconds(s['latency']['p95'])}, max {seconds(s['latency']['max'])} against the {seconds(s['deadline'])} deadline.")
    shown = not lost and bool(after) and len(jobs) > 0
    return " ".join(parts), shown


def overwhelm_paragraph(record, workers):
    s = record["summary"]
    first, last = latency_trend(record["jobs"])
    queue_peak = max((p["value"] for p in series(record, "resize.IN")), default=None)
    parts = [f"With {workers} resize worker{'s' if workers != 1 else ''} fixed, {offered(record)}; "
             f"the service completed {s['throughput_per_minute']:.1f} per minute over the {seconds(s['duration'])} run."]
    if first is not None:
        parts.append(f"Latency grew from {seconds(first)} (mean of the first third of jobs) to {seconds(last)} (the last third); "
                     f"p95 {seconds(s['latency']['p95'])}, max {seconds(s['latency']['max'])}, against a deadline of {seconds(s['deadline'])}.")
    if queue_peak is not None:
        parts.append(f"The queue peaked at {queue_peak:.0f} messages.")
    missed = s["deadline_misses"]
    parts.append(f"{missed} of {s['submitted']} jobs ({s['missed_percent']:.1f}%) missed the deadline.")
    overwhelmed = s["latency"]["p95"] is not None and s["latency"]["p95"] > s["deadline"]
    parts.append("The service was overwhelmed: latency went past the deadline." if overwhelmed else
                 "The service kept up: this load was not above its capacity; raise DEMO_RATE.")
    return " ".join(parts), overwhelmed


def autoscale_paragraph(record, compare=None, percentile=99):
    s = record["summary"]
    workers = [p["value"] for p in series(record, "workers")]
    parts = [f"With guv scaling the resize workers, {offered(record)}; "
             f"the service completed {s['throughput_per_minute']:.1f} per minute over the {seconds(s['duration'])} run."]
    if workers:
        parts.append(f"Workers went from {workers[0]:.0f} to at most {max(workers):.0f} (ending at {workers[-1]:.0f}).")
    parts.append(f"Latency p95 {seconds(s['latency']['p95'])}, p99 {seconds(s['latency']['p99'])}, max {seconds(s['latency']['max'])} "
                 f"against the {seconds(s['deadline'])} deadline; {s['deadline_misses']} of {s['submitted']} jobs "
                 f"({s['missed_percent']:.1f}%) missed it.")
    if compare:
        c = compare["summary"]
        parts.append(f"Under the same load with one fixed worker (act 2) p95 was {seconds(c['latency']['p95'])} and "
                     f"{c['missed_percent']:.1f}% missed the deadline.")
    held = s["submitted"] > 0 and s["missed_percent"] <= 100 - percentile + 1e-9
    parts.append(f"The deadline held: at least {percentile:g}% of jobs finished within {seconds(s['deadline'])}." if held else
                 f"The deadline did not hold: fewer than {percentile:g}% of jobs finished within {seconds(s['deadline'])}.")
    return " ".join(parts), held


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("act", choices=["kill", "overwhelm", "autoscale"])
    parser.add_argument("report")
    parser.add_argument("--kill-ms", type=int)
    parser.add_argument("--restart-ms", type=int)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--compare")
    parser.add_argument("--percentile", type=float, default=99)
    args = parser.parse_args(argv)
    with open(args.report) as f:
        record = json.load(f)
    if args.act == "kill":
        text, shown = kill_paragraph(record, args.kill_ms, args.restart_ms)
    elif args.act == "overwhelm":
        text, shown = overwhelm_paragraph(record, args.workers)
    else:
        compare = None
        if args.compare:
            try:
                with open(args.compare) as f:
                    compare = json.load(f)
            except OSError:
                compare = None
        text, shown = autoscale_paragraph(record, compare, args.percentile)
    print(text)
    return 0 if shown else 1


if __name__ == "__main__":
    sys.exit(main())
