"""The address a request comes from, believing X-Forwarded-For only from configured proxies.

Anyone can send an X-Forwarded-For header. DRF's throttles (with NUM_PROXIES unset) key on it as
sent, so a forged value per request gave every password guess a fresh allowance. Here the header
is read only when the connection itself comes from a proxy in PODIUM_TRUSTED_PROXIES (none by
default), and then from the right: each hop a trusted proxy appended is skipped, and the first
address not in the list is the client (the ones left of it are the client's own claims).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """PODIUM_TRUSTED_PROXIES as networks (a bare address is a network of one)."""
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The client's IP address as text (REMOTE_ADDR unless a trusted proxy forwarded it)."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = trusted_networks(tuple(settings.PODIUM_TRUSTED_PROXIES))
    hop = _address(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not networks or hop is None or not forwarded:
        return remote
    client = remote
    for entry in reversed(forwarded.split(",")):
        if not any(hop in net for net in networks):
            break  # the previous hop is not a proxy of ours: what it claims is not believed
        hop = _address(entry)
        if hop is None:
            break  # a garbled entry: the last proxy we trust is the best we know
        client = str(hop)
    return client
