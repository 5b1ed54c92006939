"""Platforms as data: the table of rules, counting functions, hashtags and share links."""

from bot.platforms.table import (
    PLATFORMS,
    IntentField,
    LengthRule,
    LinkMode,
    PlatformSpec,
    ShareIntent,
    Unit,
    parse_platforms,
    platform_specs,
)

__all__ = [
    "PLATFORMS",
    "IntentField",
    "LengthRule",
    "LinkMode",
    "PlatformSpec",
    "ShareIntent",
    "Unit",
    "parse_platforms",
    "platform_specs",
]
