"""`python main.py share` end to end: the sample over HTTP and from a file, and bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import main
from bot.platforms import PLATFORMS
from bot.platforms.links import plain_text
from devtools.pages import PageServer, endless

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample-article.html"
BOILERPLATE = ("إقرأ أيضا", "يمكنكم مشاركة", "تابعونا", "التعليقات تعبر", "الأكثر قراءة")


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run main() in a clean folder (no .env) with local addresses allowed."""
    monkeypatch.chdir(tmp_path)
    for name in ("FETCH_ALLOW_PRIVATE_HOSTS", "SITE_NAME", "UTM_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FETCH_ALLOW_PRIVATE_HOSTS", "true")
    monkeypatch.setenv("FETCH_READ_TIMEOUT", "1")

    def run(*argv: str) -> int:
        return main.main(list(argv))

    return run


def _check_output_folder(folder: Path) -> dict:
    data = json.loads((folder / "drafts.json").read_text(encoding="utf-8"))
    assert (
        data["article"]["title"] == "افتتاح أول محطة لتحلية مياه البحر بالطاقة الشمسية في أكادير"
    )
    assert data["article"]["url"] == (
        "https://akhbar-sahel.ma/economie/2026/03/desalination-agadir.html"
    )
    assert [d["platform"] for d in data["drafts"]] == [p.value for p in PLATFORMS]
    for draft in data["drafts"]:
        spec = PLATFORMS[draft["platform"]]
        text = (folder / draft["file"]).read_text(encoding="utf-8").rstrip("\n")
        # The .txt is what a person pastes: Telegram's HTML stays in drafts.json.
        assert text == plain_text(draft["text"], is_html=spec.html)
        assert "<b>" not in text
        assert spec.fits(draft["text"]) and draft["fits"]
        assert draft["length"] == spec.measure(draft["text"]) <= draft["limit"]
        assert not any(marker in text for marker in BOILERPLATE)
    sizes = {card["size"]: card for card in data["cards"]}
    assert set(sizes) == {"wide", "x"}
    for card in data["cards"]:
        with Image.open(folder / card["file"]) as image:
            assert image.size == (card["width"], card["height"])
            assert image.format == card["format"]
        assert (folder / card["file"]).stat().st_size < 5 * 1024 * 1024
    assert (sizes["wide"]["width"], sizes["wide"]["height"]) == (1200, 630)
    assert (sizes["x"]["width"], sizes["x"]["height"]) == (1200, 675)
    return data


def test_share_the_sample_served_over_http(cli, page_server: PageServer, tmp_path, capsys) -> None:
    url = page_server.add("/economie/agadir.html", body=SAMPLE.read_bytes())
    assert cli("share", url, "--out", "out") == 0
    table = capsys.readouterr().out
    for platform in PLATFORMS:
        assert platform.value in table
    folder = tmp_path / "out" / "desalination-agadir"
    _check_output_folder(folder)
    assert page_server.request_headers[0]["User-Agent"].startswith("Mozilla/5.0")


def test_share_from_a_file_with_json_output(cli, tmp_path, capsys) -> None:
    assert cli("share", str(SAMPLE), "--out", "out", "--json") == 0
    printed = json.loads(capsys.readouterr().out)
    written = _check_output_folder(tmp_path / "out" / "desalination-agadir")
    assert printed == written


def test_share_selected_platforms_and_all_card_sizes(cli, tmp_path) -> None:
    assert cli("share", str(SAMPLE), "--platforms", "x,whatsapp", "--cards", "all") == 0
    data = json.loads((tmp_path / "out" / "desalination-agadir" / "drafts.json").read_text())
    assert [d["platform"] for d in data["drafts"]] == ["x", "whatsapp"]
    assert {c["size"] for c in data["cards"]} == {"wide", "x", "square", "portrait", "story"}


def test_share_text_from_stdin(cli, monkeypatch, capsys) -> None:
    text = (
        "ارتفاع صادرات الحمضيات المغربية\n"
        "سجلت صادرات الحمضيات ارتفاعاً ملحوظاً خلال الموسم الحالي مقارنة بالموسم الماضي. "
        "وعزا مهنيون هذا الارتفاع إلى تحسن الظروف المناخية وفتح أسواق جديدة في إفريقيا وآسيا. "
        "ويتوقع القطاع أن يستمر هذا المنحى خلال الأشهر المقبلة."
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    assert cli("share", "-", "--platforms", "x,telegram") == 0
    assert "ارتفاع صادرات الحمضيات" in capsys.readouterr().out


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ({"status": 404}, "404"),
        ({"content_type": "application/pdf", "body": b"%PDF-1.7 ..."}, "PDF"),
        ({"content_type": "image/png", "body": b"\x89PNG\r\n\x1a\n"}, "PDF"),
        ({"body": endless(), "content_length": False}, "أكبر"),
        (
            {"body": "<html><body><nav><a href='/'>الرئيسية</a></nav></body></html>".encode()},
            "مقال",
        ),
        ({"body": SAMPLE.read_bytes(), "delay": 3}, "مهلة"),
    ],
)
def test_bad_urls_exit_non_zero_with_one_line(cli, page_server, capsys, route, expected) -> None:
    url = page_server.add("/bad", **route)
    assert cli("share", url) == 1
    assert expected in _one_line_error(capsys)


def test_private_address_is_refused_by_default(cli, monkeypatch, page_server, capsys) -> None:
    monkeypatch.setenv("FETCH_ALLOW_PRIVATE_HOSTS", "false")
    url = page_server.add("/article.html", body=SAMPLE.read_bytes())
    assert cli("share", url) == 1
    assert "private" in _one_line_error(capsys)
    assert page_server.requests == []  # refused before any connection


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("مقال عربي".encode("cp1256") + b" \xff\xfe", "UTF-8"),
        ("😀😀 🎉".encode(), "empty"),
        (b"   \n\n  ", "empty"),
    ],
)
def test_bad_text_files(cli, tmp_path, capsys, content, expected) -> None:
    source = tmp_path / "input.txt"
    source.write_bytes(content)
    assert cli("share", str(source)) == 1
    assert expected in _one_line_error(capsys)


def test_help_documents_every_command() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for command in ("share", "summarize-batch", "run"):
        assert command in result.stdout
    share_help = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "share", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for option in ("--out", "--platforms", "--json", "--cards"):
        assert option in share_help


def test_summarize_batch(cli, tmp_path, capsys) -> None:
    rows = [
        {
            "id": "a",
            "text": "الجملة الأولى في النص. الجملة الثانية هنا. الجملة الثالثة. والرابعة أيضاً.",
        },
        {"id": "b", "text": ""},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert cli("summarize-batch", str(source), "--sentences", "2") == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["id"] for row in out] == ["a", "b"]
    assert out[0]["summary"].count(".") == 2
    assert out[1]["summary"] == ""
    assert cli("summarize-batch", str(source), "--chars", "30") == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert 0 < len(out[0]["summary"]) <= 30


def test_a_source_that_is_neither_link_nor_file(cli, capsys) -> None:
    assert cli("share", "ليس رابطاً") == 1
    assert "neither a web link nor an existing file" in _one_line_error(capsys)


def test_the_real_command_prints_one_line_and_no_log_noise(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "share", "http://127.0.0.1:9/article"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "LOG_LEVEL": "info"},
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: هذا الرابط يشير إلى عنوان داخلي أو خاص")
