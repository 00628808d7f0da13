"""Every environment variable the code reads is declared in app.json or
documented in the README; every variable app.json declares is read by
something."""
import re

import source_scan
from heroku_files import app_json, ROOT

# String literals that name an environment variable: UPPER_CASE with at least
# one underscore, plus the one-word names the code reads.
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+_?$")
ONE_WORD = {"PORT", "DYNO"}
ENV_READ = re.compile(r"environment|getenv|ProcessInfo")
# Read by something other than our code.
NOT_OUR_CODE = {
    "SWIFT_BUILD_CONFIGURATION": "the Swift buildpack",
    "MALLOC_ARENA_MAX": "glibc's allocator",
}


def variables_read():
    names = {}
    for path in source_scan.source_files(".swift"):
        code, strings = source_scan.split_code(path.read_text(encoding="utf-8"))
        # Only files that read the environment at all: elsewhere an
        # UPPER_CASE literal is a protocol name (AMQP's NO_ROUTE), not a variable.
        if not ENV_READ.search(code):
            continue
        for literal in strings:
            if ENV_NAME.match(literal) or literal in ONE_WORD:
                names.setdefault(literal, set()).add(str(path.relative_to(ROOT)))
    return names


def test_the_scan_finds_variables():
    found = variables_read()
    assert {"DATABASE_URL", "IMAGERESIZE_API_TOKEN", "IMAGERESIZE_DB_CONNECTION_BUDGET", "SSL_CERT_FILE", "PORT"} <= set(found)


def test_every_variable_read_is_declared_or_documented():
    declared = set(app_json()["env"])
    readme = (ROOT / "README.md").read_text()
    undocumented = {name: sorted(files) for name, files in variables_read().items()
                    if name not in declared and not re.search(r"(?<![A-Z0-9_])" + re.escape(name) + r"(?![A-Z0-9_])", readme)}
    assert not undocumented, f"read by the code but neither in app.json's env nor in README.md: {undocumented}"


def test_every_declared_variable_is_read():
    unread = set(app_json()["env"]) - set(variables_read()) - set(NOT_OUR_CODE)
    assert not unread, f"declared in app.json but read by nothing: {sorted(unread)}"
