"""Black-box spec of the image-resize service.

Runs against IMAGERESIZE_TEST_TARGET (a base URL). Images come from
IMAGERESIZE_TEST_IMAGES (a base URL the service can fetch; spec/run serves
spec/.fixtures there). IMAGERESIZE_TEST_TOKEN is sent as a bearer token when set.
"""
import os

import pytest
import requests

TARGET = os.environ.get("IMAGERESIZE_TEST_TARGET", "http://localhost:8080").rstrip("/")
IMAGES = os.environ.get("IMAGERESIZE_TEST_IMAGES", "http://localhost:8089").rstrip("/")
TOKEN = os.environ.get("IMAGERESIZE_TEST_TOKEN")


class Client:
    def __init__(self):
        self.session = requests.Session()
        if TOKEN:
            self.session.headers["Authorization"] = f"Bearer {TOKEN}"

    def url(self, path):
        return path if path.startswith("http") else TARGET + path

    def get(self, path, **kw):
        return self.session.get(self.url(path), timeout=kw.pop("timeout", 90), **kw)

    def post(self, path, **kw):
        return self.session.post(self.url(path), timeout=kw.pop("timeout", 30), **kw)

    def request(self, method, path, **kw):
        return self.session.request(method, self.url(path), timeout=30, **kw)

    def submit(self, images):
        r = self.post("/jobs", json={"images": images})
        assert r.status_code == 202, r.text
        return r.json()

    def wait(self, job_id, seconds=60):
        r = self.get(f"/jobs/{job_id}?wait={seconds}")
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture(scope="session")
def api():
    return Client()


@pytest.fixture(scope="session")
def images():
    return IMAGES
