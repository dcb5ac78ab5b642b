"""Which network addresses the hub may connect to when it fetches a stranger's URL.

Only addresses on the public internet are allowed. Everything else is refused:
loopback, private, link-local (the cloud metadata address 169.254.169.254 among
them), carrier-grade NAT, multicast, unspecified, reserved and documentation ranges,
and IPv6 forms that carry one of those IPv4 addresses inside them (IPv4-mapped,
NAT64, 6to4, Teredo).

Host names written as numbers in the forms that `inet_aton` and browsers accept
(2130706433, 0177.0.0.1, 0x7f.0.0.1, 127.1) are read as the IPv4 address they mean,
so they are checked like any other address and never handed to a resolver.
"""

import ipaddress
import re

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Listed explicitly rather than relying on `is_global`, whose coverage differs between
# Python versions. Sources: the IANA IPv4 and IPv6 special-purpose address registries.
BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(net)
    for net in (
        "0.0.0.0/8",  # "this network", unspecified
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, cloud metadata
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation TEST-NET-1
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation TEST-NET-2
        "203.0.113.0/24",  # documentation TEST-NET-3
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and 255.255.255.255 broadcast
    )
)
BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "::/128",  # unspecified
        "::1/128",  # loopback
        "::/96",  # IPv4-compatible (deprecated)
        "::ffff:0:0/96",  # IPv4-mapped: checked by its IPv4 part before this list
        "::ffff:0:0:0/96",  # IPv4-translated
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments, Teredo (2001::/32) among them
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4: allowed only when its IPv4 part is public, see below
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
LOOPBACK_V4 = ipaddress.IPv4Network("127.0.0.0/8")
LOOPBACK_V6 = ipaddress.IPv6Address("::1")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")

_NUMERIC_PART = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


def parse_numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a numeric host name means, or None if `host` is not numeric.

    Follows the URL Standard's IPv4 parser: one to four dot-separated parts, each
    decimal, octal (leading 0) or hexadecimal (0x); the last part fills the remaining
    bytes. Raises ValueError for a numeric-looking host that is not a valid address
    (such as 256.256.256.256), because a browser would refuse it too.
    """
    host = host.rstrip(".")
    parts = host.split(".")
    if not parts or not _NUMERIC_PART.match(parts[-1]):
        return None
    if len(parts) > 4 or not all(_NUMERIC_PART.match(part) for part in parts):
        raise ValueError(f"{host} looks like an IPv4 address but is not a valid one")
    numbers = []
    for part in parts:
        if part.lower().startswith("0x"):
            numbers.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            if not set(part) <= set("01234567"):
                raise ValueError(f"{host} has an invalid octal part {part}")
            numbers.append(int(part, 8))
        else:
            numbers.append(int(part))
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        raise ValueError(f"{host} has a part that is out of range")
    value = last
    for index, number in enumerate(leading):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address `host` spells out (IPv6 with or without brackets, or any numeric
    IPv4 form), or None when `host` is a name that needs resolving."""
    bare = host.strip("[]")
    if ":" in bare:
        # A zone index (fe80::1%eth0) only makes sense on a local link.
        if "%" in bare:
            raise ValueError(f"{host} carries a zone index")
        return ipaddress.IPv6Address(bare)
    return parse_numeric_ipv4(bare)


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried inside an IPv4-mapped, NAT64 or 6to4 address."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in SIX_TO_FOUR:
        return address.sixtofour
    return None


def refusal_reason(address: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why the hub must not connect to `address`, or None if it is public.

    With `allow_loopback` (tests and local development) 127.0.0.0/8 and ::1 are
    allowed, and nothing else is.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if allow_loopback and address == LOOPBACK_V6:
            return None
        inner = embedded_ipv4(address)
        if inner is not None:
            reason = refusal_reason(inner, allow_loopback=False)
            if reason:
                return f"it carries the IPv4 address {inner}, and {reason}"
            if address.ipv4_mapped is not None or address in NAT64:
                return None
            # 6to4 with a public IPv4 part is an ordinary, if rare, address.
            return None
        if address.teredo is not None:
            return "it is a Teredo tunnel address"
        for network in BLOCKED_V6:
            if address in network:
                return f"it is in the non-public range {network}"
        return None
    if allow_loopback and address in LOOPBACK_V4:
        return None
    for network in BLOCKED_V4:
        if address in network:
            return f"it is in the non-public range {network}"
    return None


def connect_address(address: IPAddress) -> IPAddress:
    """The address to open the socket to: an IPv4-mapped address as plain IPv4."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address
