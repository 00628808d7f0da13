"""app.json against the app.json schema's rules (devcenter.heroku.com/articles/app-json-schema
and the JSON schema Heroku ships with its MCP server), and against what this
service needs to build, run and autoscale on Heroku."""
import re

import pytest

from heroku_files import app_json, env_value, procfile, simple_yaml_numbers, ROOT

TOP_LEVEL = {"name", "description", "keywords", "website", "repository", "logo", "success_url", "scripts", "env",
             "formation", "image", "addons", "buildpacks", "environments", "stack"}
STACKS = {"heroku-20", "heroku-22", "heroku-24"}
ENV_KEYS = {"description", "value", "required", "generator"}
SCRIPTS = {"postdeploy", "pr-predestroy"}
# Dyno sizes by tier. Eco and Basic run one dyno per process type and cannot
# be mixed with the professional tiers (devcenter: dyno-types, scaling).
TIERS = {"eco": {"eco"}, "basic": {"basic"},
         "professional": {"standard-1x", "standard-2x", "performance-m", "performance-l", "performance-l-ram",
                          "performance-xl", "performance-2xl"},
         "private": {"private-s", "private-m", "private-l"}, "shield": {"shield-s", "shield-m", "shield-l"}}
SIZES = {size: tier for tier, sizes in TIERS.items() for size in sizes}
REGISTRY_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*$")


def test_only_schema_keys():
    assert set(app_json()) <= TOP_LEVEL, set(app_json()) - TOP_LEVEL


def test_name_and_description():
    app = app_json()
    assert isinstance(app["name"], str) and re.match(r"^[A-Za-z]", app["name"]) and len(app["name"]) <= 30
    assert isinstance(app["description"], str) and app["description"]
    assert all(isinstance(k, str) for k in app.get("keywords", []))


def test_stack_is_heroku_24():
    """heroku-22 ships libvips 8.12 and curl 7.81: the code needs 8.13 and 7.85 (native_symbols.json)."""
    assert app_json()["stack"] in STACKS
    assert app_json()["stack"] == "heroku-24"


def test_buildpacks_apt_then_swift():
    packs = app_json()["buildpacks"]
    for pack in packs:
        assert set(pack) == {"url"}, pack
        url = pack["url"]
        assert url.startswith("https://") or REGISTRY_NAME.match(url), f"not a URL or a buildpack registry name: {url}"
    urls = [p["url"] for p in packs]
    # The apt buildpack exports PKG_CONFIG_PATH etc. to the buildpacks after it.
    assert urls == ["heroku-community/apt", "vapor/vapor"], urls


def test_env_entries_have_the_schema_shape():
    for name, entry in app_json()["env"].items():
        assert re.match(r"^[A-Z][A-Z0-9_]*$", name), name
        assert isinstance(entry, dict) and set(entry) <= ENV_KEYS, (name, entry)
        assert isinstance(entry.get("value", ""), str), f"{name}: value must be a string"
        assert isinstance(entry.get("required", False), bool), f"{name}: required must be true or false"
        assert entry.get("generator", "secret") == "secret", f"{name}: the only generator is \"secret\""
        assert not ("generator" in entry and "value" in entry), f"{name}: a generated value and a fixed one"
        assert isinstance(entry.get("description", ""), str)


def test_api_token_is_generated():
    assert app_json()["env"]["IMAGERESIZE_API_TOKEN"].get("generator") == "secret"


def test_long_polls_answer_before_the_router_gives_up():
    """Heroku's router answers H12 when no byte of the response came within 30 s."""
    assert 0 < float(env_value("IMAGERESIZE_MAX_WAIT")) < 30


