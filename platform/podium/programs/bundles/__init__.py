"""Codabench (competition.yaml `version: 2`) and CodaLab (v1.5 / v1.8) bundles, imported as
Podium tasks whose subtasks are scored by the bundle's own scoring programs (docs/bundles.md)."""
