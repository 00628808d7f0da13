"""Batches of real photos and the checks every reliability test makes on them."""
import os

from stack import FIXTURES, Stack, eventually


def large_photos():
    """The fixture photos of 2560x1600 pixels and more (up to 5120x2880)."""
    def pixels(name):
        w, h = name.rsplit("-", 1)[1].split(".")[0].split("x")
        return int(w) * int(h)
    return sorted(p for p in os.listdir(os.path.join(FIXTURES, "photos")) if pixels(p) >= 2560 * 1600)


def photo_batch(stack: Stack, count, width=200):
    """`count` resize requests cycling through the large fixture photos: slow enough to break things mid-batch."""
    photos = large_photos()
    return [{"url": stack.image_url(f"photos/{photos[i % len(photos)]}?n={i}"), "width": width} for i in range(count)]


def assert_every_image_completed_once(stack: Stack, job_id, count):
    """Through the API and straight in PostgreSQL: every image made, recorded once, stored once."""
    job = stack.job(job_id)
    assert job is not None, f"GET /jobs/{job_id} failed"
    assert len(job["images"]) == count
    failed = [i for i in job["images"] if i["status"] != "completed"]
    assert not failed, f"{len(failed)} of {count} images not completed, e.g. {failed[:2]}"
    assert job["status"] == "completed", job["status"]
    assert all(i["result"] and i["result"]["width"] > 0 for i in job["images"])

    [row] = stack.sql(f"""
        SELECT j.image_count, j.images_completed, j.images_failed, j.completed_at IS NOT NULL, j.failed_at IS NULL,
               (SELECT count(*) FROM images i WHERE i.job_id = j.id),
               (SELECT count(*) FROM images i WHERE i.job_id = j.id AND i.completed_at IS NOT NULL
                    AND i.failed_at IS NULL AND i.storage_key = i.id::text AND i.out_bytes > 0),
               (SELECT count(*) FROM image_blobs b JOIN images i ON b.key = i.id::text WHERE i.job_id = j.id)
        FROM jobs j WHERE j.id = '{job_id}'""")
    image_count, completed, failed_count, closed, not_failed, rows, results, blobs = row
    assert int(image_count) == count
    # A redelivered image counted twice would push this past `count`.
    assert int(completed) == count, f"jobs.images_completed = {completed}, expected {count}"
    assert int(failed_count) == 0
    assert closed == "t" and not_failed == "t", "job completed_at not set (or failed_at set)"
    assert int(rows) == count
    assert int(results) == count, f"{results} of {count} image rows carry one stored result"
    assert int(blobs) == count, f"{blobs} stored thumbnails for {count} images"


def assert_nothing_dead_lettered(stack: Stack):
    """No message was rejected to a dead-letter queue, and the work queues drained."""
    def drained():
        queues = stack.queues()
        # `fbp` holds discovery messages, read by no one in this stack.
        busy = {name: q.get("messages", 0) for name, q in queues.items() if q.get("messages", 0) and name != "fbp"}
        return queues if not busy else None
    queues = eventually("every queue to drain (management stats lag up to 5 s)", drained, 30, interval=1)
    assert any(name.startswith("resize") for name in queues), sorted(queues)
