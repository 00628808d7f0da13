"""Every libvips, libcurl and rabbitmq-c identifier the code uses exists in
the versions the deploy targets ship (heroku-24, Debian 12 in the container
image), according to the checked-in table native_symbols.json."""
import json
import pathlib
import re
import subprocess

import pytest

import source_scan

TABLE = json.loads((pathlib.Path(__file__).parent / "native_symbols.json").read_text())
LIBRARIES = sorted(TABLE["libraries"])
TYPE_SUFFIXES = ("_t", "_callback")


def version(text):
    return tuple(int(part) for part in re.findall(r"\d+", text))


def used_identifiers(library):
    """Functions, macros and constants of `library` in Sources/ (type names,
    which carry no version of their own, and #include lines left out)."""
    found = source_scan.code_identifiers(TABLE["libraries"][library]["pattern"])
    return {name: files for name, files in found.items() if not name.endswith(TYPE_SUFFIXES)}


def used_vips_options():
    """Option names passed to libvips' variadic calls: the "name", value pairs of the C shim."""
    code, _ = source_scan.split_code((source_scan.ROOT / TABLE["libraries"]["libvips"]["options"]["file"]).read_text(),
                                     keep_strings=True)
    return set(re.findall(r'"([A-Za-z_]+)"\s*,', code))


@pytest.mark.parametrize("library", LIBRARIES)
def test_every_identifier_used_is_in_the_table(library):
    table = TABLE["libraries"][library]["symbols"]
    missing = {name: sorted(files) for name, files in used_identifiers(library).items() if name not in table}
    assert not missing, (f"{library} identifiers used but not in spec/deploy/native_symbols.json (add each with the first "
                         f"release that has it, and check the targets ship it): {missing}")


@pytest.mark.parametrize("library", LIBRARIES)
def test_the_table_lists_nothing_unused(library):
    stale = sorted(set(TABLE["libraries"][library]["symbols"]) - set(used_identifiers(library)))
    assert not stale, f"{library} identifiers in native_symbols.json that the code no longer uses: {stale}"


def test_every_vips_option_is_in_the_table():
    table = TABLE["libraries"]["libvips"]["options"]["minimum"]
    used = used_vips_options()
    assert "fail_on" in used, "the option scan found nothing: has the C shim moved?"
    assert used <= set(table), f"libvips options without a minimum version: {sorted(used - set(table))}"
    assert set(table) <= used, f"libvips options in the table but no longer passed: {sorted(set(table) - used)}"


@pytest.mark.parametrize("target", sorted(TABLE["targets"]))
@pytest.mark.parametrize("library", LIBRARIES)
def test_target_ships_every_identifier(target, library):
    shipped = version(TABLE["targets"][target][library])
    minimums = dict(TABLE["libraries"][library]["symbols"])
    if library == "libvips":
        minimums.update({f"option {k}": v for k, v in TABLE["libraries"][library]["options"]["minimum"].items()})
    too_new = {name: need for name, need in minimums.items() if version(need) > shipped}
    assert not too_new, f"{target} ships {library} {TABLE['targets'][target][library]}, but the code needs: {too_new}"


def test_the_code_needs_what_the_issue_said():
    """The table is not vacuous: the identifiers that ruled out heroku-22 are in it."""
    assert TABLE["libraries"]["libvips"]["symbols"]["vips_block_untrusted_set"] == "8.13"
    assert TABLE["libraries"]["libcurl"]["symbols"]["CURLOPT_PROTOCOLS_STR"] == "7.85.0"
    heroku22 = {"libvips": "8.12.1", "libcurl": "7.81.0"}
    for library, shipped in heroku22.items():
        needs = max(version(v) for v in TABLE["libraries"][library]["symbols"].values())
        assert needs > version(shipped), f"{library}: expected the code to need more than heroku-22's {shipped}"


DPKG = {"libvips": "libvips42", "libcurl": "libcurl4", "rabbitmq-c": "librabbitmq4"}


@pytest.mark.parametrize("library", LIBRARIES)
def test_debian_12_versions_match_this_machine(library):
    """On a Debian 12 machine (development, CI) the table's Debian column is what dpkg says."""
    release = pathlib.Path("/etc/os-release").read_text() if pathlib.Path("/etc/os-release").exists() else ""
    if "VERSION_CODENAME=bookworm" not in release:
        pytest.skip("not Debian 12: the Debian column cannot be read off this machine")
    result = subprocess.run(["dpkg-query", "-W", "-f=${Version}", DPKG[library]], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"{DPKG[library]} is not installed here")
    upstream = re.sub(r"^\d+:", "", result.stdout).split("-")[0].split("+")[0]
    assert TABLE["targets"]["debian-12"][library] == upstream, (
        f"native_symbols.json says Debian 12 ships {library} {TABLE['targets']['debian-12'][library]}, dpkg says {result.stdout}")
