"""How updates reach the bot: long polling (getUpdates) or webhook delivery."""

from __future__ import annotations

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


class UpdateDelivery(ServerState):
    """``getUpdates`` honouring ``offset``, ``limit`` and ``timeout``; or a webhook that
    POSTs each update (with ``secret_token``) from ``max_connections`` threads, retrying
    until the bot accepts it."""

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
        if url and urlsplit(url).scheme not in {"http", "https"}:
            raise bad_request("bad webhook: invalid webhook URL")
        with self._cond:
            if bool_param(params, "drop_pending_updates"):
                self._updates.clear()
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

    def _m_deletewebhook(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        with self._cond:
            if bool_param(params, "drop_pending_updates"):
                self._updates.clear()
            self.webhook = None
            self._webhook_generation += 1
            self._queued.notify_all()
            self._cond.notify_all()
        return True

    def _m_getwebhookinfo(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        with self._cond:
            info: JSONDict = {
                "url": self.webhook.url if self.webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if self.webhook is not None:
                info["max_connections"] = self.webhook.max_connections
                if self.webhook.allowed_updates is not None:
                    info["allowed_updates"] = self.webhook.allowed_updates
                if self.webhook.last_error_date:
                    info["last_error_date"] = self.webhook.last_error_date
                    info["last_error_message"] = self.webhook.last_error_message
        return info

    def _deliver_webhooks(self, generation: int) -> None:
        """One of the webhook's ``max_connections``: POST updates until the webhook changes."""
        poster = WebhookPoster()
        try:
            while True:
                with self._cond:
                    while not self._updates and generation == self._webhook_generation:
                        self._queued.wait(0.5)
                    hook = self.webhook
                    if generation != self._webhook_generation or hook is None:
                        return
                    update = self._updates.popleft()
                    self._inflight_updates.add(update["update_id"])
                if not update_allowed(update, hook.allowed_updates):
                    self._finish_delivery(update, None)
                    continue
                status, error = poster.post(hook.url, update, hook.secret_token)
                with self._cond:
                    self.deliveries.append(
                        Delivery(update["update_id"], status, hook.secret_token, time.monotonic())
                    )
                    if not 200 <= status < 300:
                        hook.last_error_date = int(time.time())
                        hook.last_error_message = (
                            error or f"Wrong response from the webhook: {status}"
                        )
                        self._updates.appendleft(update)  # Telegram retries until delivered
                        self._queued.notify()
                if not 200 <= status < 300:
                    time.sleep(0.2)
                self._finish_delivery(update, None)
        finally:
            poster.close()

    def _finish_delivery(self, update: JSONDict, _: None) -> None:
        with self._cond:
            self._inflight_updates.discard(update["update_id"])
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
