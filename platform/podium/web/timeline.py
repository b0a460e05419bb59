"""What the task list and task page say about phases: which is open, what comes next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from podium.sharedtasks.models import Phase, SharedTask


@dataclass(frozen=True)
class PhaseState:
    phase: Phase
    state: str  # open, upcoming, ended

    @property
    def label(self) -> str:
        return {"open": "Open", "upcoming": "Upcoming", "ended": "Ended"}[self.state]


@dataclass(frozen=True)
class Timeline:
    phases: list[PhaseState]
    open: list[Phase]
    next: Phase | None  # the next phase to start
    starts: datetime | None
    ends: datetime | None

    @property
    def status(self) -> str:
        """One line for the task list."""
        if self.open:
            return "Open: " + ", ".join(p.name for p in self.open)
        if self.next is not None:
            return "Upcoming"
        if self.phases:
            return "Finished"
        return "No phases yet"

    @property
    def status_key(self) -> str:
        if self.open:
            return "open"
        return "upcoming" if self.next is not None else "ended"


def task_timeline(task: SharedTask, *, now: datetime | None = None) -> Timeline:
    """Reads `task.phases.all()`, so prefetched phases cost no query."""
    now = now or timezone.now()
    phases = sorted(task.phases.all(), key=lambda p: (p.start, p.slug))
    states = []
    for phase in phases:
        if phase.is_open(now):
            state = "open"
        elif now < phase.start:
            state = "upcoming"
        else:
            state = "ended"
        states.append(PhaseState(phase=phase, state=state))
    upcoming = [s.phase for s in states if s.state == "upcoming"]
    return Timeline(
        phases=states,
        open=[s.phase for s in states if s.state == "open"],
        next=upcoming[0] if upcoming else None,
        starts=phases[0].start if phases else None,
        ends=max((p.end for p in phases), default=None),
    )
