"""Language shift schedules: who is on shift for which language, when.

Pure domain code: no Flask, no Redis, no SQLAlchemy (checked by import-linter in
CI). It takes plain values and returns plain values; the service wires it to the
database and the router.
"""
