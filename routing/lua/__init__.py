"""The router's Lua scripts, one per file, each with a KEYS/ARGV header.

Loaded by :mod:`routing.scripts`; every key a script touches comes in ``KEYS``.
"""
