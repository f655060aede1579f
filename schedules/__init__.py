"""Language shift schedules: who is on shift for which language, when.

Pure domain code: no Flask, no Redis, no SQLAlchemy (checked by import-linter in
CI). It takes plain values and returns plain values; the service wires it to the
database and the router. Besides the standard library it uses ruamel.yaml (to
read files keeping every line), pydantic (to check them) and phonenumbers (Google's
libphonenumber, to check phone numbers).

The pieces, each in one place:

- ``model``       the schedule: weekly shifts, extra shifts, away ranges, closures,
                  opening hours, all in local wall-clock time
- ``timezones``   the rule that puts wall-clock times on real time, clock changes
                  included
- ``rules``       who is on shift at an instant; the intervals a schedule produces
- ``roster``      the same question answered from an index, fast enough for every call
- ``coverage``    a week's coverage, its gaps, a language's hours in plain words
- ``report``      the coverage report as text
- ``validation``  checks against the known volunteers and languages
- ``yaml_files``  reading any YAML file (ruamel.yaml, round trip) against a pydantic
                  model, with every problem at file:line
- ``yaml_io``     the coordinators' schedule files (``volunteers``: the volunteers file)
- ``edits``       a coordinator's edit made in the stored files, changing only the
                  entry it touches: comments and layout stay
- ``yaml_dump``   writing a schedule built in code as files (without comments)
- ``phones``      the one check of a phone number, used by the service too (the web
                  interface, the SMS webhook, the database, the settings)

The names most callers need are importable from here.
"""

from schedules.coverage import (
    Coverage,
    WeeklyHours,
    coverage,
    describe_hours,
    language_hours,
    week_coverage,
)
from schedules.exceptions import Problem, ScheduleError
from schedules.model import (
    Away,
    Closure,
    ExtraShift,
    ListedVolunteer,
    OpenSpan,
    Schedule,
    Source,
    TimeSpan,
    Weekday,
    WeeklyShift,
)
from schedules.report import coverage_report
from schedules.roster import Roster
from schedules.rules import Occurrence, is_open, occurrences, on_shift_at
from schedules.validation import validate
from schedules.volunteers import languages_spoken, load_volunteers, loads_volunteers
from schedules.yaml_io import dump, load_files, load_texts, loads

__all__ = [
    "Away",
    "Closure",
    "Coverage",
    "ExtraShift",
    "ListedVolunteer",
    "Occurrence",
    "OpenSpan",
    "Problem",
    "Roster",
    "Schedule",
    "ScheduleError",
    "Source",
    "TimeSpan",
    "Weekday",
    "WeeklyHours",
    "WeeklyShift",
    "coverage",
    "coverage_report",
    "describe_hours",
    "dump",
    "is_open",
    "language_hours",
    "languages_spoken",
    "load_files",
    "load_texts",
    "load_volunteers",
    "loads",
    "loads_volunteers",
    "occurrences",
    "on_shift_at",
    "validate",
    "week_coverage",
]
