"""The Dockerfile's runtime stage installs a Debian package for every shared
library the binaries load, and nothing from -dev; compose.yaml runs what the
Procfile runs.

ldd runs on the debug binaries scripts/test builds anyway (a release build
would take CI minutes). They load the Swift runtime from the toolchain; the
image links it in (--static-swift-stdlib), so toolchain libraries are left
out and the system libraries they load are kept: those are what the
statically linked runtime needs too. Package names and dependencies are read
off this machine's dpkg, so the check needs the Debian release the runtime
stage uses."""
import functools
import pathlib
import re
import shutil
import subprocess

import pytest

from heroku_files import procfile, ROOT

BINARIES = ["imageresize", "msgflo", "guv"]


def stages():
    """[(base image, stage name, text)] of the Dockerfile."""
    text = (ROOT / "Dockerfile").read_text()
    parts = re.split(r"(?m)^FROM\s+", text)[1:]
    result = []
    for part in parts:
        header, _, body = part.partition("\n")
        image, _, name = header.partition(" AS ")
        result.append((image.strip(), name.strip(), body))
    return result


def apt_packages(body):
    """Packages of the stage's apt-get install lines."""
    joined = body.replace("\\\n", " ")
    packages = []
    for command in re.findall(r"apt-get install ([^&\n]*)", joined):
        packages += [word for word in command.split() if not word.startswith("-")]
    return packages


def runtime_stage():
    base, name, body = stages()[-1]
    assert name == "runtime", "the last stage is the runtime image"
    return base, body


def machine_codename():
    release = pathlib.Path("/etc/os-release")
    match = re.search(r"^VERSION_CODENAME=(\w+)", release.read_text(), re.M) if release.exists() else None
    return match.group(1) if match else None


def dpkg(*arguments):
    return subprocess.run(["dpkg-query", *arguments], capture_output=True, text=True)


def owning_packages(paths):
    """{path: package} for libraries, asking dpkg once (it records /lib and /usr/lib paths as installed)."""
    variants = {}
    for path in paths:
        for candidate in {path, str(pathlib.Path(path).resolve())}:
            variants[candidate] = path
            if candidate.startswith("/usr/lib/"):
                variants[candidate[len("/usr"):]] = path
            elif candidate.startswith("/lib"):
                variants["/usr" + candidate] = path
    output = subprocess.run(["dpkg", "-S", *sorted(variants)], capture_output=True, text=True).stdout
    owners = {}
    for line in output.splitlines():
        package, _, owned = line.partition(": ")
        if owned.strip() in variants and "," not in package:
            owners[variants[owned.strip()]] = package.split(":")[0].strip()
    return owners


@functools.lru_cache(maxsize=None)
def provided_packages(packages):
    return frozenset(dependency_closure(packages) | dependency_closure(tuple(sorted(base_image_packages()))))


def dependency_closure(packages):
    """The packages apt installs for `packages`: Depends and Pre-Depends,
    first alternative, as recorded by this machine's dpkg."""
    seen, todo = set(), list(packages)
    while todo:
        package = todo.pop()
        if package in seen:
            continue
        seen.add(package)
        result = dpkg("-W", "-f=${Depends}, ${Pre-Depends}", package)
        if result.returncode != 0:
            continue
        for clause in result.stdout.split(","):
            first = clause.split("|")[0].strip()
            name = re.split(r"[\s(:]", first)[0] if first else ""
            if name:
                todo.append(name)
    return seen


def base_image_packages():
    """debian:*-slim is a minbase system: the Essential and Priority: required packages."""
    result = dpkg("-W", "-f=${Package} ${Essential} ${Priority}\n")
    return {line.split()[0] for line in result.stdout.splitlines()
            if len(line.split()) >= 3 and (line.split()[1] == "yes" or line.split()[2] == "required")}


def system_libraries(binary):
    """{soname: path} of what `binary` loads, Swift toolchain libraries left out."""
    output = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True).stdout
    toolchain = str(pathlib.Path(shutil.which("swift") or "/opt/swift/usr/bin/swift").resolve().parents[1])
    libraries = {}
    for line in output.splitlines():
        assert "not found" not in line, f"{binary}: {line.strip()}"
        match = re.match(r"\s*(\S+)\s+=>\s+(\S+)", line) or re.match(r"\s*(/\S+)\s+\(", line)
        if not match:
            continue  # linux-vdso
        name, path = (match.group(1), match.group(2)) if match.re.groups == 2 else (match.group(1), match.group(1))
        if "/usr/lib/swift/" in path or path.startswith(toolchain):
            continue
        libraries[name] = path
    return libraries


def test_runtime_stage_is_slim_debian_without_dev_packages():
    base, body = runtime_stage()
    assert re.match(r"^debian:[a-z]+-slim$", base), base
    packages = apt_packages(body)
    assert packages, "the runtime stage installs its libraries with apt-get install"
    assert not [p for p in packages if p.endswith("-dev")], packages
    assert "--no-install-recommends" in body
    assert "ca-certificates" in packages, "amqps:// and https:// downloads verify against the system CA bundle"


def test_build_stage_is_the_official_swift_image_on_the_same_release():
    (base, name, body), (runtime, _) = stages()[0], runtime_stage()
    codename = runtime.split(":")[1].removesuffix("-slim")
    assert re.match(rf"^swift:[\d.]+-{codename}$", base), f"build on swift:VERSION-{codename}, not {base}"
    assert "--static-swift-stdlib" in body, "the runtime stage has no Swift toolchain"


@pytest.mark.parametrize("binary", BINARIES)
def test_runtime_stage_provides_every_shared_library(binary):
    path = ROOT / ".build" / "debug" / binary
    if not path.exists():
        pytest.fail(f"{path} is missing: swift build --build-tests builds it (scripts/test does)")
    runtime, body = runtime_stage()
    codename = runtime.split(":")[1].removesuffix("-slim")
    if machine_codename() != codename:
        pytest.skip(f"package names are read off dpkg; this machine is {machine_codename()}, the image {codename}")
    provided = provided_packages(tuple(apt_packages(body)))
    libraries = system_libraries(path)
    owners = owning_packages(libraries.values())
    missing = {}
    for name, library in libraries.items():
        package = owners.get(library)
        assert package, f"{binary}: no Debian package owns {library}"
        if package not in provided:
            missing[name] = package
    assert not missing, f"{binary} loads libraries the runtime stage does not install: {missing}"


def test_compose_runs_the_procfile_processes():
    compose = (ROOT / "compose.yaml").read_text()
    for kind in ("web", "store"):
        assert procfile()[kind] in compose.replace('", "', " ").replace('["', "").replace('"]', ""), kind
    assert procfile()["release"] in compose
    assert "imageresize resize --role resize" in compose
    for service in ("rabbitmq:", "postgres:", "autoscale:"):
        assert f"\n  {service}" in compose
    assert "rabbitmq:3-management" in compose, "guv reads queue depth from the management API"
