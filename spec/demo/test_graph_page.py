"""The live graph page (/graph, served by `imageresize web` when
MSGFLO_RUNTIME_SECRET is set) in headless Chromium against the running stack:
the three roles appear online; after jobs are posted the resize -> store edge
shows a rate and the messages on it in its panel; removing the edge and
connecting it again from the page changes the broker's bindings (read through
the RabbitMQ management API). Leaves a screenshot in spec/demo/.artifacts/
(and at GRAPH_PAGE_SCREENSHOT when set: the README's docs/graph-page.png).

Needs the runtime's secret in IMAGERESIZE_TEST_RUNTIME_SECRET (spec/run sets
it for the local stack); a deployment without the runtime is skipped. The
binding checks need RABBITMQ_MANAGEMENT_URL (scripts/services env)."""
import json
import os
import pathlib
import shutil
import time
import urllib.parse

import pytest
import requests

from conftest import IMAGES, TARGET

from cdp import Chromium  # noqa: E402  (installs websocket-client when missing, see cdp.py)

ARTIFACTS = pathlib.Path(__file__).parent / ".artifacts"
SECRET = os.environ.get("IMAGERESIZE_TEST_RUNTIME_SECRET")
MANAGEMENT = os.environ.get("RABBITMQ_MANAGEMENT_URL")
EDGE = "resize.out>store.in"  # compared lower-cased: the graph file's port names keep their case


@pytest.fixture
def browser():
    chromium = Chromium(width=1400, height=760)
    yield chromium
    chromium.close()


@pytest.fixture
def page_url():
    if not SECRET:
        if requests.get(TARGET + "/graph", timeout=10).status_code == 404:
            pytest.skip("this deployment serves no FBP runtime (MSGFLO_RUNTIME_SECRET is unset there)")
        pytest.fail("the deployment serves /graph: set IMAGERESIZE_TEST_RUNTIME_SECRET to its MSGFLO_RUNTIME_SECRET")
    return f"{TARGET}/graph#secret={urllib.parse.quote(SECRET, safe='')}"


def management(path):
    parts = urllib.parse.urlsplit(MANAGEMENT)
    base = urllib.parse.urlunsplit((parts.scheme, parts.hostname + (f":{parts.port}" if parts.port else ""), "", "", ""))
    r = requests.get(base + path, auth=(parts.username or "guest", parts.password or "guest"), timeout=10)
    r.raise_for_status()
    return r.json()


def bound(exchange, queue):
    path = f"/api/bindings/%2F/e/{urllib.parse.quote(exchange, safe='')}/q/{urllib.parse.quote(queue, safe='')}"
    return len(management(path)) > 0


def eventually(check, timeout, what):
    deadline = time.time() + timeout
    value = None
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"{what} within {timeout} s (last: {value!r})")


EDGE_ELEMENT = f"[...document.querySelectorAll('g.edge')].find(g => g.dataset.edge.toLowerCase() === {json.dumps(EDGE)})"


def test_demo_page_links_to_the_graph_page(page_url):
    demo = requests.get(TARGET + "/", timeout=10)
    assert demo.status_code == 200
    assert '"graphPage":"\\/graph"' in demo.text.replace(" ", "") or '"graphPage":"/graph"' in demo.text.replace(" ", ""), \
        "the demo page's settings should name /graph when the runtime is mounted"


