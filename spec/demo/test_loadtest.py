"""`imageresize loadtest` against the deployment under test: a short real load
whose JSON record and HTML report are checked.

The executable is IMAGERESIZE_BIN, else the worktree's newest build
(SPEC_BUILD_CONFIG, else release or debug), else `imageresize` on PATH. Queue samples come from
RABBITMQ_MANAGEMENT_URL (or MSGFLO_TEST_MANAGEMENT_URL) when it answers."""
import json
import os
import pathlib
import re
import shutil
import subprocess

import requests

from conftest import IMAGES, TARGET

ROOT = pathlib.Path(__file__).resolve().parents[2]


def executable():
    if os.environ.get("IMAGERESIZE_BIN"):
        return os.environ["IMAGERESIZE_BIN"]
    configurations = [os.environ["SPEC_BUILD_CONFIG"]] if os.environ.get("SPEC_BUILD_CONFIG") else ["release", "debug"]
    built = [ROOT / ".build" / c / "imageresize" for c in configurations]
    built = [b for b in built if b.exists()]
    if built:
        return str(max(built, key=lambda b: b.stat().st_mtime))  # the freshest build
    found = shutil.which("imageresize")
    assert found, "build the imageresize executable (swift build --product imageresize) or set IMAGERESIZE_BIN"
    return found


def management_url():
    return os.environ.get("RABBITMQ_MANAGEMENT_URL") or os.environ.get("MSGFLO_TEST_MANAGEMENT_URL") or "http://guest:guest@localhost:15672"


def management_answers(url):
    match = re.match(r"(https?://)(?:([^:@/]+):([^@/]*)@)?(.*)", url)
    scheme, user, password, rest = match.groups()
    try:
        return requests.get(f"{scheme}{rest.rstrip('/')}/api/overview", auth=(user or "guest", password or "guest"), timeout=5).ok
    except requests.RequestException:
        return False


def test_a_short_load_completes_and_writes_its_report(tmp_path):
    management = management_url()
    command = [executable(), "loadtest", "--target", TARGET, "--count", "5", "--profile", "poisson:120",
               "--image", IMAGES + "/photo.png", "--image", IMAGES + "/photo.webp", "--images-per-job", "2",
               "--width", "300", "--deadline", "60", "--seed", "7", "--sample-interval", "1",
               "--management-url", management, "--out", str(tmp_path), "--name", "spec", "--quiet"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "5 of 5 jobs completed" in run.stdout, run.stdout

    record = json.loads((tmp_path / "spec.json").read_text())
    assert record["profile"] == "poisson:120"
    assert record["summary"]["submitted"] == 5
    assert record["summary"]["completed"] == 5, record["summary"]
    assert [job["status"] for job in record["jobs"]] == ["completed"] * 5
    assert all(job["completed_at"] >= job["submitted_at"] for job in record["jobs"])

    html = (tmp_path / "spec.html").read_text()
    for chart in ("latency", "in-flight", "throughput"):
        assert f'id="{chart}"' in html, chart
    assert html.count('class="job met"') + html.count('class="job missed"') == 5
    if management_answers(management):
        names = {series["name"] for series in record["series"]}
        assert names == {"resize.IN", "workers"}, names
        workers = [point["value"] for series in record["series"] if series["name"] == "workers" for point in series["points"]]
        assert workers and max(workers) >= 1, workers
        assert 'id="series-0"' in html and 'class="series sampled"' in html


def test_images_dir_is_served_for_the_run_and_stopped_after(tmp_path):
    """--images-dir serves the folder on a loopback port for the run, says which
    IMAGERESIZE_ALLOW_HOSTS the service needs, and stops the server at the end
    (the target here refuses connections, so every job fails fast)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = tmp_path / "images"
    (folder / "nested").mkdir(parents=True)
    (folder / "a.jpg").write_bytes(b"\xff\xd8not really")
    (folder / "nested" / "b c.png").write_bytes(b"\x89PNG")
    (folder / "notes.txt").write_text("not an image")
    command = [executable(), "loadtest", "--target", "http://127.0.0.1:1", "--count", "2", "--profile", "poisson:600",
               "--images-dir", str(folder), "--images-port", str(port), "--management-url", "http://127.0.0.1:1",
               "--out", str(tmp_path), "--name", "dir", "--quiet"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"serving 2 images of {folder} on http://localhost:{port}" in run.stderr
    assert f"IMAGERESIZE_ALLOW_HOSTS=localhost:{port}" in run.stderr
    record = json.loads((tmp_path / "dir.json").read_text())
    images = {url for job in record["jobs"] for url in job["images"]}
    assert images <= {f"http://localhost:{port}/a.jpg", f"http://localhost:{port}/nested/b%20c.png"}, images
    assert record["summary"]["errors_by_kind"] == {"connection": 2}
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "the image server outlived the run"
