"""Figures of benchmarks/guv/real: measured on the real stack, and the simulator's prediction beside them.

Usage: python3 benchmarks/guv/real_report.py REPORTS_DIR POLICY...
Reads reports/guv-real-POLICY/ (the load test's JSON, the formation's log with
every worker's "worker time" line, the guv config of the run) and runs
`guv simulate` on the arrivals the load test made (2 images per job).
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORKER_TIME = re.compile(r"alive_s=([\d.]+) .*busy_slot_s=([\d.]+) .*slots=(\d+)")
SIM_ROW = {"ours": "ours", "guv": "guv"}


def measured(run_dir, name):
    record = json.load(open(os.path.join(run_dir, f"{name}.json")))
    summary = record["summary"]
    alive = busy = capacity = 0.0
    workers = 0
    with open(os.path.join(run_dir, "logs", "formation.log"), errors="replace") as log:
        for line in log:
            if "worker time" not in line:
                continue
            match = WORKER_TIME.search(line)
            if not match:
                continue
            a, b, slots = float(match[1]), float(match[2]), int(match[3])
            alive += a
            busy += b
            capacity += a * slots
            workers += 1
    jobs = [j for j in record["jobs"] if j["status"] != "skipped"]
    return {
        "jobs": len(jobs),
        "late": summary["missed_percent"],
        "utilization": 100 * busy / capacity if capacity else float("nan"),
        "worker_seconds": alive,
        "workers_reporting": workers,
        "arrivals": sorted(t for j in jobs for t in [j["submitted_at"]] * max(1, len(j.get("images") or [0, 0]))),
    }


def simulated(run_dir, arrivals, policy):
    trace = os.path.join(run_dir, "arrivals.txt")
    with open(trace, "w") as f:
        f.write("# image arrivals (s) of the load test, for guv simulate\n")
        f.writelines(f"{t:.3f}\n" for t in arrivals)
    result = subprocess.run(
        [os.path.join(ROOT, ".build", "release", "guv"), "simulate", "--config-file", os.path.join(run_dir, "config.yaml"),
         "--trace", trace], capture_output=True, text=True, check=True)
    for line in result.stdout.splitlines():
        cells = line.split()
        if len(cells) == 8 and cells[0] == SIM_ROW[policy]:
            return {"late": float(cells[3]), "utilization": float(cells[2]), "worker_seconds": float(cells[4]),
                    "jobs": int(cells[1])}
    raise RuntimeError(f"no '{policy}' row in guv simulate's output:\n{result.stdout}")


def main():
    out, policies = sys.argv[1], sys.argv[2:]
    rows = []
    for policy in policies:
        name = f"guv-real-{policy}"
        run_dir = os.path.join(ROOT, "reports", name)
        m = measured(run_dir, name)
        s = simulated(run_dir, m["arrivals"], policy)
        rows.append((policy, m, s))
    print("guv on the real stack (local formation, demo images with a 1 s fetch delay), measured vs simulated")
    print(f"{'policy':7} {'jobs':>5} {'late %':>7} {'util %':>7} {'worker-s':>9} | {'sim late %':>10} {'sim util %':>10} "
          f"{'sim worker-s':>12} | {'util diff (points)':>18}")
    for policy, m, s in rows:
        print(f"{policy:7} {m['jobs']:5d} {m['late']:7.2f} {m['utilization']:7.1f} {m['worker_seconds']:9.0f} | "
              f"{s['late']:10.2f} {s['utilization']:10.1f} {s['worker_seconds']:12.0f} | "
              f"{m['utilization'] - s['utilization']:18.1f}")
    for policy, m, _ in rows:
        print(f"  {policy}: {m['workers_reporting']} workers reported their time")
    json.dump([{"policy": p, "measured": {k: v for k, v in m.items() if k != "arrivals"}, "simulated": s} for p, m, s in rows],
              open(os.path.join(out, "summary.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
