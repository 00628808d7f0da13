"""The Heroku deployment files, parsed for the deploy checks."""
import json
import re

import source_scan

ROOT = source_scan.ROOT


def app_json():
    return json.loads((ROOT / "app.json").read_text())


def procfile():
    """{process type: command}"""
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, command = line.partition(":")
            entries[name.strip()] = command.strip()
    return entries


def env_value(name, default=None):
    entry = app_json()["env"].get(name)
    return entry.get("value", default) if isinstance(entry, dict) else default


def simple_yaml_numbers(path):
    """{role: {key: value}} for the flat two-level YAML of a guv config (no YAML library needed)."""
    roles, role = {}, None
    for line in (ROOT / path).read_text().splitlines():
        line = line.split("#", 1)[0].rstrip()
        if not line:
            continue
        if not line.startswith(" "):
            role = line.rstrip(":").strip("'\"")
            roles[role] = {}
        else:
            key, _, value = line.strip().partition(":")
            roles[role][key.strip()] = value.strip()
    return roles
