"""Jobs complete with the right sizes and formats; failures carry the right codes."""
import time
import uuid

import pytest

from imagesize import has_exif, image_size


def expect_inside(src_w, src_h, w=None, h=None):
    scale = min(w / src_w if w else float("inf"), h / src_h if h else float("inf"))
    return round(src_w * scale), round(src_h * scale)


def close(a, b):
    return abs(a[0] - b[0]) <= 1 and abs(a[1] - b[1]) <= 1


def test_every_image_of_a_set_completes(api, images):
    requested = [
        ({"url": f"{images}/big.jpg", "width": 300}, ("jpeg", expect_inside(5120, 2880, w=300))),
        ({"url": f"{images}/big.jpg", "width": 200, "height": 200, "fit": "cover", "format": "webp"}, ("webp", (200, 200))),
        ({"url": f"{images}/big.jpg", "width": 64, "height": 48, "fit": "fill", "format": "png"}, ("png", (64, 48))),
        ({"url": f"{images}/photo.png", "height": 100, "format": "png"}, ("png", expect_inside(1600, 900, h=100))),
        ({"url": f"{images}/photo.webp", "width": 320, "height": 320, "format": "jpeg", "quality": 60},
         ("jpeg", expect_inside(1200, 675, w=320, h=320))),
    ]
    job = api.submit([spec for spec, _ in requested])
    assert uuid.UUID(job["id"])
    assert len(job["images"]) == len(requested)
    done = api.wait(job["id"])
    assert done["id"] == job["id"] == job["id"].lower()
    assert [i["id"] for i in done["images"]] == [i["id"] for i in job["images"]]
    assert done["status"] == "completed", done
    assert done["completed_at"] and not done.get("failed_at")
    for image, (_, (fmt, size)) in zip(done["images"], requested):
        assert image["status"] == "completed", image
        for key in ("created_at", "started_at", "completed_at"):
            assert image[key], (key, image)
        r = api.get(image["result"]["url"])
        assert r.status_code == 200
        got_fmt, w, h = image_size(r.content)
        assert got_fmt == fmt
        assert r.headers["Content-Type"] == f"image/{fmt}"
        assert close((w, h), size), (image, (w, h), size)
        assert (image["result"]["width"], image["result"]["height"]) == (w, h)
        assert not has_exif(r.content)
        assert r.headers.get("ETag")
        again = api.get(image["result"]["url"], headers={"If-None-Match": r.headers["ETag"]})
        assert again.status_code == 304


@pytest.mark.parametrize("name,code", [
    ("missing.jpg", "http_status"),
    ("truncated.jpg", None),
    ("not-an-image.jpg", "not_an_image"),
    ("huge.png", "too_many_pixels"),
])
def test_per_image_failures_carry_codes(api, images, name, code):
    job = api.submit([{"url": f"{images}/{name}", "width": 100}, {"url": f"{images}/big.jpg", "width": 50}])
    done = api.wait(job["id"])
    assert done["status"] == "partial", done
    failed, ok = done["images"]
    assert ok["status"] == "completed"
    assert failed["status"] == "failed" and failed["failed_at"]
    if code:
        assert failed["error"]["code"] == code, failed
    else:
        assert failed["error"]["code"] in ("decode_failed", "not_an_image"), failed
    assert failed["error"]["message"]


def test_forbidden_destination_is_refused(api):
    job = api.submit([{"url": "http://169.254.169.254/latest/meta-data", "width": 10}])
    done = api.wait(job["id"])
    assert done["status"] == "failed"
    assert done["failed_at"]
    assert done["images"][0]["error"]["code"] == "forbidden_address"


def test_long_poll_returns_when_done_and_when_time_is_up(api, images):
    job = api.submit([{"url": f"{images}/big.jpg", "width": 120}])
    start = time.monotonic()
    quick = api.get(f"/jobs/{job['id']}?wait=0")
    assert quick.status_code == 200 and time.monotonic() - start < 5
    done = api.wait(job["id"], 60)
    assert done["status"] == "completed"
    assert done["duration_ms"] >= 0
    r = api.get(f"/jobs/{job['id']}?wait=abc")
    assert r.status_code == 422


def test_original_api_still_works(api, images):
    r = api.post("/resize", json={"images": [{"input": f"{images}/big.jpg", "width": 100, "height": 100, "format": "jpeg"}]})
    assert r.status_code == 202
    location = r.headers["Location"]
    assert location.startswith("/job/")
    deadline = time.monotonic() + 60
    while True:
        g = api.get(location)
        assert g.status_code in (200, 201)
        if g.status_code == 200:
            break
        assert time.monotonic() < deadline
        time.sleep(0.3)
    body = g.json()
    assert body["images"][0]["completed_at"]


def test_jobs_listing_and_stats(api, images):
    job = api.submit([{"url": f"{images}/big.jpg", "width": 40}])
    api.wait(job["id"])
    listing = api.get("/jobs?status=completed&limit=5").json()
    assert len(listing["jobs"]) <= 5
    assert all(j["status"] == "completed" for j in listing["jobs"])
    assert api.get("/jobs?limit=0").status_code == 422
    stats = api.get("/stats?window=3600").json()
    assert stats["jobs"]["completed"] >= 1
    assert "p95" in stats["processing_ms"] and "p95" in stats["waiting_ms"]


def test_health_and_metrics(api):
    health = api.get("/health")
    assert health.status_code == 200
    assert health.json()["broker"] == "ok" and health.json()["database"] == "ok"
    metrics = api.get("/metrics")
    assert metrics.status_code == 200
    assert "imageresize_http_requests_total" in metrics.text
