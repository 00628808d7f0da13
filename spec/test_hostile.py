"""One request must never take the service down (issue 11).

Every route and parameter is driven with extreme and malformed values, the
HTTP framing with malformed requests, the workers with image bombs; each
answer is a 4xx (or the documented answer for a value that is in range after
all) and the service stays healthy. Safe against any deployment: nothing
here creates a job except the bomb and redaction jobs, which fail or finish
like any other.
"""
import json
import socket
import ssl
import time
import urllib.parse
import uuid

import pytest

from conftest import IMAGES, TARGET, TOKEN

HOSTILE = [
    "9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551616",
    "1e308", "-1e308", "1e309", "4.9e-324", "NaN", "nan", "inf", "-inf", "Infinity", "-0", "-0.0", "0x10", "0b1",
    "", " ", " 1", "1 ", "1,5", "1_000", "+1", "--1", "\uff11", "\u0663", "\x00", "1\x00", "\x001", "\ufffd", "\u202e1",
    "%", "%%", "%zz", "9" * 10000, "a" * 10000,
    "00000000-0000-0000-0000-000000000000_9223372036854775807", "9223372036854775807_00000000-0000-0000-0000-000000000000",
    "2026-01-01T00:00:00Z_x", "99999-01-01T00:00:00Z", "-2026-01-01T00:00:00Z", "2026-02-30T25:61:61Z",
]

# Values a parameter accepts after all (clamped to its range, or in it).
ACCEPTED = {
    "wait": {"9223372036854775807", "9223372036854775808", "18446744073709551616", "1e308", "4.9e-324", "-0", "-0.0", "+1"},
    "window": {"+1"},
    "limit": {"+1"},
}

JSON_VALUES = [
    "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1e308", "-1e308", "1e309", "-1e309",
    "4.9e-324", "-0", "-0.0", "0.5", "1.0000000000000002", "NaN", "Infinity", "-Infinity", "0x10", "9" * 5000,
    "1" + "0" * 400, "1e-400", '""', '"\\u0000"', '"1"', '"' + "a" * 5000 + '"', "null", "true", "[]", "{}", "[1]", '{"a":1}',
]


def q(value):
    return urllib.parse.quote(value, safe="")


def assert_refused(r, what, accepted=False):
    if accepted and 200 <= r.status_code < 300:
        return
    assert 400 <= r.status_code < 500, f"{what}: {r.status_code} {r.text[:300]}"
    body = r.json()
    assert body["error"]["code"] and body["error"]["message"], f"{what}: {r.text[:300]}"


