"""Values shown by their meaning: fen as yuan, chain seconds as China Standard Time, in one place.

The REST API (`*_yuan`, `*_iso` companion fields, JSON and CSV), the CLI and the pages format with
these functions, so a figure reads the same everywhere. Amounts are exact: fen are integers and yuan
text is built from them with integer arithmetic, never through a float.
"""

from __future__ import annotations

import datetime as dt

CHINA_TIME = dt.timezone(dt.timedelta(hours=8), "CST")  # UTC+08:00, no daylight saving


def yuan(fen: int | None) -> str | None:
    """Fen as a plain yuan decimal with two places, for machines: 185000 -> "1850.00", -5 -> "-0.05"."""
    if fen is None:
        return None
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{'-' if fen < 0 else ''}{whole}.{cents:02d}"


def yuan_text(fen: int | None, empty: str = "-") -> str:
    """Fen for people: 185000 -> "¥1,850.00"."""
    if fen is None:
        return empty
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{'-' if fen < 0 else ''}¥{whole:,}.{cents:02d}"


def iso_time(seconds: int | None) -> str | None:
    """Chain seconds as ISO 8601 in China Standard Time: 1796337842 -> "2026-12-04T06:44:02+08:00".

    None for None and for 0, which the contracts store for "not yet" or "no bound"."""
    if not seconds:
        return None
    return dt.datetime.fromtimestamp(int(seconds), CHINA_TIME).isoformat()


def local_time(seconds: int | None, empty: str = "-") -> str:
    """Chain seconds for people, in China Standard Time: "2026-12-04 06:44:02" (0 or None: `empty`)."""
    if not seconds:
        return empty
    return dt.datetime.fromtimestamp(int(seconds), CHINA_TIME).strftime("%Y-%m-%d %H:%M:%S")


def duration_text(seconds: int | None, empty: str = "-") -> str:
    """A span for people, its two largest units: 788400 -> "9d 3h", 13 -> "13s"."""
    if seconds is None:
        return empty
    if 0 <= seconds < 60:
        return f"{int(seconds)}s"
    days, rest = divmod(max(int(seconds), 0), 86_400)
    hours, rest = divmod(rest, 3600)
    parts = [f"{n}{u}" for n, u in zip((days, hours, rest // 60), ("d", "h", "min")) if n][:2]
    return " ".join(parts) or "0min"
