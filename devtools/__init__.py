"""Local stand-ins for the peers Nashir talks to, shared by the tests and the benchmarks.

- :mod:`devtools.botapi`: a local Telegram Bot API server speaking the real HTTP protocol;
- :mod:`devtools.pages`: an HTTP server on 127.0.0.1 for article pages and feeds;
- :mod:`devtools.ports`: free local ports;
- :mod:`devtools.card_samples`, :mod:`devtools.card_variety`: articles, photos and logos for
  card tests and the card benchmark;
- :mod:`devtools.heavy_pages`: generated Arabic news pages of 330-480 KB (scripts, menus,
  widgets, comments) for the extraction tests and the pipeline benchmark.

Nothing here is imported by the bot itself (``bot/``, ``handlers/``, ``db/``, ``main.py``).
"""