def test_page_shows_edits_and_watches_the_live_graph(browser, page_url, api):
    browser.navigate(page_url)
    assert browser.wait_for("document.body.dataset.state === 'connected'", timeout=30), \
        browser.evaluate("document.body.dataset.state + ': ' + document.getElementById('status').textContent")

    # The three roles, each with a live participant (discovery may take a moment after a start).
    roles = browser.wait_for(
        "(() => { const n = [...document.querySelectorAll('g.node.online')].map(g => g.dataset.node).sort();"
        " return ['resize', 'store', 'web'].every(r => n.includes(r)) && n; })()", timeout=45)
    assert roles, browser.evaluate("[...document.querySelectorAll('g.node')].map(g => g.dataset.node + ' ' + g.getAttribute('class'))")
    instances = browser.evaluate("document.querySelector('g.node[data-node=resize] .state').dataset.instances")
    assert int(instances) >= 1

    # Watch resize -> store, then post jobs until its panel shows messages and a rate.
    assert browser.wait_for(f"!!{EDGE_ELEMENT}", timeout=10), browser.evaluate(
        "[...document.querySelectorAll('g.edge')].map(g => g.dataset.edge)")
    browser.evaluate(f"{EDGE_ELEMENT}.dispatchEvent(new MouseEvent('click', {{bubbles: true}}))")
    assert browser.wait_for("!!document.getElementById('remove-edge')", timeout=10)
    deadline = time.time() + 40
    seen = None
    while time.time() < deadline:
        api.submit([{"url": IMAGES + "/photo.png", "width": 64}, {"url": IMAGES + "/photo.webp", "width": 64}])
        seen = browser.evaluate(
            "(() => { const rate = document.querySelector('#edge-panel dd[data-field=rate]');"
            " return {messages: document.querySelectorAll('#messages li').length,"
            " rate: rate ? parseFloat(rate.textContent) : null,"
            " label: " + EDGE_ELEMENT + ".textContent}; })()")
        if seen["messages"] >= 1 and (seen["rate"] or 0) > 0:
            break
        time.sleep(1)
    assert seen["messages"] >= 1, f"no message of the resize -> store edge reached its panel: {seen}"
    assert (seen["rate"] or 0) > 0, f"the edge shows no publish rate (management API): {seen}"
    assert "/s" in seen["label"], seen
    first = browser.evaluate("document.querySelector('#messages li').textContent")
    assert "job" in first.lower(), f"the panel should show a resize result message: {first}"

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "graph-page.png"
    browser.screenshot(str(shot))
    if os.environ.get("GRAPH_PAGE_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["GRAPH_PAGE_SCREENSHOT"])

    if not MANAGEMENT:
        return  # a deployment whose management API the spec cannot reach: the page parts above still ran
    exchange = browser.evaluate("document.querySelector('#edge-panel dd[data-field=exchange]').textContent")
    queue = browser.evaluate("document.querySelector('#edge-panel dd[data-field=queue]').textContent")
    assert bound(exchange, queue), f"before removing, {exchange} -> {queue} should be bound"
    try:
        browser.evaluate("document.getElementById('remove-edge').click()")
        eventually(lambda: not browser.evaluate(f"!!{EDGE_ELEMENT}"), 10, "the edge leaves the page")
        eventually(lambda: not bound(exchange, queue), 10, f"the binding {exchange} -> {queue} is removed")

        browser.evaluate(
            "(() => { const pick = (id, want) => { const s = document.getElementById(id);"
            " const o = [...s.options].find(o => { const v = JSON.parse(o.value); return (v.node + '.' + v.port).toLowerCase() === want; });"
            " s.value = o.value; };"
            " pick('connect-src', 'resize.out'); pick('connect-tgt', 'store.in');"
            " document.getElementById('connect-button').click(); })()")
        eventually(lambda: browser.evaluate(f"!!{EDGE_ELEMENT}"), 10, "the edge comes back on the page")
        eventually(lambda: bound(exchange, queue), 10, f"the binding {exchange} -> {queue} is made again")
    finally:
        if not bound(exchange, queue):  # leave the stack as it was for the other tests
            browser.evaluate(
                "(() => { const s = document.getElementById('connect-src'), t = document.getElementById('connect-tgt');"
                " s.value = JSON.stringify({node: 'resize', port: 'OUT'}); t.value = JSON.stringify({node: 'store', port: 'IN'});"
                " document.getElementById('connect-button').click(); })()")

    # Jobs still complete through the re-made edge.
    job = api.submit([{"url": IMAGES + "/photo.png", "width": 32}])
    done = api.wait(job["id"], 60)
    assert done["status"] == "completed", done
