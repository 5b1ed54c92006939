"""The X API client: tweepy for posts and reads, our own small v2 media upload beside it.

tweepy 4.17 hard-codes ``https://api.twitter.com`` and only knows the retired v1.1 media
upload. Rather than patch it, the client is handed a session (:class:`RoutedSession`) that
sends its requests to ``X_API_BASE_URL`` and signs them again (OAuth 1.0a, HMAC-SHA1) for the
address they really go to — a signature is bound to the host it was computed for. The v2
upload (``POST /2/media/upload``, one request for an image) goes through the same session
and the same signing, to ``X_UPLOAD_BASE_URL``. Tests and operators point both settings at
another server; nothing else changes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import tweepy.asynchronous
from oauthlib.oauth1 import Client as OAuth1
from yarl import URL

from bot.settings import Settings

logger = logging.getLogger(__name__)

TWEEPY_ROOT = "https://api.twitter.com"
DEFAULT_API_BASE = "https://api.x.com"
UPLOAD_PATH = "/2/media/upload"
# A post is answered in well under a second; the upload of a 300 KB card in a few.
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=30, connect=10, sock_read=25)


@dataclass(frozen=True, slots=True)
class XCredentials:
    """OAuth 1.0a user context: the app's key and secret and the account's token and secret."""

    api_key: str = field(repr=False)
    api_secret: str = field(repr=False)
    access_token: str = field(repr=False)
    access_token_secret: str = field(repr=False)

    @property
    def user_id(self) -> str:
        """The account's id: an OAuth 1.0a access token starts with it (``123-abc…``)."""
        return self.access_token.partition("-")[0]

    @classmethod
    def from_settings(cls, settings: Settings) -> XCredentials | None:
        """The four ``X_*`` settings, or None when any is missing (X is not configured)."""
        values = (
            settings.x_api_key,
            settings.x_api_secret,
            settings.x_access_token,
            settings.x_access_token_secret,
        )
        if not all(values):
            return None
        return cls(*(value.reveal() for value in values if value is not None))

    def signer(self) -> OAuth1:
        return OAuth1(self.api_key, self.api_secret, self.access_token, self.access_token_secret)


@dataclass(frozen=True, slots=True)
class XEndpoints:
    api_base: str = DEFAULT_API_BASE
    upload_base: str = DEFAULT_API_BASE

    @classmethod
    def from_settings(cls, settings: Settings) -> XEndpoints:
        api = settings.x_api_base_url
        return cls(api_base=api, upload_base=settings.x_upload_base_url or api)


def sign(credentials: XCredentials, method: str, url: str) -> str:
    """The ``Authorization`` header of an OAuth 1.0a request to ``url`` (no body parameters:
    JSON and multipart bodies are not part of the signature)."""
    _, headers, _ = credentials.signer().sign(url, http_method=method)
    return str(headers["Authorization"])


class RoutedSession:
    """What tweepy sees as its aiohttp session: requests go to ``api_base``, signed for it."""

    def __init__(
        self, session: aiohttp.ClientSession, credentials: XCredentials, api_base: str
    ) -> None:
        self._session = session
        self._credentials = credentials
        self._api_base = api_base.rstrip("/")

    def request(self, method: str, url: str | URL, **kwargs: Any) -> Any:
        target = str(url)
        if target.startswith(TWEEPY_ROOT):
            target = self._api_base + target[len(TWEEPY_ROOT) :]
        headers = dict(kwargs.pop("headers", None) or {})
        if str(headers.get("Authorization", "")).startswith("OAuth "):
            headers["Authorization"] = sign(self._credentials, method, target)
        return self._session.request(
            method, URL(target, encoded=True), headers=headers, timeout=REQUEST_TIMEOUT, **kwargs
        )


class XClient:
    """Posts, replies, recent posts and image uploads for one X account.

    Errors are the libraries' own (``tweepy.TooManyRequests``, ``tweepy.Forbidden``,
    ``aiohttp.ClientError``, ``TimeoutError`` …); :mod:`bot.publish.x` decides what each means.
    """

    def __init__(
        self,
        credentials: XCredentials,
        endpoints: XEndpoints | None = None,
        *,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.credentials = credentials
        self.endpoints = endpoints or XEndpoints()
        self._own_session = session is None
        self._session = session
        self._tweepy: tweepy.asynchronous.AsyncClient | None = None

    def _client(self) -> tweepy.asynchronous.AsyncClient:
        if self._tweepy is None:
            if self._session is None:
                self._session = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
            c = self.credentials
            client = tweepy.asynchronous.AsyncClient(
                consumer_key=c.api_key,
                consumer_secret=c.api_secret,
                access_token=c.access_token,
                access_token_secret=c.access_token_secret,
            )
            client.session = RoutedSession(self._session, c, self.endpoints.api_base)
            self._tweepy = client
        return self._tweepy

    async def create_post(
        self, text: str, *, media_ids: list[str] | None = None, reply_to: str | None = None
    ) -> str:
        """``POST /2/tweets``; returns the new post's id."""
        answer = await self._client().create_tweet(
            text=text, media_ids=media_ids or None, in_reply_to_tweet_id=reply_to, user_auth=True
        )
        return str(answer.data["id"])

    async def recent_posts(self, limit: int = 20) -> list[tuple[str, str]]:
        """The account's latest posts as (id, text), newest first."""
        answer = await self._client().get_users_tweets(
            self.credentials.user_id, max_results=max(5, min(limit, 100)), user_auth=True
        )
        return [(str(post.id), post.text) for post in answer.data or ()]

    async def upload_image(self, data: bytes, *, mime_type: str) -> str:
        """v2 one-shot media upload of an image; returns its media id."""
        self._client()  # opens the session
        assert self._session is not None
        url = self.endpoints.upload_base.rstrip("/") + UPLOAD_PATH
        form = aiohttp.FormData()
        form.add_field("media_category", "tweet_image")
        form.add_field("media_type", mime_type)
        form.add_field("media", data, filename="card", content_type=mime_type)
        headers = {"Authorization": sign(self.credentials, "POST", url)}
        async with self._session.post(
            url, data=form, headers=headers, timeout=REQUEST_TIMEOUT
        ) as response:
            body = await response.json(content_type=None)
            if response.status >= 300:
                raise UploadError(response.status, body, dict(response.headers))
        media = body.get("data") or body
        return str(media.get("id") or media["media_id_string"])

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
        self._session = None
        self._tweepy = None


class UploadError(Exception):
    """The upload endpoint answered with an error status."""

    def __init__(self, status: int, body: Any, headers: dict[str, str]) -> None:
        detail = body.get("detail") if isinstance(body, dict) else None
        super().__init__(f"media upload: HTTP {status}: {detail or body}")
        self.status = status
        self.headers = headers
