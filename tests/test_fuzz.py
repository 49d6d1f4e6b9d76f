"""The fuzz targets of ``fuzz/`` (issue 19): a short coverage-guided run of each under atheris,
their seeds and every input a fuzzer ever found replayed in-process, and, where atheris cannot
be installed, arbitrary bytes from hypothesis in its place."""

from __future__ import annotations

import importlib
import itertools
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.append(str(ROOT))
from fuzz.targets import TARGETS

# Inputs that once crashed a target or broke its invariant, replayed forever (by target).
REGRESSIONS: dict[str, list[bytes]] = {}

SHORT_RUN_SECONDS = 1


def _target(name: str) -> ModuleType:
    return importlib.import_module(f"fuzz.targets.{name}")


def _have_atheris() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("name", TARGETS)
def test_seeds_and_past_findings_pass(name: str) -> None:
    target = _target(name)
    for data in itertools.chain(itertools.islice(target.seeds(), 300), REGRESSIONS.get(name, [])):
        target.one_input(data)


@pytest.mark.parametrize("name", TARGETS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2048))
def test_hypothesis_fallback(name: str, data: bytes) -> None:
    # Where atheris runs this is a second, blind fuzzer; where it cannot, it is the only one.
    _target(name).one_input(data)


@pytest.mark.skipif(
    not _have_atheris(),
    reason="atheris is not installed: it ships wheels for Linux x86_64 CPython 3.11-3.13 only; "
    "test_hypothesis_fallback fuzzes every target here instead",
)
def test_atheris_short_run_of_every_target() -> None:
    def run(name: str) -> tuple[str, int, str]:
        command = [sys.executable, str(ROOT / "fuzz" / "run.py"), name]
        done = subprocess.run(
            [*command, "--seconds", str(SHORT_RUN_SECONDS), "--smoke"],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        return name, done.returncode, done.stdout + done.stderr[-3000:]

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, TARGETS))
    failed = [(name, out) for name, code, out in results if code != 0]
    assert failed == []
    for name, _, out in results:
        assert f"{name}: " in out
        assert "0 findings" in out
