"""SSRF guard: refused addresses, refused URLs, every redirect hop, DNS pinned at connect."""

from __future__ import annotations

import ipaddress

import pytest

from bot.errors import BlockedAddressError, InvalidURLError, UnreachableError
from bot.ingest.fetch import FetchConfig, Fetcher
from bot.ingest.netguard import NetGuard, is_blocked_address
from devtools.pages import PageServer

PAGE = "<html><body><p>صفحة تجريبية</p></body></html>".encode()
LOOPBACK_ONLY = (ipaddress.ip_network("127.0.0.1/32"),)


class FakeResolver:
    """A resolver answering from a table, recording each question."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.calls: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        if host not in self.table:
            raise OSError(f"unknown host {host}")
        return self.table[host]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "172.16.5.4",
        "172.31.255.255",
        "192.168.1.1",
        "100.64.0.1",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.251",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",  # NAT64 form of 10.0.0.1
        "2002:7f00:1::",  # 6to4 form of 127.0.0.1
        "fec0::1",  # site-local (deprecated, still routed by some stacks)
        "feff:ffff::1",  # the end of fec0::/10
        "192.0.0.8",  # IETF protocol assignments, 192.0.0.0/24
        "198.18.0.1",  # benchmarking, 198.18.0.0/15
        "198.19.255.254",
        "192.0.2.10",  # TEST-NET-1
        "198.51.100.7",  # TEST-NET-2
        "203.0.113.99",  # TEST-NET-3
    ],
)
def test_private_and_special_addresses_are_blocked(address: str) -> None:
    assert is_blocked_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        "172.32.0.1",
        "100.128.0.1",
        "2606:4700::1111",
        "::ffff:8.8.8.8",
        "198.20.0.1",  # just past the benchmarking range
        "192.0.3.1",  # just past TEST-NET-1
        "203.0.114.1",  # just past TEST-NET-3
    ],
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert not is_blocked_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/file",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "not a url",
        "http://user:pass@example.com/",
        "https://token@example.com/",
        "http:///path-only",
        "",
    ],
)
def test_invalid_urls_are_refused_before_any_connection(url: str) -> None:
    with pytest.raises(InvalidURLError):
        NetGuard().check_url(url)


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "0.0.0.0",
     "[::1]", "[fc00::1]", "[fe80::1]", "[::ffff:127.0.0.1]"],
)  # fmt: skip
async def test_fetching_a_private_address_never_connects(
    page_server: PageServer, host: str
) -> None:
    page_server.add("/", body=PAGE)
    port = page_server.server_address[1]
    async with Fetcher(FetchConfig()) as fetcher:
        with pytest.raises(BlockedAddressError):
            await fetcher.fetch_page(f"http://{host}:{port}/")
    assert page_server.requests == []


async def test_a_name_resolving_to_loopback_is_refused(page_server: PageServer) -> None:
    url = page_server.add("/secret", body=PAGE).replace("127.0.0.1", "localhost")
    async with Fetcher(FetchConfig()) as fetcher:
        with pytest.raises(BlockedAddressError):
            await fetcher.fetch_page(url)
    assert page_server.requests == []


async def test_a_name_with_one_private_address_among_public_ones_is_refused() -> None:
    guard = NetGuard(resolver=FakeResolver({"mixed.test": ["8.8.8.8", "10.1.2.3"]}))
    with pytest.raises(BlockedAddressError):
        await guard.resolve("mixed.test", 80)


async def test_allow_private_lets_local_pages_through(page_server: PageServer) -> None:
    url = page_server.add("/ok", body=PAGE)
    async with Fetcher(FetchConfig(allow_private_hosts=True)) as fetcher:
        page = await fetcher.fetch_page(url)
    assert "صفحة تجريبية" in page.text


async def test_connection_goes_to_the_checked_address_with_the_original_host_header(
    page_server: PageServer,
) -> None:
    page_server.add("/story", body=PAGE)
    port = page_server.server_address[1]
    resolver = FakeResolver({"news.test": ["127.0.0.1"]})
    guard = NetGuard(allowed_networks=LOOPBACK_ONLY, resolver=resolver)
    async with Fetcher(FetchConfig(), guard=guard) as fetcher:
        page = await fetcher.fetch_page(f"http://news.test:{port}/story")
    assert page.final_url == f"http://news.test:{port}/story"
    assert page_server.request_headers[-1]["Host"] == f"news.test:{port}"
    # One resolution serves both the check and the connection: nothing to rebind between.
    assert resolver.calls == ["news.test"]


async def test_a_rebinding_name_is_checked_again_on_the_next_connection(
    page_server: PageServer,
) -> None:
    page_server.add("/story", body=PAGE)
    port = page_server.server_address[1]
    answers = iter([["127.0.0.1"], ["10.0.0.7"]])

    async def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    guard = NetGuard(allowed_networks=LOOPBACK_ONLY, resolver=rebinding)
    async with Fetcher(FetchConfig(), guard=guard) as fetcher:
        await fetcher.fetch_page(f"http://rebind.test:{port}/story")
    async with Fetcher(FetchConfig(), guard=guard) as fetcher:
        with pytest.raises(BlockedAddressError):
            await fetcher.fetch_page(f"http://rebind.test:{port}/story")
    assert page_server.requests == ["/story"]


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/internal",
        "http://intranet.test:{port}/internal",  # resolves to 192.168.1.20
        "http://localhost.test:{port}/internal",  # resolves to ::1
    ],
)
async def test_a_public_page_redirecting_to_a_private_host_is_refused(
    page_server: PageServer, target: str
) -> None:
    port = page_server.server_address[1]
    page_server.add("/internal", body=PAGE)
    page_server.add("/go", status=302, headers={"Location": target.format(port=port)})
    resolver = FakeResolver(
        {"news.test": ["127.0.0.1"], "intranet.test": ["192.168.1.20"], "localhost.test": ["::1"]}
    )
    guard = NetGuard(allowed_networks=LOOPBACK_ONLY, resolver=resolver)
    async with Fetcher(FetchConfig(), guard=guard) as fetcher:
        with pytest.raises(BlockedAddressError):
            await fetcher.fetch_page(f"http://news.test:{port}/go")
    assert page_server.requests == ["/go"]


async def test_a_redirect_to_another_scheme_is_refused(page_server: PageServer) -> None:
    url = page_server.add("/go", status=301, headers={"Location": "file:///etc/passwd"})
    async with Fetcher(FetchConfig(allow_private_hosts=True)) as fetcher:
        with pytest.raises(InvalidURLError):
            await fetcher.fetch_page(url)


async def test_a_name_that_does_not_resolve_is_unreachable() -> None:
    guard = NetGuard(resolver=FakeResolver({}))
    async with Fetcher(FetchConfig(), guard=guard) as fetcher:
        with pytest.raises(UnreachableError):
            await fetcher.fetch_page("https://no-such-site.test/article")


async def test_allowed_networks_do_not_open_other_private_ranges(page_server: PageServer) -> None:
    port = page_server.server_address[1]
    page_server.add("/story", body=PAGE)
    guard = NetGuard(
        allowed_networks=LOOPBACK_ONLY,
        resolver=FakeResolver({"cms.test": ["127.0.0.1"], "router.test": ["192.168.0.1"]}),
    )
    async with Fetcher(FetchConfig(), guard=guard) as fetcher:
        assert (await fetcher.fetch_page(f"http://cms.test:{port}/story")).status == 200
        with pytest.raises(BlockedAddressError):
            await fetcher.fetch_page(f"http://router.test:{port}/story")
