"""The "truly open" criteria of LINAGORA / OpenLLM-France.

Three criteria, each checked on MOF components:

1. **free use**: the final weights under a free licence without use restrictions (non-commercial,
   no-derivatives and custom "open" model licences with acceptable-use terms fail);
2. **open training method**: training code and data preprocessing code under OSI-approved licences;
3. **open training data**: the training datasets themselves published under a free licence that
   allows retraining the model (unlike OSAID 1.0, a description of the data is not enough).
"""

from __future__ import annotations

from reciprocity.openness.checks import open_terms, osi_approved, require, verdict
from reciprocity.openness.model import FrameworkResult, MofResult

__all__ = ["evaluate"]


def evaluate(mof: MofResult) -> FrameworkResult:
    requirements = (
        require(
            mof,
            "truly-open.free-use",
            "Free use",
            rule_text="final weights under a free licence without use restrictions",
            names=["Model parameters (Final)"],
            rule=open_terms,
        ),
        require(
            mof,
            "truly-open.training-method",
            "Open training method",
            rule_text="training and data preprocessing code under OSI-approved licences",
            names=["Training code", "Data preprocessing code"],
            rule=osi_approved,
        ),
        require(
            mof,
            "truly-open.training-data",
            "Open training data",
            rule_text="training datasets under a free licence that allows retraining",
            names=["Datasets"],
            rule=open_terms,
        ),
    )
    return FrameworkResult("truly open", verdict(requirements), requirements)
