"""Webhook egress guard (issue 13, NOTE-4): a tenant's URL may only ever reach the public internet.

The host is resolved through a `Resolver` (an adapter, so a test can make a name resolve to 10.0.0.1)
and every address it gives must be public; the caller then connects to an address that was checked
(no second lookup for DNS rebinding to answer differently). The same check runs at registration and
before every delivery. Loopback is allowed only by an explicit development/test setting that
production refuses (the local test receivers listen on 127.0.0.1).
"""
from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Names that mean "this machine" or a cloud metadata service whatever they resolve to.
BLOCKED_NAMES = frozenset({"localhost", "metadata", "metadata.google.internal", "metadata.goog",
                           "instance-data", "instance-data.ec2.internal"})
BLOCKED_SUFFIXES = (".localhost", ".internal", ".local", ".localdomain", ".home.arpa")
# A DNS name: labels of letters, digits and hyphens, at least one of them not all digits/hex-looking.
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC = re.compile(r"^(0x[0-9a-f]+|[0-9]+)$")


class EgressRefused(Exception):
    """The URL or one of its addresses may not be reached; `reason` is safe to show the tenant."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Resolver(Protocol):
    async def resolve(self, host: str, port: int) -> list[IPAddress]: ...


class SystemResolver:
    """The operating system's resolver (getaddrinfo), off the event loop."""

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise EgressRefused("the host name does not resolve") from error
        return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to."""

    url: SplitResult
    host: str
    port: int
    address: IPAddress

    def connect_url(self) -> str:
        """The URL with its host replaced by the checked address (sent with `Host` and SNI of `host`)."""
        literal = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        return self.url._replace(netloc=f"{literal}:{self.port}").geturl()

    @property
    def host_header(self) -> str:
        default = 443 if self.url.scheme == "https" else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"


def blocked(address: IPAddress, *, allow_loopback: bool) -> bool:
    """Loopback, private, link-local (metadata), CGNAT, unique-local, multicast, unspecified, reserved
    and every other non-global range; an IPv4-mapped IPv6 address is judged as its IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return not allow_loopback
    return (not address.is_global or address.is_multicast or address.is_unspecified or address.is_reserved
            or address.is_link_local or address.is_private)


def redact(url: str) -> str:
    """The URL for a log line: no user-info, no query, no fragment."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<unparseable URL>"
    return f"{parts.scheme}://{host}{port}{parts.path}" + ("?…" if parts.query else "")


def parse(url: str, *, allow_http: bool) -> tuple[SplitResult, str, int]:
    """The URL's parts, its host (lower case) and port, or EgressRefused for a form we never accept."""
    schemes = ("https", "http") if allow_http else ("https",)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = (parts.hostname or "").rstrip(".")
    except ValueError as error:  # an unclosed IPv6 bracket, a port out of range
        raise EgressRefused(f"the URL cannot be parsed: {error}") from error
    if parts.scheme not in schemes or not host:
        raise EgressRefused(f"the URL must be absolute and use {' or '.join(schemes)}")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise EgressRefused("the URL must not carry user information")
    if host in BLOCKED_NAMES or host.endswith(BLOCKED_SUFFIXES):
        raise EgressRefused("the host names a local or metadata service")
    try:
        ipaddress.ip_address(host)  # a standard IPv4 dotted quad or IPv6 literal: judged by its address
    except ValueError:
        labels = host.split(".")
        if not all(_LABEL.match(label) for label in labels) or _NUMERIC.match(labels[-1]):
            # 0x7f000001, 2130706433, 127.1, 0177.0.0.1 …: numeric forms the resolver would turn into an address
            raise EgressRefused("the host is not a DNS name or a standard IP address") from None
    return parts, host, port or (443 if parts.scheme == "https" else 80)


@dataclass(frozen=True)
class EgressGuard:
    resolver: Resolver
    allow_http: bool = False
    allow_loopback: bool = False

    async def check(self, url: str) -> Target:
        """Every address of the host must be allowed; the first is the one to connect to."""
        parts, host, port = parse(url, allow_http=self.allow_http)
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            addresses = await self.resolver.resolve(host, port)
        if not addresses:
            raise EgressRefused("the host name does not resolve")
        if any(blocked(address, allow_loopback=self.allow_loopback) for address in addresses):
            raise EgressRefused("the host is or resolves to a private, local or reserved address")
        return Target(parts, host, port, addresses[0])
