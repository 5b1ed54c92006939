"""A local X API v2 (posts, v2 media upload, reads, OAuth 1.0a checks, faults) for tests and
benchmarks; see :mod:`devtools.xapi.server`."""

from devtools.xapi.server import ACCOUNT_ID, CREDENTIALS, DUPLICATE, Post, XAPIServer, XCall

__all__ = ["ACCOUNT_ID", "CREDENTIALS", "DUPLICATE", "Post", "XAPIServer", "XCall"]
