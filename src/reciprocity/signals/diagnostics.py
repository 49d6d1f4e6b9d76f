"""What a lenient parser repaired or skipped, kept on its result instead of logged away."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Diagnostic"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One skipped or repaired line: 1-based ``line`` (0: not tied to a line), a stable ``code``."""

    line: int
    code: str
    message: str

    def at(self, line: int) -> Diagnostic:
        """The same diagnostic on ``line`` (a reading remembered per value is placed per page)."""
        return Diagnostic(line, self.code, self.message)

    def __str__(self) -> str:
        return (
            f"line {self.line}: {self.code}: {self.message}"
            if self.line
            else (f"{self.code}: {self.message}")
        )
