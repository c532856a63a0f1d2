"""Who may read /metrics and the details of /healthz: a bearer token, or an address from a list."""

import hmac
import ipaddress
from enum import Enum
from functools import lru_cache

from django.conf import settings

from core.ratelimit import client_address


class Access(Enum):
    OFF = "off"  # neither a token nor addresses configured: /metrics does not exist
    REFUSED = "refused"
    ALLOWED = "allowed"


@lru_cache(maxsize=8)
def networks(entries):
    """The networks of METRICS_ALLOWED_ADDRESSES (addresses or CIDRs); an entry that is neither is skipped
    here (`manage.py check` names it: ops.E001)."""
    found = []
    for entry in entries:
        try:
            found.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return tuple(found)


def bearer_token(request):
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def address_allowed(request, entries):
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:  # ::ffff:10.0.0.5 on a dual-stack socket
        address = address.ipv4_mapped
    return any(address in network for network in networks(tuple(entries)))


def metrics_access(request):
    token, entries = settings.METRICS_TOKEN, settings.METRICS_ALLOWED_ADDRESSES
    if not token and not entries:
        return Access.OFF
    if token and hmac.compare_digest(bearer_token(request).encode(), token.encode()):
        return Access.ALLOWED
    if entries and address_allowed(request, entries):
        return Access.ALLOWED
    return Access.REFUSED