def assert_healthy(api):
    r = api.get("/health", timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "ok"


def test_the_cursor_that_took_the_web_process_down(api):
    r = api.get("/jobs?cursor=9223372036854775807_00000000-0000-0000-0000-000000000000")
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "cursor"
    assert_healthy(api)


@pytest.mark.parametrize("name", ["status", "since", "limit", "cursor"])
def test_listing_parameters(api, name):
    for value in HOSTILE:
        r = api.get(f"/jobs?{name}={q(value)}")
        ok = value in ACCEPTED.get(name, set())
        assert_refused(r, f"{name}={value[:40]!r}", accepted=ok)
        if r.status_code == 414:
            assert len(value) > 4000  # the request line is longer than the server reads
        elif not ok:
            assert r.status_code == 422 and [d["field"] for d in r.json()["error"]["details"]] == [name]
    assert_healthy(api)


def test_wait_and_window(api):
    job = uuid.uuid4()  # no such job: an accepted wait answers 404 at once, a refused one 422
    for value in HOSTILE:
        wait = api.get(f"/jobs/{job}?wait={q(value)}")
        expected = 414 if len(value) > 4000 else 404 if value in ACCEPTED["wait"] else 422
        assert wait.status_code == expected, f"wait={value[:40]!r}: {wait.text[:200]}"
        window = api.get(f"/stats?window={q(value)}")
        assert_refused(window, f"window={value[:40]!r}", accepted=value in ACCEPTED["window"])
    assert_healthy(api)


@pytest.mark.parametrize("pattern", ["/jobs/{}", "/jobs/{}?wait=1", "/jobs/00000000-0000-0000-0000-000000000000/images/{}",
                                     "/jobs/{}/images/{}", "/job/{}"])
def test_ids_in_paths(api, pattern):
    for value in HOSTILE:
        if not value:
            continue
        target = pattern.replace("{}", q(value))
        r = api.get(target)
        assert r.status_code in (400, 404, 405, 414), f"{target[:80]}: {r.status_code}"
    assert_healthy(api)


@pytest.mark.parametrize("route", ["/jobs", "/resize"])
@pytest.mark.parametrize("field", ["width", "height", "quality", "url", "input", "fit", "format", "policy"])
def test_json_fields_of_an_image(api, route, field):
    for value in JSON_VALUES:
        if field == "height" and value == "null":
            continue  # a null height beside a width is no height: valid, and would create a job
        image = [] if field in ("url", "input") else ['"url":"http://img.example/a.jpg"']
        if field != "width":
            image.append('"width":100')
        image.append(f'"{field}":{value}')
        body = '{"images":[{' + ",".join(image) + "}]}"
        r = api.post(route, data=body.encode(), headers={"Content-Type": "application/json"})
        assert_refused(r, f"{route} {field}={value[:40]}")
    assert_healthy(api)


def test_json_bodies_of_every_shape(api):
    deep = "[" * 100_000 + "]" * 100_000
    bodies = [v.encode() for v in JSON_VALUES] + [
        deep.encode(), ('{"images":' + deep + "}").encode(), b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b'{"images":[1e309]}', b'{"images":null}', b'{"images":{}}', b'{"images":[[]]}', b"\x00", b"{\x00}",
        b'{"images":[{"url":"http://img.example/a.jpg","width":100}]', b"\xef\xbb\xbf{}", b"\xff\xfe{}",
    ]
    for route in ("/jobs", "/resize"):
        for body in bodies:
            r = api.post(route, data=body, headers={"Content-Type": "application/json"})
            assert_refused(r, f"{route} body {body[:40]!r}")
    assert_healthy(api)


def test_hostile_headers(api):
    for value in ["x" * 7000, "\u00ff" * 100, "Bearer " + "9" * 5000, "application/json; charset=" + "a" * 5000]:
        r = api.post("/jobs", data=b"{}", headers={"Content-Type": value.encode("latin-1")})
        assert 400 <= r.status_code < 500, r.status_code
        r = api.get(f"/jobs/{uuid.uuid4()}/images/{uuid.uuid4()}", headers={"If-None-Match": value.encode("latin-1")})
        assert 400 <= r.status_code < 500, r.status_code
    assert_healthy(api)


def raw_exchange(request, read_timeout=10):
    """Sends raw bytes to the service and returns the status line ('' when it closed without answering)."""
    url = urllib.parse.urlsplit(TARGET)
    port = url.port or (443 if url.scheme == "https" else 80)
    sock = socket.create_connection((url.hostname, port), timeout=read_timeout)
    if url.scheme == "https":
        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=url.hostname)
    try:
        sock.sendall(request.replace(b"HOST", url.netloc.encode()))
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.split(b"\r\n", 1)[0].decode("latin-1")
    except (ConnectionResetError, BrokenPipeError):
        return ""
    finally:
        sock.close()


