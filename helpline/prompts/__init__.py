"""Prompts: the helpline's languages and every word it says or sends.

- ``catalog``     the languages of ``languages.yaml`` with their prompt texts
                  (``text/<code>.yaml``), checked at start-up
- ``files``       reading and checking those files (every mistake names the file
                  and line)
- ``sms_texts``   the volunteers' SMS texts (``sms/<code>.yaml``)
- ``recordings``  the recorded prompts on disk, and how each prompt is voiced
- ``hours``       opening hours in words, in a caller's language (CLDR)
- ``check``       ``helpline prompts check``

May import the settings and ``schedules`` (for opening hours); nothing else of
the service.
"""
