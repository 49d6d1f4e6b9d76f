"""Sites for the lint tests, built by code: one per lint rule (the smallest site that breaks it),
and one site that breaks many at once (the golden CLI output's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["GOLDEN_SITE", "RULE_SITES", "RuleSite", "write_site"]

ORIGIN = "https://news.example"
_OPEN = b"User-agent: *\nDisallow:\n"
_LICENCE = b"License: https://news.example/licence.xml\n"


@dataclass(frozen=True)
class RuleSite:
    """A site whose files break ``rule`` at ``file``:``line`` (``None``: the whole file)."""

    files: dict[str, bytes]
    file: str
    line: int | None
    origin: str = ORIGIN
    why: str = field(default="", compare=False)


RULE_SITES: dict[str, RuleSite] = {
    "robots-html": RuleSite(
        {"robots.txt": b"<!DOCTYPE html>\n<html><head><title>Home</title></head></html>\n"},
        "robots.txt",
        1,
    ),
    "robots-bom": RuleSite(
        {"robots.txt": b"\xef\xbb\xbfUser-agent: *\nDisallow: /private\n"}, "robots.txt", 1
    ),
    "robots-size": RuleSite(
        {"robots.txt": _OPEN + b"#" * (500 * 1024) + b"\nDisallow: /late\n"}, "robots.txt", None
    ),
    "robots-line-skipped": RuleSite({"robots.txt": _OPEN + b"Disallow /a /b\n"}, "robots.txt", 3),
    "robots-nonstandard-line": RuleSite(
        {"robots.txt": b"User-agent: *\nDisallow /private\n"}, "robots.txt", 2
    ),
    "robots-rule-outside-group": RuleSite(
        {"robots.txt": b"Disallow: /private\nUser-agent: *\nAllow: /\n"}, "robots.txt", 1
    ),
    "robots-unknown-key": RuleSite(
        {"robots.txt": _OPEN + b"Contentusage: train-ai=n\n"}, "robots.txt", 3
    ),
    "robots-merged-group": RuleSite(
        {
            "robots.txt": b"User-agent: *\nContent-Signal: search=yes\n\n"
            b"User-agent: GPTBot\nDisallow: /\n"
        },
        "robots.txt",
        1,
    ),
    "aipref-syntax": RuleSite(
        {"robots.txt": _OPEN + b"Content-Usage: train-ai=n,\n"}, "robots.txt", 3
    ),
    "aipref-value": RuleSite(
        {"robots.txt": _OPEN + b"Content-Usage: train-ai=yes\n"}, "robots.txt", 3
    ),
    "aipref-ignored": RuleSite(
        {"robots.txt": _OPEN + b"Content-Usage: train-genai=n\n"}, "robots.txt", 3
    ),
    "cc-signals-exception": RuleSite(
        {"robots.txt": _OPEN + b"Content-Usage: train-ai=y;exceptions=cc-cr\n"}, "robots.txt", 3
    ),
    "content-signal-value": RuleSite(
        {"robots.txt": _OPEN + b"Content-Signal: ai-train=maybe\n"}, "robots.txt", 3
    ),
    "content-signal-key": RuleSite(
        {"robots.txt": _OPEN + b"Content-Signal: ai-training=no\n"}, "robots.txt", 3
    ),
    "content-signal-unread": RuleSite(
        {"robots.txt": b"User-agent: ExampleBot\nContent-Signal: ai-train=no\nDisallow:\n"},
        "robots.txt",
        2,
    ),
    "tdmrep-syntax": RuleSite(
        {".well-known/tdmrep.json": b'{"location": "/", "tdm-reservation": 1'},
        ".well-known/tdmrep.json",
        1,
    ),
    "tdmrep-value": RuleSite(
        {".well-known/tdmrep.json": b'[{"location": "/", "tdm-reservation": 2}]'},
        ".well-known/tdmrep.json",
        1,
    ),
    "tdmrep-lenient": RuleSite(
        {".well-known/tdmrep.json": b'[{"location": "/", "tdm-reservation": "1"}]'},
        ".well-known/tdmrep.json",
        1,
    ),
    "rsl-license-missing": RuleSite({"robots.txt": _OPEN + _LICENCE}, "robots.txt", 3),
    "rsl-syntax": RuleSite(
        {"robots.txt": _OPEN + _LICENCE, "licence.xml": b"<rsl>\n<content url='/'>\n"},
        "licence.xml",
        3,
    ),
    "rsl-lenient": RuleSite(
        {
            "robots.txt": _OPEN + _LICENCE,
            "licence.xml": b'<rsl>\n<content url="https://news.example/">\n<license>'
            b"<prohibits type='usage'>ai-train</prohibits></license>\n</content>\n</rsl>\n",
        },
        "licence.xml",
        1,
    ),
    "aitxt-no-rules": RuleSite({"ai.txt": b"Training: deny\n"}, "ai.txt", None),
    "aitxt-syntax": RuleSite({"ai.txt": b"User-agent: *\nDisallow *.jpg\nAllow: /\n"}, "ai.txt", 2),
    "site-file-blocked": RuleSite(
        {
            "robots.txt": b"User-agent: GPTBot\nDisallow: /ai.txt\n",
            "ai.txt": b"User-agent: *\nDisallow: *.jpg\n",
        },
        "robots.txt",
        2,
    ),
    "aitxt-shadowed": RuleSite(
        {
            "robots.txt": b"User-agent: GPTBot\nDisallow: /\n",
            "ai.txt": b"User-agent: *\nAllow: /\n",
        },
        "ai.txt",
        2,
    ),
    "tdmrep-conflict": RuleSite(
        {
            "robots.txt": _OPEN + b"Content-Usage: train-ai=n\n",
            ".well-known/tdmrep.json": b'[{"location": "/", "tdm-reservation": 0}]',
        },
        ".well-known/tdmrep.json",
        1,
    ),
    "mechanism-conflict": RuleSite(
        {"robots.txt": _OPEN + b"Content-Usage: train-ai=n\nContent-Signal: ai-train=yes\n"},
        "robots.txt",
        4,
    ),
}
"""Lint rule id -> the smallest site that breaks it."""


GOLDEN_SITE: dict[str, bytes] = {
    # A news site's files as a publisher might write them, with one of each common mistake.
    "robots.txt": b"\xef\xbb\xbf# news.example\n"
    b"User-agent: *\n"
    b"Content-Signal: search=yes, ai-train=yes\n"
    b"Content-Usage: train-ai=yes, search=y\n"
    b"\n"
    b"User-agent: GPTBot\n"
    b"User-agent: CCBot\n"
    b"Disallow: /\n"
    b"\n"
    b"User-agent: Googlebot\n"
    b"Content-Signal: ai-input=no\n"
    b"Disallow: /*.txt$\n"
    b"\n"
    b"License: https://news.example/licence.xml\n"
    b"Sitemap: https://news.example/sitemap.xml\n",
    ".well-known/tdmrep.json": b'[\n  {"location": "/", "tdm-reservation": 0},\n]\n',
    "ai.txt": b"# Spawning AI\nUser-agent: *\nDisallow: *.jpg\nAllow: /\n",
    "headers.txt": b"Content-Type: text/html\nContent-Usage: train-ai=n\ntdm-reservation: 2\n",
}


def write_site(folder: Path, files: dict[str, bytes]) -> Path:
    """Lay ``files`` (relative path -> bytes) out in ``folder``; return it."""
    for name, body in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return folder
