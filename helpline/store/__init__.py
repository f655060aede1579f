"""The durable store: the database and this host's record spool.

- ``models``        SQLAlchemy models: volunteers and their languages, schedule
                    documents, the anonymous call log, accounts, the audit log,
                    outbound SMS
- ``database``      the engine and :meth:`~database.Database.unit_of_work`
- ``unit_of_work``  one transaction per use case, committed only by the use case
- ``repositories``  every query, one class per table group
- ``outbox``        call records spooled to disk while the database is down
- ``migrations``    Alembic upgrades

May import: the settings. Nothing here knows Flask, Redis or Twilio; SQLAlchemy
is imported nowhere else in the service.
"""
