"""The one compiled part of tender; everything else is declared in pyproject.toml.

``tender.core.noark._records`` turns libxml2's validating parse into the unit records the Noark 5 content
checks read, so that a file is parsed once. It needs only a C compiler and the Python headers: the
libxml2 functions it calls arrive as pointers from the library ``tender.core.noark.libxml2`` loads.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "tender.core.noark._records",
            sources=["tender/core/noark/_records.c"],
            extra_compile_args=["-O2", "-Wall", "-Wextra"],
        )
    ]
)
