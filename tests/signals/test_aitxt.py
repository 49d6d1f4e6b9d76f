"""Spawning ai.txt (signals.md §7.4: generator behaviour of spawning.ai and spawning-wp-plugin)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocity.signals.aitxt import TIE_BREAK, USES, parse_ai_txt
from reciprocity.signals.statement import Carrier, Mechanism
from reciprocity.uses import Stance, Use

# §7.4 literal examples (generator output shape), verbatim.
SPEC_MIXED = """# Spawning AI
User-agent: *
Disallow: *.jpg
Disallow: *.png
Allow: *.txt
Allow: /
"""

SPEC_OPT_OUT = """# Spawning AI
User-agent: *
Disallow: *
Disallow: /
"""

# §7.4: the WordPress plugin's media classes (config/ai_txt_options.json), in its order.
MEDIA_CLASSES: dict[str, tuple[str, bool]] = {
    "Images": (
        "*.bmp, *.gif, *.ico, *.jpeg, *.jpg, *.png, *.svg, *.tif, *.tiff, *.webp, *.eps, *.ai, "
        "*.indd, *.heif, *.raw, *.psd, *.cr2, *.nef, *.orf, *.sr2",
        False,
    ),
    "Audio": (
        "*.aac, *.aiff, *.amr, *.flac, *.m4a, *.mp3, *.oga, *.opus, *.wav, *.wma, *.alac, *.dss, "
        "*.dvf, *.m4p, *.mmf, *.mpc, *.msv, *.ra, *.rm, *.tta, *.vox, *.wav, *.weba",
        False,
    ),
    "Video": (
        "*.mp4, *.webm, *.ogg, *.avi, *.mov, *.wmv, *.flv, *.mkv, *.3gp, *.3g2, *.h264, *.m4v, "
        "*.mpg, *.mpeg, *.rm, *.swf, *.vob, *.mts, *.m2ts, *.ts, *.qt, *.yuv, *.rmvb, *.asf, "
        "*.amv, *.mpg2",
        False,
    ),
    "Text": (
        "*.txt, *.pdf, *.doc, *.docx, *.odt, *.rtf, *.tex, *.wks, *.wpd, *.wps, *.html, *.htm, "
        "*.md, *.odf, *.xls, *.xlsx, *.ppt, *.pptx, *.csv, *.xml, *.ods, *.xlr, *.pages, *.log, "
        "*.key, *.odp",
        True,
    ),
    "Code": (
        "*.py, *.js, *.java, *.c, *.cpp, *.cs, *.h, *.css, *.php, *.swift, *.go, *.rb, *.pl, "
        "*.sh, *.sql, *.xml, *.json, *.ts, *.jsx, *.vue, *.r, *.kt, *.dart, *.rs, *.lua, *.asm, "
        "*.bash, *.erl, *.hs, *.vbs, *.bat, *.f, *.lisp, *.scala, *.groovy, *.ps1",
        False,
    ),
}


def generated(allowed: set[str]) -> str:
    """The file the WordPress plugin writes when the classes in ``allowed`` are ticked: its
    header and ``User-agent`` line each followed by a stray ``/`` line, one Allow or Disallow
    per extension, then ``Allow: /`` if Text is allowed else ``Disallow: /``; nothing ticked
    gives ``Disallow: *`` and ``Disallow: /``."""
    out = "# Spawning AI\n" + "/\n" + "\nUser-agent: *\n" + "/\n"
    if not allowed:
        return out + "Disallow: *\nDisallow: /\n"
    final = "Disallow: /\n"
    for name, (extensions, global_flag) in MEDIA_CLASSES.items():
        key = "Allow: " if name in allowed else "Disallow: "
        for extension in extensions.split(","):
            out += key + extension.strip() + "\n"
        if name in allowed and global_flag:
            final = "Allow: /\n"
    return out + final


def train(text: str, path: str, agent: str = "*") -> Stance:
    statements = parse_ai_txt(text).statements(path, agent)
    return statements[0].stance(Use.TRAIN_AI) if statements else Stance.UNKNOWN


def test_spec_mixed_example() -> None:  # §7.4 literal example 1
    ai = parse_ai_txt(SPEC_MIXED)
    assert ai.diagnostics == ()
    (statement,) = ai.statements("/gallery/photo.jpg")
    assert statement.mechanism is Mechanism.AI_TXT
    assert statement.carrier is Carrier.AI_TXT
    assert dict(statement.stances) == {Use.TRAIN_AI: Stance.DENY}
    assert (statement.line, statement.rule, statement.raw) == (3, "*.jpg", "Disallow: *.jpg")
    assert train(SPEC_MIXED, "/b.png") is Stance.DENY
    assert train(SPEC_MIXED, "/notes.txt") is Stance.ALLOW
    (statement,) = ai.statements("/about/")
    assert (statement.line, statement.rule) == (6, "/")
    assert statement.stance(Use.TRAIN_AI) is Stance.ALLOW


def test_spec_full_opt_out() -> None:  # §7.4 literal example 2
    for path in ("/", "/a.jpg", "/x/y.html?q=1", "https://example.com/a.txt"):
        assert train(SPEC_OPT_OUT, path) is Stance.DENY


def test_speaks_about_train_ai_only() -> None:
    assert USES == (Use.TRAIN_AI,)
    (statement,) = parse_ai_txt(SPEC_OPT_OUT).statements("/a")
    assert statement.stance(Use.AI_USE) is Stance.UNKNOWN
    assert statement.stance(Use.SEARCH) is Stance.UNKNOWN


# -- the generator's shapes --------------------------------------------------------------------


def test_generator_stray_slash_lines() -> None:
    ai = parse_ai_txt(generated(set()))
    assert [(d.line, d.code) for d in ai.diagnostics] == [(2, "stray-slash"), (5, "stray-slash")]
    assert train(generated(set()), "/index.html") is Stance.DENY


@pytest.mark.parametrize(
    ("allowed", "path", "stance"),
    [
        ({"Images"}, "/wp-content/uploads/2023/05/cat.jpg", Stance.ALLOW),
        ({"Images"}, "/2023/05/post/", Stance.DENY),  # the final Disallow: /
        ({"Images"}, "/readme.txt", Stance.DENY),
        ({"Text"}, "/2023/05/post/", Stance.ALLOW),  # Text's global flag: Allow: /
        ({"Text"}, "/cat.jpeg", Stance.DENY),
        ({"Text"}, "/song.mp3", Stance.DENY),
        ({"Text", "Code"}, "/app.py", Stance.ALLOW),
        ({"Images", "Audio", "Video", "Text", "Code"}, "/anything", Stance.ALLOW),
        # Extensions listed under two classes, one allowed and one not: the Disallow wins.
        ({"Text"}, "/feed.xml", Stance.DENY),  # Text (allowed) and Code (disallowed)
        ({"Video"}, "/clip.ts", Stance.DENY),  # Video (allowed) and Code (disallowed)
        ({"Video"}, "/clip.rm", Stance.DENY),  # Audio (disallowed) and Video (allowed)
        ({"Text", "Code"}, "/feed.xml", Stance.ALLOW),
    ],
)
def test_generator_output(allowed: set[str], path: str, stance: Stance) -> None:
    assert train(generated(allowed), path) is stance


def test_tie_break_is_documented_deny() -> None:
    assert TIE_BREAK is Stance.DENY
    text = "User-agent: *\nAllow: /\nDisallow: *\n"
    (statement,) = parse_ai_txt(text).statements("/a")
    assert (statement.stance(Use.TRAIN_AI), statement.line) == (Stance.DENY, 3)


# -- precedence --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "path", "stance", "line"),
    [
        # An extension glob is more specific than the catch-all ...
        ("Disallow: /\nAllow: *.jpg", "/a.jpg", Stance.ALLOW, 3),
        ("Allow: /\nDisallow: *.jpg", "/a.jpg", Stance.DENY, 3),
        ("Disallow: *\nAllow: *.jpg", "/a.jpg", Stance.ALLOW, 3),
        # ... and a directory longer than the glob is more specific than the glob.
        ("Allow: *.jpg\nDisallow: /private/", "/private/a.jpg", Stance.DENY, 3),
        ("Disallow: *.jpg\nAllow: /gallery/", "/gallery/a.jpg", Stance.ALLOW, 3),
        ("Disallow: *.jpg\nAllow: /g/", "/g/a.jpg", Stance.DENY, 2),  # "/g/" is shorter
        # Same rule twice: the first line is the evidence.
        ("Disallow: *.jpg\nDisallow: *.jpg", "/a.jpg", Stance.DENY, 2),
    ],
)
def test_most_specific_rule(rules: str, path: str, stance: Stance, line: int) -> None:
    (statement,) = parse_ai_txt("User-agent: *\n" + rules + "\n").statements(path)
    assert statement.stance(Use.TRAIN_AI) is stance
    assert statement.line == line


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("*.jpg", "/a.jpg", True),
        ("*.jpg", "/dir/A.JPG", True),  # extensions compare case-insensitively
        ("*.JPG", "/a.jpg", True),
        ("*.jpg", "/a.jpg?size=large", True),  # the query is not part of the file name
        ("*.jpg", "/a.jpg.html", False),  # an extension glob is a file glob, not a prefix
        ("*.jpg", "/a.jpgx", False),
        ("*.jpg", "/jpg", False),
        ("*.jpg", "/a.jpg/", False),
        ("*.tar.gz", "/x.tar.gz", True),
        ("/img/*.jpg", "/img/a.jpg.html", True),  # other patterns match as robots.txt does
        ("/img/*.jpg$", "/img/a.jpg.html", False),
        ("/img/", "/IMG/a", False),  # paths stay case-sensitive
        ("*", "/", True),
        ("/", "/anything", True),
    ],
)
def test_pattern_matching(pattern: str, path: str, matches: bool) -> None:
    text = f"User-agent: *\nDisallow: {pattern}\n"
    assert (train(text, path) is Stance.DENY) is matches


def test_empty_disallow_matches_nothing() -> None:
    assert parse_ai_txt("User-agent: *\nDisallow:\n").statements("/a") == ()


def test_no_matching_rule_is_unknown() -> None:
    assert parse_ai_txt("User-agent: *\nDisallow: *.jpg\n").statements("/a.png") == ()


# -- user-agent groups -------------------------------------------------------------------------

GROUPS = """User-agent: *
Disallow: /

