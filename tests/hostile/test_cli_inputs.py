"""What a hostile (or careless) user can do to the command line, and the one line they get back.

Every case here ended in «internal error» (exit 3), silently replaced another article's files
or produced drafts from something that is not an article before it was fixed.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import main
from bot.cards import CardRenderer, CardUse
from bot.models import CardSize
from devtools.card_samples import make_photo, sample_article, sample_branding
from devtools.pages import PageServer
from tests.hostile.articles import ENGLISH, HARBOUR, LIBRARY, article_page, article_text

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample-article.html"
PASSWD_LIKE = "\n".join(
    f"{name}:x:{uid}:{uid}:{name}:/home/{name}:/bin/bash"
    for uid, name in enumerate(["root", "daemon", "editor", "backup", "www", "mail", "news"])
)
README_LIKE = """# nashir-tools

Small helpers for the newsroom.

## Install

```sh
pip install -r requirements.txt
```

Run `make all` to build everything; see docs/usage.md for the options you can pass.
"""


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FETCH_ALLOW_PRIVATE_HOSTS", "true")
    monkeypatch.delenv("SITE_NAME", raising=False)

    def run(*argv: str) -> int:
        return main.main(list(argv))

    return run


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and "internal error" not in err, err
    assert len(err.splitlines()) == 1, err
    return err


# --------------------------------------------------------------------------- sources


def test_missing_html_file(cli, capsys) -> None:
    assert cli("share", "nowhere/article.html") == main.EXIT_INPUT
    assert "neither a web link nor an existing file" in _one_line(capsys)


def test_html_path_that_is_a_folder(cli, tmp_path, capsys) -> None:
    (tmp_path / "saved.html").mkdir()
    assert cli("share", "saved.html") == main.EXIT_INPUT
    assert "is a folder" in _one_line(capsys)


def test_text_path_that_is_a_folder(cli, tmp_path, capsys) -> None:
    (tmp_path / "notes").mkdir()
    assert cli("share", "notes") == main.EXIT_INPUT
    assert "is a folder" in _one_line(capsys)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(cli, tmp_path, capsys) -> None:
    source = tmp_path / "locked.html"
    source.write_text(article_page(HARBOUR), encoding="utf-8")
    source.chmod(0)
    assert cli("share", "locked.html") == main.EXIT_INPUT
    assert "could not be read" in _one_line(capsys)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PASSWD_LIKE, "does not read like an article"),
        (README_LIKE, "not in Arabic"),
        (article_text(ENGLISH), "not in Arabic"),
    ],
)
def test_text_that_is_not_an_arabic_article(cli, tmp_path, capsys, content, expected) -> None:
    (tmp_path / "input.txt").write_text(content, encoding="utf-8")
    assert cli("share", "input.txt") == main.EXIT_INPUT
    assert expected in _one_line(capsys)
    assert not (tmp_path / "out").exists()


def test_english_article_page_is_refused(cli, page_server: PageServer, capsys) -> None:
    url = page_server.add("/en.html", body=article_page(ENGLISH, lang="en").encode())
    assert cli("share", url) == main.EXIT_INPUT
    assert "هذا البوت يعدّ منشورات باللغة العربية" in _one_line(capsys)


def test_bidi_controls_and_nul_never_reach_a_draft(cli, tmp_path, capsys) -> None:
    title, paragraphs = HARBOUR
    poisoned = "\u202e" + title + "\u2066\x00" + "\n" + "\n".join(paragraphs) + "\u202c"
    (tmp_path / "input.txt").write_text(poisoned, encoding="utf-8")
    assert cli("share", "input.txt", "--json") == main.EXIT_OK
    printed = json.loads(capsys.readouterr().out)
    assert printed["article"]["title"] == title
    forbidden = {"\u202e", "\u2066", "\u202c", "\x00"}
    for draft in printed["drafts"]:
        assert not forbidden & set(draft["text"]), draft["platform"]


def test_mislabelled_utf8_page_is_not_garbled(cli, page_server: PageServer, capsys) -> None:
    page = article_page(LIBRARY, charset="windows-1256").encode("utf-8")
    url = page_server.add("/lib.html", body=page, content_type="text/html; charset=windows-1256")
    assert cli("share", url, "--json") == main.EXIT_OK
    printed = json.loads(capsys.readouterr().out)
    assert printed["article"]["title"] == LIBRARY[0]
    assert "ط®" not in printed["article"]["text"]


def test_a_table_of_rows_is_bounded_work(cli, page_server: PageServer, capsys) -> None:
    # 2.4 MB of price rows after a real lead: the body handed on is cut to a bounded size.
    rows = "".join(
        f"<tr><td>{i}</td><td>سعر الكيلوغرام من الطماطم في سوق الجملة رقم {i}</td></tr>"
        for i in range(30_000)
    )
    lead = "".join(f"<p>{p}</p>" for p in HARBOUR[1])
    page = f"<html><head><title>{HARBOUR[0]}</title></head><body>{lead}<table>{rows}</table>"
    url = page_server.add("/rows.html", body=page.encode())
    assert cli("share", url, "--json", "--platforms", "x") == main.EXIT_OK
    printed = json.loads(capsys.readouterr().out)
    assert len(printed["article"]["text"]) <= 40_000


# --------------------------------------------------------------------------- outputs


def test_out_pointing_at_a_file(cli, tmp_path, capsys) -> None:
    (tmp_path / "results").write_text("not a folder")
    assert cli("share", str(SAMPLE), "--out", "results") == main.EXIT_INPUT
    assert "is a file" in _one_line(capsys)


def test_articles_with_query_ids_get_their_own_folders(cli, page_server, tmp_path) -> None:
    first = page_server.add(
        "/a1",
        body=article_page(HARBOUR, canonical="https://news.example/article.php?id=1").encode(),
    )
    second = page_server.add(
        "/a2",
        body=article_page(LIBRARY, canonical="https://news.example/article.php?id=2").encode(),
    )
    assert cli("share", first, "--platforms", "x") == main.EXIT_OK
    assert cli("share", second, "--platforms", "x") == main.EXIT_OK
    folders = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert folders == ["article-1", "article-2"]
    titles = {
        json.loads((tmp_path / "out" / f / "drafts.json").read_text())["article"]["title"]
        for f in folders
    }
    assert titles == {HARBOUR[0], LIBRARY[0]}


def test_a_folder_of_another_article_is_never_overwritten(cli, page_server, tmp_path) -> None:
    # Same last path segment, no query: the slugs collide; the second goes elsewhere.
    one = page_server.add(
        "/x1", body=article_page(HARBOUR, canonical="https://a.example/2026/05/news.html").encode()
    )
    two = page_server.add(
        "/x2", body=article_page(LIBRARY, canonical="https://a.example/2026/06/news.html").encode()
    )
    assert cli("share", one, "--platforms", "x") == main.EXIT_OK
    assert cli("share", two, "--platforms", "x") == main.EXIT_OK
    first = json.loads((tmp_path / "out" / "news" / "drafts.json").read_text())
    assert first["article"]["title"] == HARBOUR[0]
    others = [p for p in (tmp_path / "out").iterdir() if p.name != "news"]
    assert len(others) == 1 and others[0].name.startswith("news-")
    second = json.loads((others[0] / "drafts.json").read_text())
    assert second["article"]["title"] == LIBRARY[0]


def test_a_second_run_replaces_files_atomically_and_drops_leftovers(cli, tmp_path) -> None:
    assert cli("share", str(SAMPLE), "--cards", "all") == main.EXIT_OK
    folder = tmp_path / "out" / "desalination-agadir"
    assert (folder / "whatsapp.txt").exists() and (folder / "card-story.png").exists()
    with (folder / "drafts.json").open(encoding="utf-8") as earlier:
        assert cli("share", str(SAMPLE), "--platforms", "x", "--cards", "wide") == main.EXIT_OK
        # Replaced by a rename: a reader holding the old file still reads all of it.
        assert len(json.loads(earlier.read())["drafts"]) == 9
    assert sorted(p.name for p in folder.iterdir()) == ["card-wide.png", "drafts.json", "x.txt"]


def test_closed_output_pipe_is_quiet(tmp_path) -> None:
    command = f"{sys.executable} {ROOT / 'main.py'} share {SAMPLE} --out out | head -c 10"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        capture_output=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.stderr == b""
    assert result.returncode in (main.EXIT_OK, main.EXIT_PIPE_CLOSED)
    json_command = f"{sys.executable} {ROOT / 'main.py'} share {SAMPLE} --json | true"
    result = subprocess.run(
        ["bash", "-c", json_command], capture_output=True, cwd=tmp_path, check=False
    )
    assert result.stderr == b""


def test_unopenable_database_is_named_not_a_crash(tmp_path) -> None:
    (tmp_path / "db.sqlite3").write_text("this is not a database")
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "run"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "TELEGRAM_BOT_TOKEN": "1:fake",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9",
            "DATABASE_URL": "sqlite+aiosqlite:///db.sqlite3",
        },
        timeout=120,
        check=False,
    )
    assert result.returncode == main.EXIT_INPUT
    assert "DATABASE_URL" in result.stderr and "internal error" not in result.stderr


# --------------------------------------------------------------------------- summarize-batch


@pytest.mark.parametrize(
    ("content", "expected"),
    [("{not json", "السطر 1 ليس JSON"), ('{"id": 1}\n', "text"), ("[1, 2]", "text")],
)
def test_bad_batch_lines_are_named(cli, tmp_path, capsys, content, expected) -> None:
    (tmp_path / "in.jsonl").write_text(content, encoding="utf-8")
    assert cli("summarize-batch", "in.jsonl") == main.EXIT_INPUT
    assert expected in _one_line(capsys)


def test_batch_input_missing(cli, capsys) -> None:
    assert cli("summarize-batch", "absent.jsonl") == main.EXIT_INPUT
    assert "absent.jsonl" in _one_line(capsys)


# --------------------------------------------------------------------------- cards


def test_all_sizes_keep_the_photo_where_it_is_big_enough() -> None:
    # File cards: PNG when flat, JPEG over a photo, so the format shows whether it was used.
    renderer = CardRenderer(
        sample_branding(), themes_dir=ROOT / "templates" / "cards", use=CardUse.FILE
    )
    # Wide enough for the landscape cards, too short to fill a story card without blur.
    photo = make_photo(1400, 700)
    cards = {
        card.size: card
        for card in renderer.render_all(
            sample_article(), list(CardSize), theme="photo", lead_image=photo
        )
    }
    assert cards[CardSize.WIDE].image_format == "JPEG" and not cards[CardSize.WIDE].note
    assert cards[CardSize.X].image_format == "JPEG"
    assert cards[CardSize.STORY].image_format == "PNG"
    assert "too small" in cards[CardSize.STORY].note
    with Image.open(io.BytesIO(cards[CardSize.WIDE].data)) as image:
        assert image.size == (1200, 630)


def test_unusable_lead_photo_says_why(cli, page_server: PageServer, tmp_path, capsys) -> None:
    html = SAMPLE.read_text(encoding="utf-8").replace(
        "https://akhbar-sahel.ma/media/2026/03/agadir-station.jpg", page_server.url("/tiny.png")
    )
    page_server.add("/tiny.png", body=make_photo(120, 80), content_type="image/png")
    url = page_server.add("/article.html", body=html.encode())
    assert cli("share", url, "--theme", "photo", "--platforms", "x") == main.EXIT_OK
    out = capsys.readouterr().out
    assert "note: card wide: drawn without the lead photo" in out
    assert "too small" in out
