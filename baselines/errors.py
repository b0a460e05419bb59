"""Errors a baseline run reports to the organiser who started it."""


class BaselineError(Exception):
    """Bad input or setup (a missing field, an unknown method, a spec the method cannot serve).

    The message names the file and line where there is one; the CLI exits with status 2.
    """
