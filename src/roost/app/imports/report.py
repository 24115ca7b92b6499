"""What an import run tells its caller: problems with their file and line, counts,
and the progress callback's shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

MAX_PROBLEMS = 1000  # reported; more are counted

# Called with (lines done, lines in all) as a run goes.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Problem:
    where: str
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.where}:{self.line}: {self.message}"
            if self.line
            else f"{self.where}: {self.message}"
        )


@dataclass(slots=True)
class Report:
    lines: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def problem(self, where: str, line: int, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(where, line, message))

    def add(self, what: str, n: int = 1) -> None:
        if n:
            self.counts[what] = self.counts.get(what, 0) + n

    def to_dict(self) -> dict[str, object]:
        return {
            "lines": self.lines,
            "dry_run": self.dry_run,
            "problem_count": self.problem_count,
            "problems": [str(p) for p in self.problems],
            "notes": list(self.notes),
            "counts": dict(self.counts),
            "elapsed_s": round(self.elapsed_s, 2),
        }
