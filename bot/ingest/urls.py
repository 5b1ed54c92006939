"""URL normalisation: one spelling per article, so dedupe and share links agree.

Tracking parameters and fragments never identify an article; scheme and host are
case-insensitive; a relative canonical link is resolved against the page that declared it.
Path and the remaining query are kept exactly as written (their case can matter).
"""

from __future__ import annotations

from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

# Query parameters added by campaign tools and ad networks. `utm_*` is matched by prefix.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "dclid",  # Google Display
        "gbraid",  # Google Ads (iOS)
        "wbraid",  # Google Ads (web to app)
        "msclkid",  # Microsoft Ads
        "yclid",  # Yandex
        "igshid",  # Instagram share
        "mc_cid",  # Mailchimp campaign
        "mc_eid",  # Mailchimp recipient
        "_hsenc",  # HubSpot
        "_hsmi",  # HubSpot
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    # "amp;utm_source" comes from pages that escape "&" twice in their links.
    lowered = name.lower().removeprefix("amp;")
    return lowered.startswith("utm_") or lowered in TRACKING_PARAMS


def normalize_url(url: str, base: str | None = None) -> str:
    """Return the canonical spelling of ``url``.

    Args:
        url: an absolute URL, or a relative one when ``base`` is given.
        base: the page the link was found on; relative links are resolved against it.

    Returns:
        The URL with lower-case scheme and host, no default port, no fragment, and no
        tracking parameters (``utm_*``, ``fbclid``, ``gclid`` …). Other query parameters keep
        their order. A URL that cannot be parsed is returned stripped but otherwise unchanged.
    """
    url = url.strip()
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal: urlsplit drops the brackets
        host = f"[{host}]"
    netloc = host
    if parts.username is not None:
        auth = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{auth}@{host}"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    # Filter the raw `name=value` pairs rather than decoding and re-encoding them, so the
    # parameters we keep are spelled exactly as the site wrote them.
    query = "&".join(
        pair
        for pair in parts.query.split("&")
        if pair and not is_tracking_param(unquote_plus(pair.split("=", 1)[0]))
    )
    path = parts.path or ("/" if host else "")
    return urlunsplit((scheme, netloc, path, query, ""))


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)


def coerce_url(text: str) -> str:
    """What people type for a URL, as a URL: ``www.site.ma/a`` → ``https://www.site.ma/a``."""
    candidate = text.strip()
    if candidate.lower().startswith("www."):
        return f"https://{candidate}"
    return candidate
