"""Broker unreachable when a job is posted: 503 within the publish timeout, no job left behind."""
import requests

from batch import photo_batch
from stack import eventually

PUBLISH_TIMEOUT = 3  # IMAGERESIZE_PUBLISH_TIMEOUT of the stack's web process
SLACK = 7  # database insert, delete and a loaded machine


def counts(stack):
    [[jobs, images]] = stack.sql("SELECT (SELECT count(*) FROM jobs), (SELECT count(*) FROM images)")
    return int(jobs), int(images)


def test_post_while_broker_is_down_answers_503_and_keeps_no_job(stack):
    before = counts(stack)
    stack.services("stop", "rabbitmq")
    try:
        # A hang past the publish timeout fails here (read timeout).
        r = requests.post(stack.url("/jobs"), json={"images": photo_batch(stack, 3)}, timeout=PUBLISH_TIMEOUT + SLACK)
        assert r.status_code == 503, (r.status_code, r.text)
        assert r.json()["error"]["code"], r.text
        assert counts(stack) == before, "a job that was never published is still in the database"
    finally:
        stack.services("start", "rabbitmq")

    def accepted():
        r = requests.post(stack.url("/jobs"), json={"images": photo_batch(stack, 3, width=120)}, timeout=PUBLISH_TIMEOUT + SLACK)
        assert r.status_code in (202, 503), (r.status_code, r.text)
        return r.json()["id"] if r.status_code == 202 else None
    job_id = eventually("POST /jobs to be accepted again after the broker came back", accepted, 90, interval=1)
    assert stack.wait_finished(job_id, 120)["status"] == "completed"
