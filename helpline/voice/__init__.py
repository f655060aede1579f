"""Voice: a helpline call from the menu to its one anonymous record.

- ``flow``       :class:`~flow.CallFlow`, the service: one method per step of a call,
                 each returning a plain step
- ``steps``      the steps (menu, ring, hold, fallback offer, closing, screening, ...)
- ``record``     the call's anonymous record and its outcome, from its progress
- ``emergency``  degraded mode: the duty-phone forward's record kept on disk
- ``twiml``      pure TwiML builders (plain values in, a ``VoiceResponse`` out)
- ``voicing``    a prompt as ``<Say>``, ``<Play>`` or the spoken fallback

May import: prompts, shifts, the store and Redis state, ``routing``. Never Flask:
the web layer (:mod:`helpline.web.voice`) renders the steps with their URLs.
"""
