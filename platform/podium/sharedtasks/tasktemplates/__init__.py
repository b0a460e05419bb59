"""Task templates: start a task from one of the shared tasks Podium is built for
(fixtures/templates/, docs/templates.md)."""
