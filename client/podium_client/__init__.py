"""podium: the participant's command-line client of a Podium server (no Django needed)."""

__version__ = "0.1.0"
