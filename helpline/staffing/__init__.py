"""Staffing advice from the anonymous call records: offered load and Erlang-B.

:mod:`helpline.staffing.erlang` and :mod:`helpline.staffing.advice` are pure (no
I/O; import-linter checks the first); ``helpline staffing``
(:mod:`helpline.cli.staffing`) reads the records and the schedule and prints them.
"""
