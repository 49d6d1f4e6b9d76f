"""Release descriptions -> :class:`Release` facts.

Three formats, recognised by their content (not by the file name):

* MOF release YAML: a mapping with ``framework`` and ``release``;
* a European Open Source AI Index record: a mapping with ``system`` and graded parameters;
* a Hugging Face model card: Markdown opening with a ``---`` YAML header.

Readers keep to what the text states. MOF licence strings are kept exactly as written, because the
Model Openness Tool matches them exactly; the looser formats have their licences normalised to SPDX
ids where that is unambiguous, and keep the text as written beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from reciprocity._files import read_input
from reciprocity.errors import InputError
from reciprocity.openness import eu_index
from reciprocity.openness._yaml import YAMLError, load_yaml
from reciprocity.openness.catalogue import component_by_name
from reciprocity.openness.licenses import normalise
from reciprocity.openness.model import (
    ComponentFact,
    Diagnostic,
    GlobalLicences,
    Grade,
    LicenceState,
    Release,
    SourceFormat,
)

__all__ = ["EU_COMPONENTS", "load", "parse"]

_MAX_BYTES = 8 * 1024 * 1024
_GRADES = ("open", "partial", "closed")
_HF_NO_LICENCE = frozenset({"unknown", "other", ""})

# Which MOF components an EU index grade speaks for. A component counts as listed when any of its
# parameters is graded open or partial; the index states no licence per component, so only the
# end model's weights get one (the record's `endmodellicense`). Preprints and papers both stand for
# the MOF "Research paper", as MOT records list arXiv preprints there.
EU_COMPONENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Datasets", ("datasources_basemodel", "datasources_endmodel")),
    ("Data preprocessing code", ("trainingcode",)),
    ("Training code", ("trainingcode",)),
    ("Model parameters (Final)", ("weights_endmodel",)),
    ("Model card", ("modelcard",)),
    ("Data card", ("datasheet",)),
    ("Research paper", ("paper", "preprint")),
)


def load(path: str | Path) -> Release:
    """Read and parse one description file (the only function here that touches the disk)."""
    file = Path(path)
    data = read_input(file, what="a release description file")
    if len(data) > _MAX_BYTES:
        raise InputError(f"larger than {_MAX_BYTES} bytes: not a release description", path=file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", path=file) from None
    return parse(text, source=str(path))


def parse(text: str, *, source: str = "<text>") -> Release:
    """Recognise the format of ``text`` and read its facts; InputError if it is none of the 3."""
    header, body = _split_front_matter(text)
    if header is not None:
        meta = _yaml(header, source, first_line=2)
        if isinstance(meta, Mapping) and not _looks_like_record(meta):
            return _read_hf_card(meta, body, source)
    data = _yaml(text, source)
    if isinstance(data, Mapping):
        release = data.get("release")
        if isinstance(release, Mapping) and ("framework" in data or "components" in release):
            return _read_mof(data, source)
        if isinstance(data.get("system"), Mapping):
            return _read_eu(data, source)
    raise InputError(
        "not a recognised release description (expected MOF release YAML, "
        "an EU Open Source AI Index record, or a Hugging Face model card with a YAML header)",
        path=source,
    )


def _looks_like_record(meta: Mapping[Any, Any]) -> bool:
    # An EU or MOF YAML file may open with "---" and contain a later "---" document marker.
    return "release" in meta or "system" in meta


def _split_front_matter(text: str) -> tuple[str | None, str]:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None, text
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    return None, text


def _yaml(text: str, source: str, *, first_line: int = 1) -> Any:
    try:
        return load_yaml(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = None if mark is None else mark.line + first_line
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"not valid YAML: {problem}", path=source, line=line) from exc


def _text(value: Any) -> str | None:
    """A scalar as text; None for absent or empty values (the MOT's ``empty()``)."""
    if value is None or isinstance(value, (Mapping, list)):
        return None
    text = str(value).strip()
    return text or None


# --- MOF release YAML -------------------------------------------------------------------------


def _read_mof(data: Mapping[Any, Any], source: str) -> Release:
    release = data["release"]
    diagnostics: list[Diagnostic] = []
    licences = _mof_globals(release.get("license"), diagnostics)
    components: dict[str, ComponentFact] = {}
    raw_components = release.get("components")
    if raw_components is None:
        raw_components = []
    if not isinstance(raw_components, list):
        diagnostics.append(Diagnostic("bad-components", "not a list; no component read", "release"))
        raw_components = []
    for index, item in enumerate(raw_components):
        where = f"release.components[{index}]"
        fact = _mof_component(item, where, diagnostics)
        if fact is None:
            continue
        if fact.name in components:
            diagnostics.append(
                Diagnostic(
                    "duplicate-component", f"{fact.name!r} listed again; the last wins", where
                )
            )
        components[fact.name] = fact
    return Release(
        source=source,
        source_format=SourceFormat.MOF,
        name=_text(release.get("name")),
        version=_text(release.get("version")),
        producer=_text(release.get("producer")),
        date=_text(release.get("date")),
        base_model=_text(release.get("origin")),
        types=tuple(t for t in [_text(release.get("type"))] if t),
        licences=licences,
        components=tuple(components.values()),
        diagnostics=tuple(diagnostics),
    )


def _mof_globals(value: Any, diagnostics: list[Diagnostic]) -> GlobalLicences:
    if value is None:
        return GlobalLicences()
    if not isinstance(value, Mapping):
        diagnostics.append(Diagnostic("bad-license", "not a mapping; ignored", "release.license"))
        return GlobalLicences()
    names: dict[str, str | None] = {}
    for key in ("distribution", "code", "data", "document"):
        entry = value.get(key)
        name = entry.get("name") if isinstance(entry, Mapping) else None
        names[key] = _verbatim(name, f"release.license.{key}.name", diagnostics)
    return GlobalLicences(**names)


def _verbatim(value: Any, where: str, diagnostics: list[Diagnostic]) -> str | None:
    """A MOF licence string exactly as written: the MOT compares it unchanged to the SPDX ids."""
    if value is None or isinstance(value, (Mapping, list)):
        return None
    text = str(value)
    if text and text != text.strip():
        diagnostics.append(
            Diagnostic(
                "licence-whitespace", f"{text!r} has surrounding spaces; kept as written", where
            )
        )
    return text or None


def _mof_component(item: Any, where: str, diagnostics: list[Diagnostic]) -> ComponentFact | None:
    if not isinstance(item, Mapping):
        diagnostics.append(Diagnostic("bad-component", "not a mapping; skipped", where))
        return None
    name = _text(item.get("name"))
    if name is None or component_by_name(name) is None:
        diagnostics.append(
            Diagnostic("unknown-component", f"{name!r} is not a MOF component", where)
        )
        return None
    raw = item.get("license")
    # As in the MOT: an absent or null licence inherits; "unlicensed" or "" means none.
    if raw is None:
        state, licence = LicenceState.INHERIT, None
    elif str(raw) in ("", "unlicensed"):
        state, licence = LicenceState.UNLICENSED, None
    else:
        state, licence = LicenceState.STATED, _verbatim(raw, f"{where}.license", diagnostics)
    return ComponentFact(
        name=name,
        state=state,
        licence=licence,
        evidence=where,
        path=_text(item.get("component_path")),
        licence_path=_text(item.get("license_path")),
    )


# --- European Open Source AI Index record -----------------------------------------------------


def _read_eu(data: Mapping[Any, Any], source: str) -> Release:
    system = data["system"]
    diagnostics: list[Diagnostic] = []
    grades = tuple(_eu_grade(data, param, diagnostics) for param in eu_index.param_refs())
    by_param = {grade.param: grade for grade in grades}
    types = tuple(t.strip() for t in (_text(system.get("type")) or "").split(",") if t.strip())
    raw_licence = _text(system.get("endmodellicense"))
    components = []
    absences = []
    for name, params in EU_COMPONENTS:
        listed = [by_param[p] for p in params if by_param[p].grade in ("open", "partial")]
        if not listed:
            absences.append((name, "; ".join(_grade_evidence(by_param[p]) for p in params)))
            continue
        evidence = "; ".join(_grade_evidence(g) for g in listed)
        if name == "Model parameters (Final)":
            components.append(_licensed_fact(name, raw_licence, evidence, "system.endmodellicense"))
        else:
            components.append(
                ComponentFact(name=name, state=LicenceState.UNKNOWN, evidence=evidence)
            )
    org = data.get("org")
    notes = []
    if raw_licence:
        notes.append(f"end model licence as recorded by the index: {raw_licence}")
    return Release(
        source=source,
        source_format=SourceFormat.EU_OSAI,
        name=_text(system.get("endmodelname")) or _text(system.get("name")),
        producer=_text(org.get("name")) if isinstance(org, Mapping) else None,
        date=_text(system.get("releasedate")),
        base_model=_text(system.get("basemodelname")),
        types=types,
        components=tuple(components),
        absences=tuple(absences),
        grades=grades,
        notes=tuple(notes),
        diagnostics=tuple(diagnostics),
    )


def _eu_grade(data: Mapping[Any, Any], param: str, diagnostics: list[Diagnostic]) -> Grade:
    entry = data.get(param)
    if not isinstance(entry, Mapping):
        if entry is not None:
            diagnostics.append(Diagnostic("bad-grade", "not a mapping; read as ungraded", param))
        return Grade(param=param, grade=None)
    raw = _text(entry.get("class"))
    grade = raw if raw in _GRADES else None
    if raw is not None and grade is None:
        diagnostics.append(Diagnostic("unknown-grade", f"class {raw!r} counts as ungraded", param))
    return Grade(
        param=param,
        grade=grade,
        links=_links(entry.get("link")),
        notes=_text(entry.get("notes")) or "",
        raw=raw if grade is None else None,
    )


def _links(value: Any) -> tuple[str, ...]:
    values: Iterable[Any] = value if isinstance(value, list) else [value]
    return tuple(t for t in (_text(v) for v in values) if t)


def _grade_evidence(grade: Grade) -> str:
    link = f" {grade.links[0]}" if grade.links else ""
    return f"EU index {grade.param}={grade.grade or 'ungraded'}{link}"


def _licensed_fact(name: str, raw: str | None, evidence: str, field: str) -> ComponentFact:
    if raw is None or raw.lower().startswith("unknown"):
        return ComponentFact(
            name=name, state=LicenceState.UNKNOWN, raw_licence=raw, evidence=evidence
        )
    spdx = normalise(raw)
    return ComponentFact(
        name=name,
        state=LicenceState.STATED,
        licence=spdx or raw,
        raw_licence=raw if spdx != raw else None,
        evidence=evidence,
        licence_field=field,
    )


# --- Hugging Face model card ------------------------------------------------------------------


def _read_hf_card(meta: Mapping[Any, Any], body: str, source: str) -> Release:
    licence, raw_licence = _hf_licence(meta)

    def repo_file(name: str, evidence: str) -> ComponentFact:
        # The card's `license` is the licence of the model repository, which holds the card and
        # the weights it describes. Without one, the licence of those files is unknown, not absent.
        if licence is None:
            return ComponentFact(
                name, LicenceState.UNKNOWN, raw_licence=raw_licence, evidence=evidence
            )
        return ComponentFact(
            name,
            LicenceState.STATED,
            licence=licence,
            raw_licence=raw_licence if raw_licence != licence else None,
            evidence=evidence,
            licence_field="card: license",
        )

    components = [
        repo_file("Model parameters (Final)", "the model repository the card describes"),
        repo_file("Model card", "this card"),
    ]
    if _has_eval_results(meta.get("model-index")):
        components.append(repo_file("Evaluation results", "card: model-index"))
    datasets = _strings(meta.get("datasets"))
    if datasets:
        # A dataset's licence is stated in its own card, not in the model's.
        components.append(
            ComponentFact(
                "Datasets", LicenceState.UNKNOWN, evidence="card: datasets: " + ", ".join(datasets)
            )
        )
    papers = [t for t in _strings(meta.get("tags")) if t.lower().startswith("arxiv:")]
    if papers:
        components.append(
            ComponentFact(
                "Research paper", LicenceState.UNKNOWN, evidence="card: tags: " + ", ".join(papers)
            )
        )
    notes = []
    if raw_licence is not None and licence != raw_licence:
        notes.append(f"card licence as written: {raw_licence}")
    if licence is None:
        notes.append("the card states no licence id (license missing, 'other' or 'unknown')")
    if any(str(key).startswith("extra_gated") for key in meta):
        notes.append("downloads are gated (extra_gated_* fields): access needs a request")
    base_models = _strings(meta.get("base_model"))
    if base_models:
        notes.append("fine-tuned or derived from: " + ", ".join(base_models))
    return Release(
        source=source,
        source_format=SourceFormat.HF_CARD,
        name=_hf_name(meta, body),
        base_model=", ".join(base_models) or None,
        components=tuple(components),
        notes=tuple(notes),
    )


def _hf_licence(meta: Mapping[Any, Any]) -> tuple[str | None, str | None]:
    """(licence id or name for assessment, text as written)."""
    raw = _text(meta.get("license"))
    if isinstance(meta.get("license"), list):
        raw = ", ".join(_strings(meta.get("license"))) or None
    if raw is None:
        return None, None
    if raw.lower() == "other":
        # A custom licence: its name is what the card says it is.
        name = _text(meta.get("license_name"))
        return name, f"other ({name})" if name else raw
    if raw.lower() in _HF_NO_LICENCE:
        return None, raw
    return normalise(raw) or raw, raw


def _has_eval_results(model_index: Any) -> bool:
    if not isinstance(model_index, list):
        return False
    return any(
        isinstance(entry, Mapping)
        and isinstance(entry.get("results"), list)
        and len(entry["results"]) > 0
        for entry in model_index
    )


def _strings(value: Any) -> list[str]:
    values: Iterable[Any] = value if isinstance(value, list) else [value]
    return [t for t in (_text(v) for v in values) if t]


def _hf_name(meta: Mapping[Any, Any], body: str) -> str | None:
    model_index = meta.get("model-index")
    if isinstance(model_index, list) and model_index and isinstance(model_index[0], Mapping):
        name = _text(model_index[0].get("name"))
        if name:
            return name
    for line in body.splitlines():
        if line.startswith("# "):
            title = line[2:].strip()
            # The Hub's card template titles cards "Model Card for <model id>".
            if title.lower().startswith("model card for "):
                title = title[len("model card for ") :].strip()
            return title or None
    return _text(meta.get("model_name"))
