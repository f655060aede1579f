"""Shifts: the stored schedule, who is on shift now, and the router kept in step.

- ``service``  :class:`~service.Shifts`: the schedule read from the database (parsed
               again only when it changed), the truth of who may take calls at an
               instant, imports and edits validated as a whole, Redis following
- ``files``    schedule files read from disk for an import

The rules themselves (shifts, exceptions, time zones, the file format) are the
pure ``schedules`` package. May import: the store, ``routing``, ``schedules``.
"""
