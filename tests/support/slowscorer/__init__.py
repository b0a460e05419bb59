"""A stand-in scorer that hangs: for timeout and killed-worker tests (PODIUM_SCORER_MODULE)."""
