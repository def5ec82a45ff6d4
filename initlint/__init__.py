"""initlint: a static linter for neural-network weight-initialization bugs.

Kept import-light on purpose: `import initlint` must not pull in libcst or the analysis core.
"""
__version__ = "0.1.0"
