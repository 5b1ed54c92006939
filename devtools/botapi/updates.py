"""How updates reach the bot: long polling (getUpdates) or webhook delivery."""

from __future__ import annotations

import ipaddress
import re
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from devtools.botapi.poster import WebhookPoster
from devtools.botapi.protocol import (
    APIError,
    JSONDict,
    bad_request,
    bool_param,
    float_param,
    int_param,
    update_allowed,
)
from devtools.botapi.records import Delivery, UploadedFile, Webhook
from devtools.botapi.state import ServerState

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})


class UpdateDelivery(ServerState):
    """``getUpdates`` honouring ``offset``, ``limit`` and ``timeout``; or a webhook that
    POSTs each update (with ``secret_token``) from ``max_connections`` threads.

    Webhook delivery follows Telegram's: the URL must be HTTPS on port 443, 80, 88 or 8443
    and not a reserved address (unless the server was built with
    ``allow_local_webhooks=True``, as the self-hosted server's ``--local`` mode allows);
    the updates of one chat go one at a time and in order; a failed delivery is retried
    at once, then after ``webhook_backoff`` seconds doubling each time (or the webhook's
    ``Retry-After``), and the update is dropped after ``webhook_attempts`` attempts.
    """

    def _m_getupdates(self, params: JSONDict, files: dict[str, UploadedFile]) -> list[JSONDict]:
        offset = int_param(params, "offset", default=0)
        limit = min(max(int_param(params, "limit", default=100), 1), 100)
        timeout = max(float_param(params, "timeout", default=0.0), 0.0)
        allowed = params.get("allowed_updates")
        deadline = time.monotonic() + timeout
        with self._cond:
            if self.webhook is not None:
                raise APIError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use "
                    "deleteWebhook to delete the webhook first",
                )
            while True:
                if offset:
                    # Confirming: everything before `offset` is gone for good.
                    while self._updates and self._updates[0]["update_id"] < offset:
                        self._updates.popleft()
                    self._cond.notify_all()
                batch = [u for u in self._updates if update_allowed(u, allowed)][:limit]
                remaining = deadline - time.monotonic()
                if batch or remaining <= 0 or self._closing:
                    now = time.monotonic()
                    for update in batch:
                        self.handed.setdefault(update["update_id"], now)
                    return batch
                self._cond.wait(remaining)

    def _m_setwebhook(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        url = str(params.get("url", ""))
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        max_connections = int_param(params, "max_connections", default=40)
        if not 1 <= max_connections <= 100:
            raise bad_request("invalid max_connections specified")
        if url:
            self._check_webhook_url(url)
        with self._cond:
            if bool_param(params, "drop_pending_updates"):
                self._drop_pending()
            self._webhook_generation += 1
            self.webhook = (
                Webhook(url, secret, max_connections, params.get("allowed_updates"))
                if url
                else None
            )
            generation = self._webhook_generation
            self._queued.notify_all()
            self._cond.notify_all()
        if url:
            for _ in range(max_connections):
                worker = threading.Thread(
                    target=self._deliver_webhooks, args=(generation,), daemon=True
                )
                self._webhook_workers.append(worker)
                worker.start()
        return True

    def _check_webhook_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise bad_request("bad webhook: invalid webhook URL")
        if self.allow_local_webhooks:
            return
        if parts.scheme != "https":
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if (parts.port or 443) not in _WEBHOOK_PORTS:
            raise bad_request(
                "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
            )
        try:
            address = ipaddress.ip_address(parts.hostname)
        except ValueError:
            return  # a host name: Telegram would resolve it; here it is taken as public
        if not address.is_global:
            raise bad_request(f"bad webhook: IP address {address} is reserved")

    def _m_deletewebhook(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        with self._cond:
            if bool_param(params, "drop_pending_updates"):
                self._drop_pending()
            self.webhook = None
            self._webhook_generation += 1
            self._queued.notify_all()
            self._cond.notify_all()
        return True

    def _drop_pending(self) -> None:
        self._updates.clear()
        self._attempts.clear()
        self._retry_at.clear()

    def _m_getwebhookinfo(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        with self._cond:
            info: JSONDict = {
                "url": self.webhook.url if self.webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates) + len(self._inflight_updates),
            }
            if self.webhook is not None:
                info["max_connections"] = self.webhook.max_connections
                if self.webhook.allowed_updates is not None:
                    info["allowed_updates"] = self.webhook.allowed_updates
                if self.webhook.last_error_date:
                    info["last_error_date"] = self.webhook.last_error_date
                    info["last_error_message"] = self.webhook.last_error_message
        return info

    # ------------------------------------------------------------------ webhook delivery

    def _deliver_webhooks(self, generation: int) -> None:
        """One of the webhook's ``max_connections``: POST updates until the webhook changes."""
        poster = WebhookPoster()
        try:
            while True:
                with self._cond:
                    picked = self._next_delivery(generation)
                    if picked is None:
                        return
                    update, hook = picked
                    update_id = update["update_id"]
                    attempt = self._attempts.get(update_id, 0) + 1
                    started = time.monotonic()
                    self.handed.setdefault(update_id, started)
                if not update_allowed(update, hook.allowed_updates):
                    self._settle(update, delivered=True)
                    continue
                status, error = poster.post(hook.url, update, hook.secret_token)
                ok = 200 <= status < 300
                with self._cond:
                    gave_up = not ok and attempt >= self.webhook_attempts
                    self.deliveries.append(
                        Delivery(
                            update_id,
                            status,
                            hook.secret_token,
                            time.monotonic(),
                            started=started,
                            attempt=attempt,
                            error=error,
                            gave_up=gave_up,
                        )
                    )
                    if not ok:
                        hook.last_error_date = int(time.time())
                        hook.last_error_message = error
                        if not gave_up:
                            self._attempts[update_id] = attempt
                            wait = self._retry_delay(attempt, poster.retry_after)
                            self._retry_at[update_id] = time.monotonic() + wait
                            self._requeue(update)
                self._settle(update, delivered=ok or gave_up)
        finally:
            poster.close()

    def _next_delivery(self, generation: int) -> tuple[JSONDict, Webhook] | None:
        """Wait for an update this connection may deliver now (the lock is held)."""
        while True:
            hook = self.webhook
            if generation != self._webhook_generation or hook is None:
                return None
            update, wait = self._deliverable(time.monotonic())
            if update is not None:
                self._updates.remove(update)
                self._inflight_updates[update["update_id"]] = _order_key(update)
                return update, hook
            self._queued.wait(min(wait, 0.5) if wait is not None else 0.5)

    def _deliverable(self, now: float) -> tuple[JSONDict | None, float | None]:
        """The first queued update whose chat has no earlier update pending or on the wire
        and whose retry time has come; else None and how long until one may be due."""
        blocked = set(self._inflight_updates.values())
        soonest: float | None = None
        for update in self._updates:
            key = _order_key(update)
            if key in blocked:
                continue
            blocked.add(key)  # later updates of this chat wait for this one
            due = self._retry_at.get(update["update_id"], 0.0)
            if due <= now:
                return update, None
            soonest = due - now if soonest is None else min(soonest, due - now)
        return None, soonest

    def _retry_delay(self, attempt: int, retry_after: float | None) -> float:
        """Once again at once, then ``webhook_backoff`` seconds doubling each time, unless
        the webhook asked for more with ``Retry-After``."""
        delay = 0.0 if attempt == 1 else self.webhook_backoff * 2 ** (attempt - 2)
        return max(delay, retry_after or 0.0)

    def _requeue(self, update: JSONDict) -> None:
        """Put a failed update back in its place (updates stay in id order)."""
        later = (i for i, u in enumerate(self._updates) if u["update_id"] > update["update_id"])
        self._updates.insert(next(later, len(self._updates)), update)

    def _settle(self, update: JSONDict, *, delivered: bool) -> None:
        with self._cond:
            self._inflight_updates.pop(update["update_id"], None)
            if delivered:
                self._attempts.pop(update["update_id"], None)
                self._retry_at.pop(update["update_id"], None)
            self._queued.notify_all()
            self._cond.notify_all()

    def deliver_raw(self, body: bytes, *, secret_token: str | None) -> int:
        """POST ``body`` to the webhook as-is (a forged request, for the secret-token test)."""
        with self._cond:
            url = self.webhook.url if self.webhook else ""
        if not url:
            raise AssertionError("no webhook is set")
        request = urllib.request.Request(url, data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        if secret_token is not None:
            request.add_header("X-Telegram-Bot-Api-Secret-Token", secret_token)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as exc:
            return exc.code


def _order_key(update: JSONDict) -> object:
    """Updates with the same key are delivered one at a time, in order (Telegram keeps one
    queue per chat); an update tied to no chat is on its own."""
    for kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
        if kind in update:
            return update[kind]["chat"]["id"]
    query = update.get("callback_query")
    if query is not None:
        message = query.get("message")
        return message["chat"]["id"] if message else ("user", query["from"]["id"])
    for kind in ("my_chat_member", "chat_member"):
        if kind in update:
            return update[kind]["chat"]["id"]
    inline = update.get("inline_query")
    if inline is not None:
        return ("user", inline["from"]["id"])
    return ("update", update["update_id"])
