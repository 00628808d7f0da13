"""Every bad input gets a clear JSON error and creates nothing."""
import uuid

import pytest


def error_of(r, status, code=None):
    assert r.status_code == status, r.text
    body = r.json()["error"]
    assert body["message"]
    if code:
        assert body["code"] == code
    return body


def test_bad_json(api):
    error_of(api.post("/jobs", data=b"{not json", headers={"Content-Type": "application/json"}), 400, "bad_json")


def test_wrong_content_type(api):
    error_of(api.post("/jobs", data=b"images=1", headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)


@pytest.mark.parametrize("body,field", [
    ({}, "images"),
    ({"images": []}, "images"),
    ({"images": [{"width": 10}]}, "images[0].url"),
    ({"images": [{"url": "ftp://x/y", "width": 10}]}, "images[0].url"),
    ({"images": [{"url": "http://x/y"}]}, "images[0].width"),
    ({"images": [{"url": "http://x/y", "width": -1}]}, "images[0].width"),
    ({"images": [{"url": "http://x/y", "width": 10, "fit": "bogus"}]}, "images[0].fit"),
    ({"images": [{"url": "http://x/y", "width": 10, "format": "bmp"}]}, "images[0].format"),
    ({"images": [{"url": "http://x/y", "width": 10, "quality": 500}]}, "images[0].quality"),
])
def test_validation_errors_name_the_field(api, body, field):
    before = api.get("/stats?window=86400").json()["jobs"]["total"]
    error = error_of(api.post("/jobs", json=body), 422, "invalid_request")
    assert field in [d["field"] for d in error["details"]]
    assert api.get("/stats?window=86400").json()["jobs"]["total"] == before


def test_too_many_images(api):
    error_of(api.post("/jobs", json={"images": [{"url": "http://x/y", "width": 1}] * 5000}), 413)


def test_body_too_large(api):
    r = api.post("/jobs", data=b"{" + b" " * (8 << 20) + b"}", headers={"Content-Type": "application/json"})
    error_of(r, 413)


def test_unknown_job_is_404(api):
    error_of(api.get(f"/jobs/{uuid.uuid4()}"), 404, "not_found")
    error_of(api.get("/jobs/not-a-uuid"), 404, "not_found")
    error_of(api.get(f"/jobs/{uuid.uuid4()}/images/{uuid.uuid4()}"), 404, "not_found")
    assert api.get(f"/job/{uuid.uuid4()}").status_code == 404


def test_wrong_method_is_405(api):
    r = api.request("DELETE", "/jobs")
    error_of(r, 405, "method_not_allowed")
    assert "POST" in r.headers["Allow"]


def test_unknown_path_is_404(api):
    error_of(api.get("/no/such/path"), 404, "not_found")
