"""RabbitMQ restarted mid-batch: the processes reconnect by themselves and lose nothing."""
import time

from batch import assert_every_image_completed_once, assert_nothing_dead_lettered, photo_batch
from stack import eventually

COUNT = 100


def test_batch_survives_a_broker_restart(stack):
    processes = {name: p.pid for name, p in stack.processes.items() if p.alive()}
    job_id = stack.submit(photo_batch(stack, COUNT, width=200))
    eventually("the first images to be stored", lambda: stack.completed_so_far(job_id) >= 3, 120)

    stack.services("stop", "rabbitmq")
    try:
        assert stack.completed_so_far(job_id) < COUNT, "the batch finished before the broker stopped; use a larger batch"
        time.sleep(2)  # a real outage, not a blip: every process notices it
    finally:
        stack.services("start", "rabbitmq")

    stack.wait_finished(job_id, 240)
    assert_every_image_completed_once(stack, job_id, COUNT)
    # Nobody restarted anything: the same processes recovered on their own.
    assert {name: p.pid for name, p in stack.processes.items() if p.alive()} == processes, stack.logs()
    # The web process publishes again after the outage.
    again = stack.submit(photo_batch(stack, 2, width=100))
    assert stack.wait_finished(again, 120)["status"] == "completed"
    assert_nothing_dead_lettered(stack)
