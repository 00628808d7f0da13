"""The demo page at / in headless Chromium: it starts a small load by itself
(?autostart=1), every job appears as a row and completes, and the worker tile
shows what /demo/state says. Leaves a screenshot in spec/demo/.artifacts/."""
import pathlib
import time
import urllib.parse

import pytest
import requests

from conftest import IMAGES, TARGET, TOKEN

from cdp import Chromium  # noqa: E402  (installs websocket-client when missing, see cdp.py)

ARTIFACTS = pathlib.Path(__file__).parent / ".artifacts"


@pytest.fixture
def browser():
    chromium = Chromium()
    yield chromium
    chromium.close()


def demo_state(until_workers=True, patience=30):
    """/demo/state; RabbitMQ refreshes its statistics every 5 s, so a stack that
    just started may show 0 consumers for a few seconds: wait for a worker."""
    deadline = time.time() + patience
    while True:
        state = requests.get(TARGET + "/demo/state", timeout=10).json()
        if not until_workers or state["management"] != "ok" or (state["workers"] or 0) >= 1 or time.time() > deadline:
            return state
        time.sleep(1)


def test_demo_state_answers_even_without_management_api():
    state = demo_state()
    assert set(state) >= {"workers", "queue", "queue_name", "management"}
    if state["management"] == "ok":
        assert state["workers"] >= 1, "a resize worker should be consuming resize.IN"
    else:
        assert state["workers"] is None and state["queue"] is None


def test_page_runs_a_load_and_draws_every_job(browser):
    urls = ",".join([IMAGES + "/photo.png", IMAGES + "/photo.webp"])
    # A deployment with IMAGERESIZE_API_TOKEN (Heroku generates one) needs the
    # token for POSTs; the page takes it from the fragment, as a user would.
    fragment = "#token=" + urllib.parse.quote(TOKEN, safe="") if TOKEN else ""
    browser.navigate(f"{TARGET}/?autostart=1&rate=120&count=3&images=2&width=300&deadline=30&urls={urls}{fragment}")
    finished = browser.wait_for("Number(document.body.dataset.finished) >= 3 && document.body.dataset.finished", timeout=120)
    rows = browser.evaluate(
        "Array.from(document.querySelectorAll('#jobs .job')).map(r => ({status: r.dataset.status, cls: r.className, title: r.title}))")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.wait_for("document.getElementById('workers').textContent !== '?' || true", timeout=5)
    browser.screenshot(str(ARTIFACTS / "demo-page.png"))
    assert finished == "3", f"jobs finished in the page: {finished}; rows: {rows}"
    assert len(rows) == 3, rows
    assert [r["status"] for r in rows] == ["completed"] * 3, rows
    assert all(("completed" in r["cls"].split()) or ("late" in r["cls"].split()) for r in rows), rows
    assert browser.evaluate("document.getElementById('sent').textContent") == "3"
    state = demo_state()
    if state["management"] == "ok":
        shown = browser.wait_for("/^[1-9][0-9]*$/.test(document.getElementById('workers').textContent) && document.getElementById('workers').textContent", 15)
        assert shown, "the page should show the worker count that /demo/state gives"
        assert int(shown) >= 1
