"""Opening hours in words, in the caller's own language.

The schedules package says *when* a language is answered; this module says it
in a given language, with weekday names and list words from CLDR (the ``babel``
package), e.g. ``mandag og onsdag 10:00–14:00`` or ``Isniin iyo Arbaco 10:00–14:00``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from babel import Locale, UnknownLocaleError
from babel.dates import get_day_names
from babel.lists import format_list

from schedules.model import TimeSpan, Weekday, format_time


def locale_for(code: str) -> Locale:
    """The CLDR locale of a language code, English when CLDR does not know it."""
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def spoken_hours(hours: Mapping[Weekday, Iterable[TimeSpan]], code: str) -> str:
    """``hours`` in the language ``code``: days with the same hours grouped."""
    locale = locale_for(code)
    day_names = get_day_names("wide", locale=locale)  # 0 = Monday, as Weekday
    by_spans: dict[tuple[TimeSpan, ...], list[Weekday]] = defaultdict(list)
    for day in sorted(hours):
        spans = tuple(hours[day])
        if spans:
            by_spans[spans].append(day)
    parts = []
    for spans, days in by_spans.items():
        names = format_list([day_names[int(day)] for day in days], locale=locale)
        times = format_list(
            [f"{format_time(s.start)}–{format_time(s.end, end=True)}" for s in spans],
            locale=locale,
        )
        parts.append(f"{names} {times}")
    return "; ".join(parts)
