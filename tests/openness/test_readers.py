"""Format recognition, what each reader keeps, and the errors for inputs it cannot read."""

from __future__ import annotations

from pathlib import Path

import pytest
from openness_support import DATA, eu_dir, mot_dir

from reciprocity.errors import InputError
from reciprocity.openness import LicenceState, SourceFormat, load, parse


def test_formats_are_recognised_by_content() -> None:
    assert load(mot_dir() / "models" / "OLMo-7B.yml").source_format is SourceFormat.MOF
    # EU records open with "---" (a YAML document marker), which must not read as a card header.
    eu = load(eu_dir() / "main-database" / "Lucie.yaml")
    assert eu.source_format is SourceFormat.EU_OSAI
    assert load(DATA / "Tern-7B.README.md").source_format is SourceFormat.HF_CARD


def test_mof_licences_are_kept_as_written() -> None:
    release = load(mot_dir() / "models" / "Falcon-180B.yml")
    assert release.licences.distribution == " Falcon-180B TII License"
    assert "licence-whitespace" in {d.code for d in release.diagnostics}


def test_mof_component_licence_states() -> None:
    release = load(mot_dir() / "sample_model.yml")
    states = {c.name: c.state for c in release.components}
    assert states["Model architecture"] is LicenceState.UNLICENSED
    assert states["Data preprocessing code"] is LicenceState.STATED
    assert states["Training code"] is LicenceState.INHERIT
    assert release.licences.distribution == "Apache-2.0"
    assert release.licences.code == "MIT"
    assert release.licences.data is None


def test_mof_unknown_and_duplicate_components_are_diagnosed() -> None:
    text = """\
framework: {name: Model Openness Framework, version: '1.0', date: '2024-12-15'}
release:
  name: x
  license: {distribution: {name: MIT}}
  components:
    - {name: Log files}
    - {name: Model card, license: CC-BY-4.0}
    - {name: Model card}
"""
    release = parse(text)
    assert [d.code for d in release.diagnostics] == ["unknown-component", "duplicate-component"]
    card = release.component("Model card")
    assert card is not None
    assert card.state is LicenceState.INHERIT


def test_eu_record_lists_graded_components_with_unknown_licences() -> None:
    release = load(eu_dir() / "main-database" / "Lucie.yaml")
    assert release.name == "Lucie-7B-Instruct-v1.1"
    assert release.types == ("text",)
    weights = release.component("Model parameters (Final)")
    assert weights is not None
    assert (weights.state, weights.licence) == (LicenceState.STATED, "Apache-2.0")
    assert weights.licence_field == "system.endmodellicense"
    training = release.component("Training code")
    assert training is not None
    assert training.state is LicenceState.UNKNOWN
    assert release.component("Model architecture") is None
    assert release.grades is not None
    assert len(release.grades) == 12


def test_eu_free_text_licence_is_normalised_only_when_unambiguous() -> None:
    release = load(eu_dir() / "main-database" / "llama-3.1.yaml")
    assert release.component("Model parameters (Final)") is None  # graded closed
    assert "weights_endmodel=closed" in dict(release.absences)["Model parameters (Final)"]
    mit = parse(
        "system:\n  name: X\n  type: text\n  endmodellicense: MIT License\n"
        "weights_endmodel:\n  class: open\n"
    )
    weights = mit.component("Model parameters (Final)")
    assert weights is not None
    assert (weights.licence, weights.raw_licence) == ("MIT", "MIT License")


def test_hf_card_header() -> None:
    release = load(DATA / "Tern-7B.README.md")
    assert release.name == "Tern-7B"
    weights = release.component("Model parameters (Final)")
    assert weights is not None
    assert (weights.state, weights.licence, weights.raw_licence) == (
        LicenceState.STATED,
        "Apache-2.0",
        "apache-2.0",
    )
    datasets = release.component("Datasets")
    assert datasets is not None
    assert datasets.state is LicenceState.UNKNOWN
    assert "example-org/tern-pretraining-mix" in datasets.evidence


def test_hf_card_custom_licence_gating_and_results() -> None:
    card = """\
---
license: other
license_name: llama3
extra_gated_prompt: Accept the licence
base_model: meta-llama/Meta-Llama-3-8B
tags: [arxiv:2407.21783]
model-index:
  - name: Example-8B
    results:
      - task: {type: text-generation}
---
# Example
"""
    release = parse(card, source="README.md")
    assert release.name == "Example-8B"
    weights = release.component("Model parameters (Final)")
    assert weights is not None
    assert weights.licence == "llama3"
    assert release.component("Evaluation results") is not None
    paper = release.component("Research paper")
    assert paper is not None
    assert paper.state is LicenceState.UNKNOWN
    assert any("gated" in note for note in release.notes)
    assert release.base_model == "meta-llama/Meta-Llama-3-8B"


def test_hf_card_without_licence_is_unknown_not_unlicensed() -> None:
    release = parse("---\ntags: [x]\n---\n# Bare\n")
    weights = release.component("Model parameters (Final)")
    assert weights is not None
    assert weights.state is LicenceState.UNKNOWN


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("just some words\n", "not a recognised release description"),
        ("- a\n- list\n", "not a recognised release description"),
        ("release: [unclosed\n", "not valid YAML"),
        ("---\nlicense: [x\n---\n# card\n", "not valid YAML"),
        ("", "not a recognised release description"),
    ],
)
def test_unrecognised_input_raises(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse(text, source="in.yml")


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "absent.yml")
    with pytest.raises(InputError, match="is a directory"):
        load(tmp_path)
    binary = tmp_path / "weights.bin"
    binary.write_bytes(b"\x80\x81\x82")
    with pytest.raises(InputError, match="not UTF-8"):
        load(binary)
