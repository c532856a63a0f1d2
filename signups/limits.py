"""The flood limits of 「我感兴趣」, read from the settings when used (core.ratelimit counts them)."""

from django.conf import settings

from core.ratelimit import RateLimit

HOUR = 3600
DAY = 86400


def phone_limits():
    """Strict, per phone number: one person signs up a few times, not dozens."""
    return [
        RateLimit("signups.phone.hour", settings.SIGNUP_PHONE_LIMIT_PER_HOUR, HOUR),
        RateLimit("signups.phone.day", settings.SIGNUP_PHONE_LIMIT_PER_DAY, DAY),
    ]


def address_limits():
    """Generous, per address: a venue's Wi-Fi or a carrier's NAT puts hundreds of people behind one. A
    burst window beside the long one: the whole hall may answer the host at once, but a script from
    one address is refused after a few seconds' worth, cheaply, instead of its first hundreds each
    taking a worker from the readers."""
    return [
        RateLimit("signups.address.burst", settings.SIGNUP_ADDRESS_BURST_LIMIT, settings.SIGNUP_ADDRESS_BURST_SECONDS),
        RateLimit("signups.address", settings.SIGNUP_ADDRESS_LIMIT, settings.SIGNUP_ADDRESS_WINDOW_SECONDS),
    ]


def withdrawal_limit():
    """Attempts at a withdrawal code per address; refused while the cache is down, so codes cannot be guessed then."""
    return RateLimit(
        "signups.withdraw", settings.SIGNUP_WITHDRAW_ADDRESS_LIMIT, settings.SIGNUP_ADDRESS_WINDOW_SECONDS, fail_open=False
    )


def first_refusal(limits, identity):
    """Count a hit on every limit: the first that refuses it, or None. Every limit counts, so none lags behind."""
    refused = [limit for limit in limits if not limit.hit(identity)]
    return refused[0] if refused else None
