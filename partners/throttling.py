"""The API's rate limits; they live in core.throttling (every API app throttles with them)."""

from core.throttling import (
    WINDOW_SECONDS,
    AnonRateThrottle,
    PartnerTokenRateThrottle,
    ScopedRateThrottle,
    SessionUserRateThrottle,
)

__all__ = [
    "WINDOW_SECONDS",
    "AnonRateThrottle",
    "PartnerTokenRateThrottle",
    "ScopedRateThrottle",
    "SessionUserRateThrottle",
]
