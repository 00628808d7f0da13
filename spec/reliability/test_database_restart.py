"""PostgreSQL restarted mid-batch: results wait for it, none is lost or counted twice."""
import time

from batch import assert_every_image_completed_once, assert_nothing_dead_lettered, photo_batch
from stack import eventually

COUNT = 100


def test_batch_survives_a_database_restart(stack):
    processes = {name: p.pid for name, p in stack.processes.items() if p.alive()}
    job_id = stack.submit(photo_batch(stack, COUNT, width=200))
    eventually("the first images to be stored", lambda: stack.completed_so_far(job_id) >= 3, 120)

    assert stack.completed_so_far(job_id) < COUNT, "the batch finished before the database stopped; use a larger batch"
    stack.services("stop", "postgres")
    try:
        time.sleep(3)  # results pile up while the database is away
    finally:
        stack.services("start", "postgres")

    stack.wait_finished(job_id, 240)
    assert_every_image_completed_once(stack, job_id, COUNT)
    assert {name: p.pid for name, p in stack.processes.items() if p.alive()} == processes, stack.logs()
    again = stack.submit(photo_batch(stack, 2, width=100))
    assert stack.wait_finished(again, 120)["status"] == "completed"
    assert_nothing_dead_lettered(stack)
