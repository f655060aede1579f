"""Every error the routing package raises.

All derive from :class:`RoutingError`; the ones caused by a bad argument also
derive from :class:`ValueError`, so callers that only validate input can catch
that.
"""

from __future__ import annotations


class RoutingError(Exception):
    """Base class of the routing package's errors."""


class UnknownLanguageError(RoutingError, ValueError):
    """A language code that the router was not configured with."""


class UnknownPolicyError(RoutingError, ValueError):
    """A routing policy name that does not exist."""


class UnknownTierError(RoutingError, ValueError):
    """A volunteer tier other than primary, secondary or backup."""


class InvalidVolunteerError(RoutingError, ValueError):
    """A volunteer id that is not a non-negative integer below 10**12."""


class InvalidCallKeyError(RoutingError, ValueError):
    """A call key that is empty, too long, or looks like a phone number."""


class ClockError(RoutingError, ValueError):
    """The clock gave a time the router cannot store (before 1970 or after 2109)."""
