"""Fuzzing of detente's entry points for untrusted input (docs/security.md).

:mod:`fuzz.targets` holds one function per entry point, taking raw bytes; the hypothesis tests
in ``tests/hostile/test_fuzz.py`` run them on bounded examples in ``make test``, and
``fuzz/run.py`` runs them under atheris (coverage-guided) on demand with ``make fuzz``.
"""