@pytest.mark.parametrize("request_bytes", [
    b"GARBAGE\r\n\r\n",
    b"GET /health HTTP/9.9\r\nHost: HOST\r\n\r\n",
    b"GET " + b"/" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: HOST\r\n\r\n",
    b"GET /jobs/%00 HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n",
    b"GET /jobs/\xff\xfe HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: HOST\r\nX: " + b"y" * 100_000 + b"\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: HOST\r\nno colon here\r\n\r\n",
    b"POST /jobs HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}",
    b"POST /jobs HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{}",
    b"POST /jobs HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/json\r\nContent-Length: 1e3\r\n\r\n{}",
    b"POST /jobs HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    b"POST /jobs HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n{}\r\n0\r\n\r\n",
    b"POST /jobs HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
])
def test_malformed_http_is_a_4xx_or_a_closed_connection(api, request_bytes):
    status = raw_exchange(request_bytes)
    # A proxy in front (Heroku's router) may answer for the service. 505 is the
    # answer HTTP defines for a version the server does not speak.
    code = status.split(" ")[1] if status else ""
    assert status == "" or code.startswith("4") or (code == "505" and b"HTTP/9.9" in request_bytes), status
    assert_healthy(api)


def test_image_bombs_fail_with_a_code_and_the_workers_survive(api, images):
    job = api.submit([
        {"url": f"{images}/interlaced16.png", "width": 300},
        {"url": f"{images}/bands64.tif", "width": 4096, "height": 4096, "fit": "fill"},
        {"url": f"{images}/frames10000.gif", "width": 100},
        {"url": f"{images}/big.jpg", "width": 50},
    ])
    done = api.wait(job["id"], 120)
    assert done["status"] == "partial", done
    png, tiff, gif, photo = done["images"]
    assert png["status"] == "failed" and png["error"]["code"] == "too_many_pixels", png
    # TIFF is refused unless a deployment allows it; allowed, its 64 bands are.
    assert tiff["status"] == "failed" and tiff["error"]["code"] in ("not_an_image", "unsupported_image"), tiff
    assert gif["status"] == "completed", gif
    assert photo["status"] == "completed", photo
    # The workers are still there: a new job completes.
    again = api.wait(api.submit([{"url": f"{images}/big.jpg", "width": 60}])["id"], 120)
    assert again["status"] == "completed", again
    assert_healthy(api)


def test_credentials_in_source_urls_are_never_shown(api, images):
    base = urllib.parse.urlsplit(images)
    secret_url = f"{base.scheme}://alice:pa55word@{base.netloc}{base.path}/big.jpg?sig=s3cr3tsig&w=1"
    job = api.submit([{"url": secret_url, "width": 40}])
    done = api.wait(job["id"])
    for text in (json.dumps(job), json.dumps(done), api.get(f"/job/{job['id']}").text,
                 api.get("/jobs?limit=20").text):
        for secret in ("alice", "pa55word", "s3cr3tsig"):
            assert secret not in text, text[:300]
    assert "REDACTED@" in done["images"][0]["url"] and "sig=REDACTED" in done["images"][0]["url"]


def test_health_reveals_no_database_or_broker_details(api):
    text = api.get("/health").text
    for detail in ("postgres://", "amqp://", "user=", "host=", "password", "@"):
        assert detail not in text, text


@pytest.mark.skipif(not TOKEN, reason="the deployment has no IMAGERESIZE_API_TOKEN (set IMAGERESIZE_TEST_TOKEN)")
@pytest.mark.parametrize("method,path", [("GET", "/jobs"), ("GET", f"/jobs/{uuid.uuid4()}"), ("GET", "/stats"),
                                         ("GET", f"/job/{uuid.uuid4()}"), ("POST", "/jobs"), ("POST", "/resize")])
def test_reads_need_the_token_when_one_is_set(method, path):
    import requests
    r = requests.request(method, TARGET + path, json={}, timeout=30)
    assert r.status_code == 401, r.text
    assert requests.get(TARGET + "/health", timeout=30).status_code == 200


def test_the_original_api_takes_any_operation(api, images):
    r = api.post("/resize", json={"images": [{"input": f"{images}/big.jpg", "width": 30, "operation": "rotate"}]})
    assert r.status_code == 202, r.text
    assert r.headers["Location"].startswith("/job/")


def test_the_service_is_healthy_after_all(api):
    time.sleep(1)
    assert_healthy(api)