def test_formation_matches_the_procfile_and_can_scale():
    formation, processes = app_json()["formation"], procfile()
    assert set(formation) == set(processes) - {"release"}, (set(formation), set(processes))
    tiers = set()
    for name, entry in formation.items():
        assert re.match(r"^[a-zA-Z0-9_-]+$", name)
        assert set(entry) <= {"quantity", "size"} and isinstance(entry["quantity"], int) and entry["quantity"] >= 0, entry
        assert entry["size"] in SIZES, f"{name}: unknown dyno size {entry['size']}"
        tiers.add(SIZES[entry["size"]])
    assert len(tiers) == 1, f"dyno sizes of one tier only, got {tiers}"
    assert tiers <= {"professional", "private", "shield"}, "eco and basic run one dyno per process type: guv could not scale"


def test_addons_and_scripts_shape():
    app = app_json()
    for addon in app.get("addons", []):
        assert isinstance(addon, str) or ("plan" in addon and set(addon) <= {"plan", "as", "options"}), addon
    assert set(app.get("scripts", {})) <= SCRIPTS
    plans = [a if isinstance(a, str) else a["plan"] for a in app["addons"]]
    assert any(p.startswith("cloudamqp") for p in plans) and any(p.startswith("heroku-postgresql") for p in plans)


def test_release_phase_migrates_and_binds():
    assert procfile()["release"] == "imageresize migrate && msgflo setup graphs/imageresize.fbp"


def test_guv_runs_the_heroku_config():
    command = procfile()["guv"]
    match = re.search(r"--config-file (\S+)", command)
    assert match and match.group(1) == "config/guv-heroku.yaml", command
    config = simple_yaml_numbers(match.group(1))
    assert config["resize"]["worker"] == "resize" and "resize" in app_json()["formation"]
    assert config["resize"]["concurrency"] == env_value("IMAGERESIZE_RESIZE_CONCURRENCY"), "guv's concurrency is the workers'"
    assert float(config["resize"]["boot"]) >= 20, "dynos take 20-60 s to boot; a local boot time starts them too late"
    assert float(config["*"]["pollinterval"]) >= 5


def test_connection_budget_holds_for_the_formation():
    """web x (pool + 1 LISTEN) + store x store pool + reserve <= budget, with
    IMAGERESIZE_DB_FORMATION covering app.json's formation."""
    budget = int(env_value("IMAGERESIZE_DB_CONNECTION_BUDGET"))
    declared = dict(entry.split("=") for entry in env_value("IMAGERESIZE_DB_FORMATION").split(","))
    declared = {k: int(v) for k, v in declared.items()}
    for kind in ("web", "store"):
        assert declared[kind] >= app_json()["formation"][kind]["quantity"]
    store_pool = int(env_value("IMAGERESIZE_STORE_DB_POOL") or env_value("IMAGERESIZE_STORE_CONCURRENCY", "4"))
    demand = declared["web"] * (int(env_value("IMAGERESIZE_DB_POOL", "4")) + 1) + declared["store"] * store_pool + 2
    assert demand <= budget, f"{demand} connections > budget {budget}"


def test_aptfile_adds_only_libvips():
    """heroku-24's build image has the other headers; each -dev listed would leave dangling .so links (see Aptfile)."""
    packages = [l.strip() for l in (ROOT / "Aptfile").read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert packages == ["libvips-dev", "libvips42t64"], packages


def test_swift_version_is_pinned():
    version = (ROOT / ".swift-version").read_text().strip()
    assert re.match(r"^\d+\.\d+\.\d+$", version), version
    assert f"FROM swift:{version}-" in (ROOT / "Dockerfile").read_text(), "Dockerfile builds with another Swift"


def test_dependencies_are_pinned_exactly():
    manifest = (ROOT / "Package.swift").read_text()
    packages = re.findall(r"\.package\(url:[^)]*\)", manifest)
    assert packages and all("exact:" in p for p in packages), [p for p in packages if "exact:" not in p]


def test_guv_accepts_the_heroku_config():
    import subprocess
    guv = ROOT / ".build" / "debug" / "guv"
    assert guv.exists(), f"{guv} is missing: swift build --build-tests builds it (scripts/test does)"
    result = subprocess.run([str(guv), "validate", "--config-file", "config/guv-heroku.yaml"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "config OK" in result.stdout, result.stdout + result.stderr
