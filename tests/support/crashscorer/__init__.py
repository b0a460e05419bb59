"""A stand-in scorer that crashes with a traceback and no JSON."""
