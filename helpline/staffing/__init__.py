"""Staffing advice from the anonymous call records: offered load and Erlang-B.

:mod:`helpline.staffing.erlang` is pure (no I/O, imports nothing of the service;
import-linter checks it); :mod:`helpline.staffing.advice` reads the database.
"""
