"""RabbitMQ blocks publishers mid-batch (a memory alarm): consumers keep
getting messages but results cannot be sent. No image may be dead-lettered or
marked failed for it; the batch completes once the alarm clears."""
import time

from batch import assert_every_image_completed_once, assert_nothing_dead_lettered, photo_batch
from stack import eventually

COUNT = 100


def test_batch_survives_a_broker_memory_alarm(stack):
    processes = {name: p.pid for name, p in stack.processes.items() if p.alive()}
    job_id = stack.submit(photo_batch(stack, COUNT, width=200))
    assert stack.completed_so_far(job_id) < COUNT, "the batch finished before the alarm; use a larger batch"
    stack.rabbitmqctl("set_vm_memory_high_watermark", "0.000001")
    try:
        time.sleep(8)  # longer than the publish timeout (3 s): sends of results time out meanwhile
    finally:
        stack.rabbitmqctl("set_vm_memory_high_watermark", "0.6")

    stack.wait_finished(job_id, 240)
    assert_every_image_completed_once(stack, job_id, COUNT)
    assert {name: p.pid for name, p in stack.processes.items() if p.alive()} == processes, stack.logs()
    assert_nothing_dead_lettered(stack)
