"""Task files: a YAML description of a whole shared task (docs/task-file.md)."""
