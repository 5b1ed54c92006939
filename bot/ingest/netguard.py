"""SSRF guard: the bot fetches URLs that strangers send it, so it must never be a way in.

Two layers:

* :meth:`NetGuard.check_url` refuses what is wrong on its face — a scheme other than http(s),
  credentials in the URL, no host, an IP literal in a private range. The fetcher calls it on
  the first URL and on every redirect target, before any connection.
* :class:`GuardedBackend` is the httpcore network backend every connection goes through. It
  resolves the host name itself (the event loop's ``getaddrinfo``, or an injected resolver),
  refuses the connection if *any* address is private, and then connects to the address it has
  just checked. Because the check and the connect use the same resolution, a DNS-rebinding
  server cannot answer "public" to the check and "127.0.0.1" to the connect. TLS still
  verifies the certificate and sends SNI for the host *name* (httpcore takes both from the
  request's origin, not from the socket address), and the Host header is untouched.

A proxy would defeat the second layer (the proxy resolves names), so the fetcher's client
ignores proxy environment variables.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

import httpcore
import httpx

from bot.errors import BlockedAddressError, InvalidURLError

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# (host, port) → the IP addresses to try, in order.
Resolver = Callable[[str, int], Awaitable[list[str]]]

ALLOWED_SCHEMES = frozenset({"http", "https"})

# Never reachable from a URL a user sends, unless private hosts are explicitly allowed.
BLOCKED_NETWORKS: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host on Linux
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # carrier-grade NAT (shared address space)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local; 169.254.169.254 is the cloud metadata service
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation (TEST-NET-1)
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation (TEST-NET-2)
        "203.0.113.0/24",  # documentation (TEST-NET-3)
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes 255.255.255.255 broadcast
        "::/128",  # unspecified
        "::1/128",  # loopback
        "100::/64",  # discard-only
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique local (private)
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated, still routed by some stacks)
        "ff00::/8",  # multicast
    )
)
# IPv6 ranges that carry an IPv4 address inside; the embedded address is what gets reached.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_blocked_address(address: IPAddress) -> bool:
    """True for loopback, private, link-local, multicast, reserved and unspecified addresses."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:  # these forms are only another spelling of the IPv4 address
            return is_blocked_address(inner)
        address = ipaddress.IPv6Address(address.compressed.split("%", 1)[0])  # drop scope id
    if any(address in network for network in BLOCKED_NETWORKS):
        return True
    # The standard library's own classification as a second opinion (it knows more reserved
    # ranges than the list above and is updated with Python).
    return not address.is_global or address.is_multicast


def parse_ip(host: str) -> IPAddress | None:
    """The address when ``host`` is an IP literal (brackets allowed), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the running loop's ``getaddrinfo`` (non-blocking)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


@dataclass(frozen=True, slots=True)
class NetGuard:
    """Decides which URLs and addresses the fetcher may reach.

    Attributes:
        allow_private: allow every address (tests and local demos only).
        allowed_networks: private ranges allowed anyway, e.g. a publisher's intranet CMS,
            or 127.0.0.1 in a test that needs a "public" first hop on the local page server.
        resolver: how host names become addresses; the event loop's resolver by default.
    """

    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()
    resolver: Resolver = field(default=system_resolver, repr=False)

    def is_allowed(self, address: IPAddress) -> bool:
        if self.allow_private or not is_blocked_address(address):
            return True
        return any(address in network for network in self.allowed_networks)

    def check_address(self, address: IPAddress, host: str) -> None:
        if not self.is_allowed(address):
            logger.info("refused %s: it resolves to the non-public address %s", host, address)
            raise BlockedAddressError(f"{host} → {address}")

    def check_url(self, url: str | httpx.URL) -> httpx.URL:
        """Validate a URL before any connection is made.

        Returns:
            The parsed URL.

        Raises:
            InvalidURLError: not http(s), credentials present, no host, unparsable.
            BlockedAddressError: the host is an IP literal in a refused range.
        """
        try:
            parsed = url if isinstance(url, httpx.URL) else httpx.URL(url.strip())
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise InvalidURLError(str(url)[:200]) from exc
        if parsed.scheme not in ALLOWED_SCHEMES:
            raise InvalidURLError(f"scheme {parsed.scheme or '(none)'!r} is not http(s)")
        if parsed.userinfo:
            raise InvalidURLError("credentials in the URL are not accepted")
        if not parsed.host:
            raise InvalidURLError("the URL has no host")
        address = parse_ip(parsed.host)
        if address is not None:
            self.check_address(address, parsed.host)
        return parsed

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        """Resolve ``host`` and check every address; refuse if any address is refused.

        Refusing on *any* bad address (rather than skipping it) closes the trick of a name
        that answers with one public and one private address.

        Raises:
            BlockedAddressError: an address is in a refused range.
            OSError: the name does not resolve.
        """
        literal = parse_ip(host)
        if literal is not None:
            self.check_address(literal, host)
            return [literal]
        raw = await self.resolver(host, port)
        addresses = [ip for ip in (parse_ip(item) for item in raw) if ip is not None]
        if not addresses:
            raise OSError(f"{host} did not resolve to any address")
        for address in addresses:
            self.check_address(address, host)
        return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that connects only to addresses the guard has approved."""

    def __init__(self, guard: NetGuard, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._guard = guard
        self._inner = inner if inner is not None else httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await self._guard.resolve(host, port)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        except OSError as exc:  # socket.gaierror and friends
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:  # try the next checked address
                last_error = exc
        assert last_error is not None  # addresses is never empty
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore interface
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by the fetcher")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx transport whose every TCP connection goes through :class:`GuardedBackend`."""

    def __init__(self, guard: NetGuard, *, limits: httpx.Limits | None = None) -> None:
        limits = limits or httpx.Limits(max_connections=20, max_keepalive_connections=10)
        super().__init__(trust_env=False, limits=limits)
        # httpx offers no parameter for the connection pool's network backend, so the pool
        # it built is replaced by an identical one using ours; httpx's request mapping and
        # exception translation (handle_async_request) stay as they are. The attribute
        # check turns a future httpx rename into a loud error instead of a silent bypass.
        if not isinstance(getattr(self, "_pool", None), httpcore.AsyncConnectionPool):
            raise RuntimeError("unsupported httpx version: cannot install the SSRF guard")
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(guard),
        )
