"""The README's layout picture is the module cut: every target of Package.swift
depends only on targets in the rows below its own, and the picture names
every target. Fails when a new dependency breaks the layering or a module is
added without a place in the picture."""
import json
import re
import subprocess

from source_scan import ROOT


def package():
    out = subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


EXECUTABLES = {"msgflo": "MsgFloCLI", "imageresize": "ImageResizeCLI", "guv": "GuvCLI"}


def layer_of():
    """Target name -> row index, higher rows first (0 = executables). A row
    continued on the next line without a rule between them is one layer."""
    readme = (ROOT / "README.md").read_text()
    layout = readme[readme.index("## Layout"):]
    block = layout[layout.index("```") + 3:]
    block = block[:block.index("```")]
    layer, index, seen_names = {}, 0, False
    for line in block.splitlines():
        if line.strip().startswith("─"):
            if seen_names:
                index += 1
            seen_names = False
            continue
        body = re.sub(r"\([^)]*\)", " ", line[15:])
        for name in re.findall(r"[A-Za-z][A-Za-z0-9]*", body):
            layer[EXECUTABLES.get(name, name)] = index
            seen_names = True
    return layer


def test_every_target_has_a_place_in_the_picture():
    layer = layer_of()
    targets = [t["name"] for t in package()["targets"] if t["type"] != "test" and t["name"] != "TestSupport"]
    missing = [t for t in targets if t not in layer]
    assert not missing, f"README's layout picture does not show {missing}"


def test_targets_depend_only_on_lower_rows():
    layer = layer_of()
    names = {t["name"] for t in package()["targets"]}
    wrong = []
    for target in package()["targets"]:
        if target["type"] == "test" or target["name"] not in layer:
            continue
        for dependency in target["dependencies"]:
            kind = next(iter(dependency))
            name = dependency[kind][0]
            # A C shim sits beside the library it wraps.
            if name in names and name in layer and layer[name] <= layer[target["name"]] and target["name"] != name + "Shim":
                wrong.append(f"{target['name']} -> {name}")
    assert not wrong, f"dependencies on the same or a higher row of the layout picture: {wrong}"


def test_an_mqtt_participant_does_not_link_rabbitmq():
    targets = {t["name"]: t for t in package()["targets"]}

    def closure(name, seen):
        for dependency in targets[name]["dependencies"]:
            kind = next(iter(dependency))
            child = dependency[kind][0]
            if child in targets and child not in seen:
                seen.add(child)
                closure(child, seen)
        return seen

    assert not {"CRabbitMQ", "CRabbitMQShim"} & closure("MsgFloMQTT", set())
