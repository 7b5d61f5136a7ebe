"""Located warnings and the error raised when code cannot be read as a component."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    """A warning or error at a 1-based line and column of a file."""

    message: str
    file: str
    line: int
    column: int

    def to_api(self) -> dict:
        return {"message": self.message, "file": self.file, "line": self.line, "column": self.column}

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class ExtractionError(Exception):
    """Code that does not parse, or that has no component export."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic
