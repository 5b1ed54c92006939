"""Compressed answers: bombs are refused without inflating them, honest compression works.

Memory is checked with tracemalloc (allocations, not time): decoding is capped step by step,
so a refused bomb costs at most the cap plus one step, whatever its ratio.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import AsyncIterator

import pytest

from bot.errors import TooLargeError, UnsupportedEncodingError
from bot.ingest.decoding import STEP_BYTES, CappedDecoder
from bot.ingest.fetch import FetchConfig, Fetcher
from devtools.bombs import bomb, compress, standard_bombs, zeros_compressed
from devtools.pages import PageServer

MiB = 1024 * 1024
CAP = 1 * MiB
PAGE = (
    "<html><head><title>تساقطات ثلجية بالأطلس</title></head><body><p>"
    + "عرفت المرتفعات تساقطات ثلجية مهمة أدت إلى قطع عدد من الطرق الجبلية. " * 40
    + "</p></body></html>"
).encode()


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(FetchConfig(allow_private_hosts=True, max_bytes=CAP)) as client:
        yield client


@pytest.mark.parametrize("coding", ["gzip", "x-gzip", "deflate", "raw"])
async def test_honest_compressed_page_is_decoded(
    page_server: PageServer, fetcher: Fetcher, coding: str
) -> None:
    packed = compress(PAGE, "gzip" if coding == "x-gzip" else coding)
    header = "deflate" if coding == "raw" else coding  # some servers send raw deflate
    url = page_server.add("/p", body=packed, headers={"Content-Encoding": header})
    page = await fetcher.fetch_page(url)
    assert page.body == PAGE
    assert "تساقطات ثلجية" in page.text
    assert page_server.request_headers[-1]["Accept-Encoding"] == "gzip, deflate"


async def test_concatenated_gzip_members_are_one_page(
    page_server: PageServer, fetcher: Fetcher
) -> None:
    half = len(PAGE) // 2
    packed = compress(PAGE[:half], "gzip") + compress(PAGE[half:], "gzip")
    url = page_server.add("/p", body=packed, headers={"Content-Encoding": "gzip"})
    assert (await fetcher.fetch_page(url)).body == PAGE


@pytest.mark.parametrize("header", ["gzip, gzip", "deflate, deflate", "gzip, deflate"])
async def test_more_than_one_layer_is_refused(
    page_server: PageServer, fetcher: Fetcher, header: str
) -> None:
    # Even a small, honest page: two layers have no legitimate use.
    first, second = (part.strip() for part in header.split(","))
    body = compress(compress(PAGE, first), second)
    url = page_server.add("/p", body=body, headers={"Content-Encoding": header})
    with pytest.raises(UnsupportedEncodingError) as caught:
        await fetcher.fetch_page(url)
    assert "الضغط" in caught.value.message_ar or "ضغط" in caught.value.message_ar


@pytest.mark.parametrize("header", ["br", "zstd", "compress", "gzip-ish"])
async def test_unknown_coding_is_refused(
    page_server: PageServer, fetcher: Fetcher, header: str
) -> None:
    url = page_server.add("/p", body=b"\x1b\x00garbage", headers={"Content-Encoding": header})
    with pytest.raises(UnsupportedEncodingError):
        await fetcher.fetch_page(url)


async def test_corrupt_gzip_is_a_clear_error(page_server: PageServer, fetcher: Fetcher) -> None:
    url = page_server.add("/p", body=b"\x1f\x8b\x08garbage", headers={"Content-Encoding": "gzip"})
    with pytest.raises(UnsupportedEncodingError):
        await fetcher.fetch_page(url)


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
async def test_single_layer_bomb_costs_no_memory(
    page_server: PageServer, fetcher: Fetcher, coding: str
) -> None:
    # 256 MiB of zeros in about 250 KB: httpx's own decoder inflates each 64 KB network chunk
    # to ~64 MB in one call; ours stops one step past the cap.
    body = zeros_compressed(256 * MiB, coding)
    url = page_server.add("/bomb", body=body, headers={"Content-Encoding": coding})
    tracemalloc.start()
    try:
        with pytest.raises(TooLargeError):
            await fetcher.fetch_page(url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < CAP + 8 * MiB, f"peak {peak / MiB:.1f} MiB while refusing a bomb"


def test_decoder_output_stops_one_step_past_the_cap() -> None:
    for item in standard_bombs(64 * MiB):
        if "," in item.content_encoding:
            with pytest.raises(UnsupportedEncodingError):
                CappedDecoder(item.content_encoding, CAP)
            continue
        decoder = CappedDecoder(item.content_encoding, CAP)
        produced = 0
        with pytest.raises(TooLargeError):
            for piece in decoder.feed(item.body):
                assert len(piece) <= STEP_BYTES
                produced += len(piece)
            for piece in decoder.flush():
                produced += len(piece)
        assert produced <= CAP, item.name


def test_bomb_helper_inflates_to_what_it_says() -> None:
    item = bomb(("gzip",), 3 * MiB)
    decoder = CappedDecoder("gzip", 4 * MiB)
    total = sum(len(p) for p in decoder.feed(item.body)) + sum(len(p) for p in decoder.flush())
    assert total == item.inflated
