"""The WebVTT captions of a clip, for AudioPlayer's captionData: fetched once, kept while warm.

Captions are published next to their clip, content-addressed (a key never changes), so a
container keeps each one it fetched. A fetch has a short deadline: a stream is never held up
for its captions; without them it plays uncaptioned, and the next play tries again.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from factskill.remote import Fetch

logger = logging.getLogger(__name__)

FETCH_DEADLINE_SECONDS = 0.5
MAX_CAPTIONS_BYTES = 64 * 1024
KEPT = 256  # captions of this many clips per container


class Captions:
    """URL -> WebVTT text, bounded; `fetch` is factskill.remote.https_fetch by default."""

    def __init__(self, fetch: Fetch | None = None, *, size: int = KEPT) -> None:
        self._fetch = fetch
        self._size = size
        self._kept: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def text(self, url: str | None) -> str | None:
        """The captions at `url` (a WEBVTT file), or None: none, unreachable, or not WebVTT."""
        if url is None:
            return None
        with self._lock:
            if url in self._kept:
                self._kept.move_to_end(url)
                return self._kept[url]
        body = self._get(url)
        if body is None:
            return None
        with self._lock:
            self._kept[url] = body
            if len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return body

    def _get(self, url: str) -> str | None:
        from factskill.remote import RemoteError, https_fetch

        fetch = self._fetch or https_fetch
        try:
            fetched = fetch(url, None, FETCH_DEADLINE_SECONDS)
        except RemoteError as exc:
            logger.warning("captions unavailable, playing without them: %s", exc)
            return None
        body = fetched.body
        if not isinstance(body, bytes) or len(body) > MAX_CAPTIONS_BYTES:
            logger.warning("captions at %s: missing or over %d bytes", url, MAX_CAPTIONS_BYTES)
            return None
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = ""
        if not text.startswith("WEBVTT"):
            logger.warning("captions at %s are not WebVTT: playing without them", url)
            return None
        return text
