"""Volunteers: their duty by SMS, reminders, pauses after missed calls, notes, SMS out.

- ``commands``   what an SMS asks for (pure parsing)
- ``duty``       :class:`~duty.Duty`: ON, OFF, PAUSE, STATUS, HELP and the note digit
- ``timetable``  her shifts now, ahead and today, as her SMS speak of them
- ``reminders``  the tick's part: check-in resets and shift reminders
- ``calls``      what calls mean for her: missed in a row, accepted, the note asked
- ``notes``      the anonymous topic of a call she answered
- ``messages``   outbound SMS: a row, then a job that sends it through Twilio
- ``directory``  volunteers added or updated from a volunteers file

May import: prompts (SMS texts), shifts, the store and Redis state, ``routing``.
Never Flask or the web layer.
"""
