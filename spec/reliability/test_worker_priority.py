"""IMAGERESIZE_WORKER_PRIORITY=idle: every thread of a resize worker runs in
SCHED_IDLE (also those started after it switched), and it still does its work."""
import os

from batch import photo_batch
from stack import Process, eventually

SCHED_IDLE = 5


def thread_policies(pid):
    """Scheduling policy of each thread: field 41 of /proc/PID/task/TID/stat."""
    policies = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread ended meanwhile
        policies[int(tid)] = int(fields[41 - 3])
    return policies


def test_an_idle_priority_worker_runs_every_thread_in_sched_idle_and_resizes(stack):
    [normal] = stack.live("resize")
    normal.stop()
    env = stack.env()
    env["IMAGERESIZE_WORKER_PRIORITY"] = "idle"
    name = "resize-idle"
    worker = Process(name, [os.path.join(stack.bin_dir, "imageresize"), "resize", "--role", "resize"], env,
                     os.path.join(stack.dir, f"{name}.log"))
    stack.processes[name] = worker
    try:
        eventually("the worker to say it runs at idle priority", lambda: "SCHED_IDLE" in worker.tail(), 30)
        job_id = stack.submit(photo_batch(stack, 4, width=100))
        stack.wait_finished(job_id, 120)
        assert stack.job(job_id)["status"] == "completed", stack.logs()
        policies = thread_policies(worker.pid)
        assert len(policies) > 3, policies  # the pools and libvips' threads exist by now
        assert set(policies.values()) == {SCHED_IDLE}, policies
    finally:
        worker.stop()
        stack.start_process("resize")
