"""A resize worker SIGKILLed mid-batch: a new one finishes the batch, every image exactly once."""
from batch import assert_every_image_completed_once, assert_nothing_dead_lettered, photo_batch
from stack import eventually

COUNT = 100


def test_sigkilled_resize_worker_loses_nothing_and_doubles_nothing(stack):
    job_id = stack.submit(photo_batch(stack, COUNT, width=200))
    eventually("the first images to be stored", lambda: stack.completed_so_far(job_id) >= 3, 120)

    [worker] = stack.live("resize")
    worker.kill()
    resized_before_kill = sum(1 for line in worker.tail(100000).splitlines() if "image resized" in line and job_id in line)
    # The kill must land mid-batch, or this test proves nothing.
    assert resized_before_kill < COUNT, "the worker resized the whole batch before it was killed; use a larger batch"

    successor = stack.start_process("resize")
    stack.wait_finished(job_id, 240)
    resized_after_kill = sum(1 for line in successor.tail(100000).splitlines() if "image resized" in line and job_id in line)
    assert resized_after_kill > 0, "the new worker made none of the batch"
    assert resized_before_kill + resized_after_kill >= COUNT
    assert_every_image_completed_once(stack, job_id, COUNT)
    assert_nothing_dead_lettered(stack)
