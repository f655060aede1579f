"""Routing: which volunteer gets this call.

Pure modules (no I/O, no Redis client, no Flask globals; import-linter checks
``routing.policy`` in CI and ``tests/unit/routing/test_purity.py`` all of them):

- ``routing.policy``: the order in which free volunteers are offered a call;
- ``routing.model``: records and states as plain values;
- ``routing.reference``: the availability rules in memory, the tests' reference;
- ``routing.status``: why each volunteer is or is not free (``helpline routing status``);
- ``routing.drift``: where Redis differs from the truth;
- ``routing.ring``: ring plans (sequential or simultaneous);
- ``routing.keys``: every Redis key name and the queue entry format.

Adapter: ``routing.availability`` (the Redis availability queue), running the
atomic Lua scripts of ``routing/lua`` (loaded by ``routing.scripts``), and
logging every decision through ``routing.decisions``.
"""
