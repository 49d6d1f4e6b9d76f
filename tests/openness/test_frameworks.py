"""OSAID 1.0, the truly-open criteria and the licence rules behind them."""

from __future__ import annotations

import pytest
from openness_support import DATA, eu_dir, mot_dir

from reciprocity.openness import CheckStatus, Verdict, assess, load, parse
from reciprocity.openness.licenses import describe, is_mot_open, normalise, shortfall


def _statuses(path_or_text: str, framework: str) -> dict[str, CheckStatus]:
    assessment = assess(parse(path_or_text))
    result = assessment.osaid if framework == "osaid" else assessment.truly_open
    return {r.key: r.status for r in result.requirements}


def test_olmo_passes_osaid_and_truly_open() -> None:
    assessment = assess(load(mot_dir() / "models" / "OLMo-7B.yml"))
    assert assessment.mof.mof_class == 1
    assert assessment.osaid.verdict is Verdict.PASS
    assert assessment.truly_open.verdict is Verdict.PASS


@pytest.mark.parametrize("model", ["Llama-3-8B", "BLOOM", "Llama-3.1-70B"])
def test_custom_model_licences_fail(model: str) -> None:
    assessment = assess(load(mot_dir() / "models" / f"{model}.yml"))
    assert assessment.osaid.verdict is Verdict.FAIL
    assert assessment.truly_open.verdict is Verdict.FAIL
    free_use = assessment.truly_open.requirements[0]
    assert free_use.status is CheckStatus.NOT_MET
    assert free_use.licence is not None
    assert free_use.licence in free_use.reason


def test_unlicensed_weights_grant_nothing() -> None:
    assessment = assess(load(mot_dir() / "models" / "gemma-7b.yml"))
    free_use = assessment.truly_open.requirements[0]
    assert free_use.status is CheckStatus.NOT_MET
    assert "no licence" in free_use.reason
    assert assessment.truly_open.verdict is Verdict.FAIL


def test_missing_facts_make_an_incomplete_verdict_not_a_failure() -> None:
    assessment = assess(load(mot_dir() / "models" / "Mistral-7B-v0.1.yml"))
    assert assessment.osaid.verdict is Verdict.INCOMPLETE
    training = {r.key: r for r in assessment.osaid.requirements}["osaid.code.training"]
    assert training.status is CheckStatus.MISSING


def test_card_unknown_dataset_licence() -> None:
    assessment = assess(load(DATA / "Tern-7B.README.md"))
    requirements = {r.key: r for r in assessment.truly_open.requirements}
    assert requirements["truly-open.free-use"].status is CheckStatus.MET
    assert requirements["truly-open.training-data"].status is CheckStatus.UNKNOWN
    assert assessment.truly_open.verdict is Verdict.INCOMPLETE


def test_lucie_eu_record_weights_from_endmodellicense() -> None:
    assessment = assess(load(eu_dir() / "main-database" / "Lucie.yaml"))
    assert assessment.truly_open.requirements[0].status is CheckStatus.MET
    assert assessment.eu_index.score == pytest.approx(0.8333, abs=5e-5)


_RELEASE = """\
framework: {{name: Model Openness Framework, version: '1.0', date: '2024-12-15'}}
release:
  name: x
  license: {{distribution: {{name: Apache-2.0}}}}
  components:
    - {{name: Model architecture}}
    - {{name: Model parameters (Final)}}
    - {{name: Training code}}
    - {{name: Data preprocessing code}}
    - {{name: Datasets, license: {data}}}
    - {{name: Data card, license: {card}}}
"""


def test_non_commercial_data_fails_truly_open_only() -> None:
    text = _RELEASE.format(data="CC-BY-NC-SA-4.0", card="CC-BY-4.0")
    truly = _statuses(text, "truly")
    assert truly["truly-open.training-data"] is CheckStatus.NOT_MET
    # OSAID asks for data information, not the data: the open data card satisfies it.
    osaid = _statuses(text, "osaid")
    assert osaid["osaid.data-information"] is CheckStatus.MET
    reason = assess(parse(text)).truly_open.requirements[2].reason
    assert "non-commercial" in reason


def test_code_needs_an_osi_approved_licence() -> None:
    text = _RELEASE.format(data="CC-BY-4.0", card="CC-BY-4.0").replace(
        "{name: Training code}", "{name: Training code, license: CC-BY-4.0}"
    )
    requirements = {r.key: r for r in assess(parse(text)).osaid.requirements}
    training = requirements["osaid.code.training"]
    assert training.status is CheckStatus.NOT_MET
    assert "not OSI-approved" in training.reason


def test_supporting_libraries_count_only_when_listed() -> None:
    base = _RELEASE.format(data="CC-BY-4.0", card="CC-BY-4.0")
    osaid = _statuses(base, "osaid")
    assert osaid["osaid.code.supporting-libraries"] is CheckStatus.MISSING
    listed = base + "    - {name: Supporting libraries and tools, license: Proprietary}\n"
    assert assess(parse(listed)).osaid.verdict is Verdict.FAIL


def test_licence_table_quirks_follow_the_mot() -> None:
    assert not is_mot_open("PDDL-1.0")  # the MOT lists "ODC-PDDL-1.0", not the SPDX id
    assert is_mot_open("ODC-PDDL-1.0")
    assert not is_mot_open("CC-PDDC")
    assert is_mot_open("OpenMDW-1.0")
    assert describe("CC0-1.0").content_types == frozenset({"document"})
    assert describe("Apache-2.0").content_types == frozenset({"code", "document"})
    assert not is_mot_open("apache-2.0")  # exact, case-sensitive ids


def test_normalise_and_shortfall() -> None:
    assert normalise("apache-2.0") == "Apache-2.0"
    assert normalise("MIT License") == "MIT"
    assert normalise("odc-by") == "ODC-By-1.0"
    assert normalise("Llama 3 Community License") is None
    assert "non-commercial" in shortfall("CC-BY-NC-4.0")
    assert "derivative" in shortfall("CC-BY-ND-4.0")
    assert "RAIL" in shortfall("bigscience-bloom-rail-1.0")
    assert "SPDX: Apache-2.0" in shortfall("Apache 2.0")
    assert "custom licence" in shortfall("Proprietary")
