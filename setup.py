"""The scorers' C extension; everything else about the package is in pyproject.toml.

setup.py rather than pyproject's [tool.setuptools.ext-modules], which setuptools still calls
experimental and likely to change: a build must not break with a new setuptools release.

scorers._spans is the fast path's byte scanning (scorers/csrc/, docs/scorers.md "Speed"), so
installing Podium needs a C compiler and Python's headers (Debian: gcc, python3-dev).
scorers.fastpath falls back to the thorough reader where it is missing, with the same results,
only slower.
"""

from setuptools import Extension, setup

SOURCES = ["module", "lines", "numbers", "factor", "join", "columns", "mapping"]

setup(
    ext_modules=[
        Extension(
            "scorers._spans",
            sources=[f"scorers/csrc/{name}.c" for name in SOURCES],
            depends=["scorers/csrc/spans.h"],
            # -O3: the byte loops of scan_bytes are vectorised (SSE2, what every x86-64 has).
            extra_compile_args=["-O3"],
        )
    ]
)
