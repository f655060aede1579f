"""The helpline service: one number, the caller's language, an on-shift volunteer.

Entry points over services over adapters and domain; imports point one way
(import-linter checks it in CI):

- entry points  ``app`` (the Flask app), ``wsgi``, ``web`` (Twilio's webhooks),
                ``coordinator`` (the coordinators' interface), ``jobs`` (RQ jobs,
                the worker, the periodic tick), ``cli`` (the ``helpline`` command),
                ``sim`` (the Twilio simulator behind ``helpline simulate``)
- wiring        ``bootstrap`` (the parts of one service), ``startup`` (what a
                local run does before serving)
- services      ``voice`` (the call flow), ``volunteers`` (duty by SMS, reminders,
                notes, SMS out), ``shifts`` (who is on shift; Redis follows),
                ``accounts`` (coordinators' logins), ``staffing`` (Erlang-B advice)
- adapters      ``store`` (the database), ``state`` (Redis), ``telephony``
                (Twilio's REST API), ``prompts`` (languages, prompt and SMS texts,
                recordings)
- foundations   ``settings``, ``clock``, ``privacy``

The domain rules live in the top-level packages ``routing`` and ``schedules``.
"""
