"""What the clock (`manage.py advance_measurements`) does besides moving measurements along:
steps that apps above the core register (e.g. the dialogue's reminders), run in each round
after the measurements' own steps. A step takes the time and returns lines to print."""

from collections.abc import Callable, Iterable
from datetime import datetime

Step = Callable[[datetime], Iterable[str]]
_STEPS: dict[str, Step] = {}


def register_step(name: str, step: Step) -> None:
    _STEPS[name] = step


def steps() -> list[tuple[str, Step]]:
    return list(_STEPS.items())
