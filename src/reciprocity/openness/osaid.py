"""OSI Open Source AI Definition 1.0: the three elements of the preferred form for modification.

Checked as OSI's Checklist 1.0 lays them out over MOF components:

* **Data information** under OSI-approved terms. The Checklist points at the datasets, research
  paper, technical report and data card; one of them suffices here (draft Checklist v0.0.9: "at
  least one of these data components is required"). Whether the information is detailed enough
  for a skilled person to rebuild the system is a judgement no licence check can make.
* **Code** under OSI-approved licences: data pre-processing, training, validation and testing
  (MOF evaluation code), inference, model architecture, and supporting libraries if used.
* **Parameters** (final weights) under OSI-approved terms: free terms without field-of-use or
  user restrictions (open licences as the MOT counts them).

The training data itself is not required by OSAID 1.0.
"""

from __future__ import annotations

from reciprocity.openness.checks import open_terms, osi_approved, require, verdict
from reciprocity.openness.model import FrameworkResult, MofResult

__all__ = ["DATA_INFORMATION", "evaluate"]

DATA_INFORMATION = ("Data card", "Datasets", "Technical report", "Research paper")
_CODE = (
    ("data-preprocessing", "Data preprocessing code"),
    ("training", "Training code"),
    ("validation-testing", "Evaluation code"),
    ("inference", "Inference code"),
    ("architecture", "Model architecture"),
)


def evaluate(mof: MofResult) -> FrameworkResult:
    requirements = [
        require(
            mof,
            "osaid.data-information",
            "Data information",
            rule_text="one of " + ", ".join(DATA_INFORMATION) + " under OSI-approved terms",
            names=DATA_INFORMATION,
            rule=open_terms,
            any_of=True,
        )
    ]
    requirements.extend(
        require(
            mof,
            f"osaid.code.{key}",
            f"Code: {name}",
            rule_text="OSI-approved licence",
            names=[name],
            rule=osi_approved,
        )
        for key, name in _CODE
    )
    requirements.append(
        require(
            mof,
            "osaid.code.supporting-libraries",
            "Code: Supporting libraries and tools",
            rule_text="OSI-approved licence",
            names=["Supporting libraries and tools"],
            rule=osi_approved,
            required=False,
        )
    )
    requirements.append(
        require(
            mof,
            "osaid.parameters",
            "Parameters",
            rule_text="final weights under OSI-approved terms (no use restrictions)",
            names=["Model parameters (Final)"],
            rule=open_terms,
        )
    )
    return FrameworkResult("OSAID 1.0", verdict(requirements), tuple(requirements))
