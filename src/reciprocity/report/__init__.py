"""What a run gives back: credit, the obligation ledger, the dataset card, Croissant, the EU
summary, model preferences and the open export, each computed from the run's own files
(``decisions.parquet`` and ``run.json``), never from the inputs again.

::

    from reciprocity.report import write_report
    write_report("run")            # -> run/report/attribution.jsonl, obligations.json, …
    export_open("run", "open/")    # the kept documents under open licences, with credit
"""

from reciprocity.report.export import ExportSummary, export_open
from reciprocity.report.options import ReportOptions
from reciprocity.report.run import RunFiles, open_run
from reciprocity.report.write import ReportFiles, write_report

__all__ = [
    "ExportSummary",
    "ReportFiles",
    "ReportOptions",
    "RunFiles",
    "export_open",
    "open_run",
    "write_report",
]
