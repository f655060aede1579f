"""Routing: which volunteer gets this call.

``routing.policy`` is pure: it takes plain values and returns decisions, with no
I/O, no Redis client and no Flask globals (checked by import-linter in CI).
``routing.availability`` is the Redis adapter: the live availability queue and its
atomic Lua scripts (``routing/lua``); ``routing.keys`` names every Redis key.
"""