User-agent: DatasetBot
Allow: *.jpg

User-agent: SpawningBot
User-agent: DatasetBot
Disallow: *.png
"""


def test_user_agent_groups() -> None:
    ai = parse_ai_txt(GROUPS)
    assert train(GROUPS, "/a.jpg") is Stance.DENY  # the '*' group
    assert train(GROUPS, "/a.jpg", "DatasetBot") is Stance.ALLOW
    assert train(GROUPS, "/a.png", "DATASETBOT") is Stance.DENY  # groups naming it are merged
    assert train(GROUPS, "/a.txt", "DatasetBot") is Stance.UNKNOWN  # '*' no longer applies
    assert train(GROUPS, "/a.png", "SpawningBot") is Stance.DENY
    (statement,) = ai.statements("/a.png", "SpawningBot")
    assert "SpawningBot, DatasetBot" in statement.note
    assert parse_ai_txt("User-agent: x\nDisallow: /\n").statements("/a") == ()


# -- syntax leniency (inherited from the robots.txt reader) ------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "User-agent: *\r\nDisallow: *.jpg\r\n",
        "User-agent: *\rDisallow: *.jpg\r",
        "\ufeffUser-agent: *\nDisallow: *.jpg\n",
        b"\xef\xbb\xbfUser-agent: *\nDisallow: *.jpg\n",
        "user-agent: *\ndisallow: *.jpg # no images\n",
        "  User-Agent : *\n\tDISALLOW :   *.jpg   \n",
        "User-agent: *\nDissallow: *.jpg\n",
        "User-agent *\nDisallow *.jpg\n",
        "# comment\n\nUser-agent: *\n# another\nDisallow: *.jpg\n",
    ],
)
def test_syntax_variants(text: str | bytes) -> None:
    (statement,) = parse_ai_txt(text).statements("/a.jpg")
    assert statement.stance(Use.TRAIN_AI) is Stance.DENY


def test_stray_slash_with_bom_and_crlf() -> None:
    ai = parse_ai_txt(b"\xef\xbb\xbf/\r\nUser-agent: *\r\n /  \r\nDisallow: /\r\n")
    assert [d.code for d in ai.diagnostics] == ["bom", "stray-slash", "stray-slash"]


def test_other_lines_are_diagnosed() -> None:
    ai = parse_ai_txt("User-agent: *\nDisallow: *.jpg\nTraining: deny\nnonsense here now\n")
    assert [d.code for d in ai.diagnostics] == ["unknown-record", "no-separator"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# ai.txt\n\nThis site's content may not be used to train AI.\n",
        "User-Agent: *\nTraining: deny\nSpec-Version: 1.0\n",
        "Training-Allowed: no\n",
        "Disallow: /\n",  # a rule before any User-agent line belongs to no group (RFC 9309)
    ],
)
def test_not_a_spawning_file(text: str) -> None:
    ai = parse_ai_txt(text)
    assert "no-rules" in [d.code for d in ai.diagnostics]
    assert ai.statements("/a.jpg") == ()


def test_typed_misuse_raises() -> None:
    with pytest.raises(TypeError):
        parse_ai_txt(None)  # type: ignore[arg-type]


# -- properties --------------------------------------------------------------------------------

LINES = st.lists(
    st.one_of(
        st.sampled_from(["User-agent: *", "User-agent: bot", "/", "# Spawning AI", ""]),
        st.builds(
            lambda key, value: f"{key}: {value}",
            st.sampled_from(["Allow", "Disallow", "User-agent", "Other"]),
            st.text(alphabet="/*.$?jpgabcñ%", max_size=8),
        ),
        st.text(max_size=15),
    ),
    max_size=25,
)
PATHS = st.text(alphabet="/.?jpgabcñ%*$", max_size=15).map(lambda p: "/" + p)


@given(st.binary(max_size=2048))
def test_arbitrary_bytes(data: bytes) -> None:
    ai = parse_ai_txt(data)
    assert ai == parse_ai_txt(data)
    ai.statements("/a.jpg")


@given(st.text(max_size=2048))
def test_arbitrary_text(text: str) -> None:
    ai = parse_ai_txt(text)
    assert ai == parse_ai_txt(text)
    ai.statements("/", "bot")


@settings(max_examples=300)
@given(LINES, PATHS, st.sampled_from(["*", "bot", "other"]))
def test_statements_are_the_deciding_rule(lines: list[str], path: str, agent: str) -> None:
    ai = parse_ai_txt("\n".join(lines))
    statements = ai.statements(path, agent)
    found = ai.match(path, agent)
    assert len(statements) == (0 if found is None else 1)
    if found is not None:
        _, rule = found
        assert rule.matches(path)
        # No matching rule of the applicable groups is more specific than the deciding one.
        for group in ai.groups_for(agent):
            for other in group.rules:
                if other.matches(path):
                    assert other.specificity <= rule.specificity


@settings(max_examples=200)
@given(st.lists(st.text(alphabet="/*.jpgabc$", min_size=1, max_size=8), max_size=10), PATHS)
def test_only_disallows_never_allow(patterns: list[str], path: str) -> None:
    text = "User-agent: *\n" + "".join(f"Disallow: {p}\n" for p in patterns)
    assert train(text, path) in (Stance.DENY, Stance.UNKNOWN)
    assert train(text + "Disallow: *\n", path) is Stance.DENY


def test_a_full_user_agent_is_read_as_its_product_token() -> None:
    # issue 13: ai.txt groups are selected as robots.txt groups are, by the product token.
    ai = parse_ai_txt("User-agent: *\nAllow: /\n\nUser-agent: GPTBot\nDisallow: /\n")
    ua = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.1)"
    (statement,) = ai.statements("/a.html", ua)
    assert statement.line == 5
    assert ai.matcher(ua)("/a.html") == ai.match("/a.html", "GPTBot")
    # No product token: any group could be its own, so the strictest answer is given.
    for agent in ("", "Mozilla/5.0 (X11) Chrome/120"):
        found = ai.match("/a.html", agent)
        assert found is not None
        assert not found[1].allow
        assert ai.matcher(agent)("/a.html") == found
