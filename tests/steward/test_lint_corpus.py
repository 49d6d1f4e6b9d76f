"""Every real robots.txt of the protego corpus (4,231 files from popular sites) lints without
raising; the counts per rule are those docs/lint.md reports."""

from __future__ import annotations

import sys
from collections import Counter

import pytest
from conftest import ROOT, require

from reciprocity.steward.lint import Site, SiteFile, count_by_rule, lint_site
from reciprocity.steward.lint_rules import RULES
from reciprocity.steward.lint_sources import PLACEHOLDER_ORIGIN

# Appended, not prepended: benchmarks/ also holds robots.py, which must shadow nothing.
sys.path.append(str(ROOT / "benchmarks"))
import robots_corpus as corpus

pytestmark = pytest.mark.corpus


def test_every_corpus_robots_txt_lints() -> None:
    require(corpus.corpus_dir(), "protego 0.7.0 robots.txt corpus")
    paths = sorted(p for p in corpus.corpus_dir().iterdir() if p.is_file())
    findings: Counter[str] = Counter()
    files_with: Counter[str] = Counter()
    failures = []
    for path in paths:
        site = Site(PLACEHOLDER_ORIGIN, robots=SiteFile(path.name, path.read_bytes()))
        try:
            found = lint_site(site)
        except Exception as exc:  # the point of the test: report every file that raises
            failures.append((path.name, repr(exc)))
            continue
        counts = count_by_rule(found)
        findings.update(counts)
        files_with.update(counts.keys())
        assert all(f.location.file == path.name for f in found)
    assert failures == []
    assert len(paths) == 4231
    assert set(findings) <= set(RULES)
    # Mistakes the issue names are there in real files, not only in fixtures.
    assert findings["robots-html"] > 0
    assert findings["robots-merged-group"] > 0
    assert findings["robots-bom"] > 0
    print({rule: (findings[rule], files_with[rule]) for rule in findings})
