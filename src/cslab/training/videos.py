"""Lesson videos: links to YouTube or Vimeo only, played through their privacy-friendly players.

Pure: `video_embed_url` turns an accepted link into the player address the lesson page frames
(youtube-nocookie.com, player.vimeo.com; the site's CSP `frame-src` allows exactly these two),
and returns None for anything else, so an author never puts raw HTML or another host in a page.
"""

import re
from urllib.parse import parse_qs, urlsplit

_YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"})
_VIMEO_HOSTS = frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"})
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")


def _youtube_id(path: str, query: str, host: str) -> str | None:
    parts = [part for part in path.split("/") if part]
    if host == "youtu.be":
        candidate = parts[0] if parts else ""
    elif parts[:1] == ["watch"]:
        candidate = (parse_qs(query).get("v") or [""])[0]
    elif len(parts) >= 2 and parts[0] in {"embed", "shorts", "live"}:
        candidate = parts[1]
    else:
        return None
    return candidate if _YOUTUBE_ID.match(candidate) else None


def _vimeo_id(path: str) -> str | None:
    parts = [part for part in path.split("/") if part]
    if parts[:1] == ["video"]:
        parts = parts[1:]
    candidate = parts[0] if parts else ""
    return candidate if _VIMEO_ID.match(candidate) else None


def video_embed_url(url: str) -> str | None:
    """Return the embedded player's address for a YouTube or Vimeo link, or None."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    if parts.scheme not in {"https", "http"}:
        return None
    host = (parts.hostname or "").lower()
    if host in _YOUTUBE_HOSTS:
        video = _youtube_id(parts.path, parts.query, host)
        return f"https://www.youtube-nocookie.com/embed/{video}" if video else None
    if host in _VIMEO_HOSTS:
        video = _vimeo_id(parts.path)
        return f"https://player.vimeo.com/video/{video}" if video else None
    return None
