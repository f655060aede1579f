"""The coordinator interface's Norwegian and Danish texts, as Babel catalogs (no code):
``messages.pot`` lists the English texts marked in ``helpline/coordinator``, each
``<locale>/LC_MESSAGES/messages.po`` is what translators edit, and ``messages.mo`` is
its compiled form, which Flask-Babel loads. ``bash scripts/translations`` keeps them
in step with the code."""
