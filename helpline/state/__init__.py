"""Live state in Redis: what changes by the second and may be rebuilt or forgotten.

- ``connection``  the client (a server at ``REDIS_URL``, or an embedded one)
- ``keys``        the registry of every key the service writes
- ``calls``       the progress of calls in flight, under the call's opaque ref
- ``counters``    missed calls in a row, pending notes, reminders sent, login
                  attempts, the tick's lock
- ``jobs``        the RQ queue, with every job named once

The availability queue itself is :mod:`routing.availability`. May import the
settings and ``routing``; nothing here knows Flask, SQLAlchemy or Twilio. No key or
value holds a phone number.
"""
