"""Checking OAuth 1.0a HMAC-SHA1 signatures the way X does (RFC 5849, section 3.4).

The base string is built from the request as the server received it: method, the URL it was
sent to (scheme, host and path, without the query), and every query and ``oauth_*``
parameter. Form and multipart bodies in our use carry no signed parameters (JSON and
multipart are never part of the signature).
"""

from __future__ import annotations

import hmac
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

from oauthlib.oauth1.rfc5849 import signature, utils


def authorization_params(header: str) -> list[tuple[str, str]]:
    """The ``oauth_*`` parameters of an ``Authorization: OAuth …`` header."""
    if not header.startswith("OAuth "):
        return []
    return [(k, utils.unescape(v)) for k, v in utils.parse_authorization_header(header)]


def verify(
    method: str,
    url: str,
    authorization: str,
    *,
    consumer_secret: str,
    token_secret: str,
) -> bool:
    """Whether ``authorization`` signs this request with these secrets."""
    oauth = dict(authorization_params(authorization))
    claimed = oauth.pop("oauth_signature", None)
    if not claimed or oauth.get("oauth_signature_method") != "HMAC-SHA1":
        return False
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    params = signature.normalize_parameters([*query, *oauth.items()])
    base_uri = signature.base_string_uri(f"{parts.scheme}://{parts.netloc}{parts.path}")
    base = signature.signature_base_string(method.upper(), base_uri, params)
    secrets = SimpleNamespace(client_secret=consumer_secret, resource_owner_secret=token_secret)
    expected = signature.sign_hmac_sha1_with_client(base, secrets)
    return hmac.compare_digest(expected, claimed)
