"""User names as MediaWiki stores and compares them."""

from __future__ import annotations

import ipaddress
from functools import lru_cache


def is_ip(name: str) -> bool:
    """Whether ``name`` is an IPv4 or IPv6 address."""
    try:
        ipaddress.ip_address(name.strip())
    except ValueError:
        return False
    return True


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """A name as a signature means it: underscores as spaces, first letter upper case.

    IPs stay as written (a signature's IPv6 is often abbreviated); compare them with
    :func:`canonical_user_name`.
    """
    name = " ".join(name.replace("_", " ").split())
    if is_ip(name):
        return name
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=65536)
def canonical_user_name(name: str) -> str:
    """The user name as MediaWiki stores it (IPv6 upper case and expanded, like IPUtils)."""
    name = " ".join(name.replace("_", " ").split())
    if is_ip(name):
        address = ipaddress.ip_address(name)
        if address.version == 4:
            return str(address)
        return ":".join(f"{int(group, 16):X}" for group in address.exploded.split(":"))
    return name[:1].upper() + name[1:]
