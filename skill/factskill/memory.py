"""Listener memory across sessions, in DynamoDB: on only when MEMORY_TABLE names a table.

One item per Alexa account, keyed by a SHA-256 of its userId (the id itself is never stored),
holds each listener of that account: the recognized voice profile (personId, also digested) or,
without one, the account itself. Per listener, one attribute per language with the facts heard
(`h_<listener>_<language>`) and one with the preferred topic, the visits and the last visit
(`m_<listener>`). The skill reads the item once per session, on its first request, and writes
only its listener's attributes, only when something changed, conditionally on the version it
read: when another device of the account wrote meanwhile, it reads again, merges both sides'
facts and tries again, so neither loses the other's. SkillDisabled deletes the item;
`expires_at` (DynamoDB TTL) drops it a year after the last write.

The client is botocore's alone (no boto3 resource, no persistence adapter: they cost cold
start), made on first use, with short timeouts and one retry: with DynamoDB slow or down, a
request goes on without memory (logged once), within MEMORY_TIMEOUT_SECONDS or so.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from factcontent.limits import MAX_DECK_FACTS, MAX_ID_LENGTH
from factcontent.records import Record
from factskill.session import token_or_none

logger = logging.getLogger(__name__)

KEY_ATTRIBUTE = "listener"
TTL_ATTRIBUTE = "expires_at"
KEEP_SECONDS = 365 * 24 * 3600  # a listener who has not come back for a year is forgotten
# Connect and read timeouts, and two attempts at most: with DynamoDB black-holed, a read gives up
# within about 1.4 s, and then memory pauses: a Launch still answers within 2 s.
CONNECT_TIMEOUT_SECONDS = 0.3
READ_TIMEOUT_SECONDS = 0.4
PAUSE_AFTER_FAILURE_SECONDS = 60.0  # then memory is left alone for a while, not retried per request
ACCOUNT_LISTENER = "-"  # the listener of an account without a recognized voice
WRITE_TRIES = 3


class Recalled(Record):
    """One listener's memory in one language, as the item held it, and the item's version."""

    heard: tuple[str, ...] = ()
    topic: str | None = None
    visits: int = 0
    version: int = 0  # 0: no item yet
    stream: str | None = None  # the token of the stream they last played, on any device
    stream_at: int = 0  # where it stopped, in milliseconds


class Kept(Record):
    """What a session writes of its listener: the facts heard in its language, the rest."""

    heard: tuple[str, ...]
    topic: str | None
    visits: int
    last_visit: int


@functools.lru_cache(maxsize=16)  # a request asks twice; a container serves one at a time
def account_key(user_id: str) -> str:
    """The item key of an Alexa account: a digest, so the table never holds the id itself."""
    import hashlib

    return hashlib.sha256(user_id.encode("utf-8", "replace")).hexdigest()


@functools.lru_cache(maxsize=16)
def listener_key(person_id: str | None) -> str:
    """The attribute infix of one listener of the account: its voice profile's digest, or "-"."""
    if not person_id:
        return ACCOUNT_LISTENER
    import hashlib

    return hashlib.sha256(person_id.encode("utf-8", "replace")).hexdigest()[:16]


def _names(listener: str, language: str) -> tuple[str, str]:
    return f"h_{listener}_{language}", f"m_{listener}"


def _stream_name(listener: str) -> str:
    return f"p_{listener}"


def _ids(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    kept = (v for v in value if isinstance(v, str) and 0 < len(v) <= MAX_ID_LENGTH and v.isascii())
    return tuple(dict.fromkeys(kept))[:MAX_DECK_FACTS]


def _json(item: Mapping[str, Any], name: str) -> Any:
    try:
        return json.loads(item[name]["S"])
    except (KeyError, TypeError, ValueError):
        return None


def recalled_from(item: Mapping[str, Any] | None, listener: str, language: str) -> Recalled:
    """A listener's memory in `language` from a stored item, ignoring what has the wrong shape."""
    if not item:
        return Recalled()
    heard_name, meta_name = _names(listener, language)
    meta = _json(item, meta_name)
    meta = meta if isinstance(meta, Mapping) else {}
    topic, visits = meta.get("topic"), meta.get("visits")
    try:
        version = int(item["version"]["N"])
    except (KeyError, TypeError, ValueError):
        version = 0
    stream = _json(item, _stream_name(listener))
    stream = stream if isinstance(stream, Mapping) else {}
    token, offset = stream.get("token"), stream.get("offset")
    stream_token = token_or_none(token)
    return Recalled(
        heard=_ids(_json(item, heard_name)),
        topic=topic if isinstance(topic, str) and 0 < len(topic) <= MAX_ID_LENGTH else None,
        visits=visits if isinstance(visits, int) and not isinstance(visits, bool) else 0,
        version=version,
        stream=stream_token,
        stream_at=offset
        if stream_token and isinstance(offset, int) and not isinstance(offset, bool) and offset > 0
        else 0,
    )


class MemoryStore(Protocol):
    def read(self, account: str) -> Mapping[str, Any] | None: ...

    def write(
        self, account: str, listener: str, language: str, kept: Kept, *, version: int, now: int
    ) -> bool:
        """Write the listener's attributes if the item is still at `version`; False if not."""
        ...

    def delete(self, account: str) -> None: ...

    def keep_stream(
        self, account: str, listener: str, token: str | None, offset: int, *, now: int
    ) -> None:
        """Keep where the listener's stream is (None: it played to its end)."""
        ...

    def claim(self, key: str, token: str, *, now: int) -> bool:
        """Record that the stream on device `key` moved on from `token`: True the first time,
        False when it already had (another container's answer to the same event)."""
        ...


# The item of a device's stream: its digest, apart from any account's (whose key is a bare
# digest), kept a day (a stream's events come within minutes of each other).
DEVICE_KEY_PREFIX = "device:"
STREAM_KEEP_SECONDS = 24 * 3600


def device_key(device_id: str) -> str:
    import hashlib

    return DEVICE_KEY_PREFIX + hashlib.sha256(device_id.encode("utf-8", "replace")).hexdigest()


class DynamoStore:
    """The memory table through botocore's DynamoDB client, made on first use."""

    def __init__(self, table: str, *, client_factory: Callable[[], Any] | None = None) -> None:
        self.table = table
        self._factory = client_factory or self._default_client
        self._client: Any = None
        self._lock = threading.Lock()

    @staticmethod
    def _default_client(**options: Any) -> Any:
        """botocore's DynamoDB client with the memory's timeouts (`options`: region, endpoint)."""
        import botocore.session  # on first use: memory off never imports it
        from botocore.config import Config

        config = Config(
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=READ_TIMEOUT_SECONDS,
            retries={"mode": "standard", "total_max_attempts": 2},
        )
        session = botocore.session.get_session()
        return session.create_client("dynamodb", config=config, **options)

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._factory()
            return self._client

    def read(self, account: str) -> Mapping[str, Any] | None:
        answer = self.client.get_item(
            TableName=self.table, Key={KEY_ATTRIBUTE: {"S": account}}, ConsistentRead=True
        )
        item: Mapping[str, Any] | None = answer.get("Item")
        return item

    def write(
        self, account: str, listener: str, language: str, kept: Kept, *, version: int, now: int
    ) -> bool:
        from botocore.exceptions import ClientError

        heard_name, meta_name = _names(listener, language)
        meta = {"topic": kept.topic, "visits": kept.visits, "last_visit": kept.last_visit}
        names = {"#h": heard_name, "#m": meta_name, "#ttl": TTL_ATTRIBUTE, "#v": "version"}
        values: dict[str, Any] = {
            ":h": {"S": json.dumps(list(kept.heard), separators=(",", ":"))},
            ":m": {"S": json.dumps(meta, separators=(",", ":"))},
            ":next": {"N": str(version + 1)},
            ":expires": {"N": str(now + KEEP_SECONDS)},
        }
        if version:
            condition = "#v = :expected"
            values[":expected"] = {"N": str(version)}
        else:
            condition = "attribute_not_exists(#v)"
        try:
            self.client.update_item(
                TableName=self.table,
                Key={KEY_ATTRIBUTE: {"S": account}},
                UpdateExpression="SET #h = :h, #m = :m, #v = :next, #ttl = :expires",
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def delete(self, account: str) -> None:
        self.client.delete_item(TableName=self.table, Key={KEY_ATTRIBUTE: {"S": account}})

    def keep_stream(
        self, account: str, listener: str, token: str | None, offset: int, *, now: int
    ) -> None:
        # Not versioned: a position is the latest word, and it never touches the facts heard.
        names = {"#p": _stream_name(listener), "#ttl": TTL_ATTRIBUTE}
        values: dict[str, Any] = {":expires": {"N": str(now + KEEP_SECONDS)}}
        if token is None:
            expression = "REMOVE #p SET #ttl = :expires"
        else:
            expression = "SET #p = :p, #ttl = :expires"
            position = {"token": token, "offset": offset}
            values[":p"] = {"S": json.dumps(position, separators=(",", ":"))}
        self.client.update_item(
            TableName=self.table,
            Key={KEY_ATTRIBUTE: {"S": account}},
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )

    def claim(self, key: str, token: str, *, now: int) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.update_item(
                TableName=self.table,
                Key={KEY_ATTRIBUTE: {"S": key}},
                UpdateExpression="SET #a = :t, #ttl = :expires",
                ConditionExpression="attribute_not_exists(#a) OR #a <> :t",
                ExpressionAttributeNames={"#a": "advanced", "#ttl": TTL_ATTRIBUTE},
                ExpressionAttributeValues={
                    ":t": {"S": token},
                    ":expires": {"N": str(now + STREAM_KEEP_SECONDS)},
                },
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True


class Memory:
    """The skill's view of the store: never raises, pauses after a failure, logs it once."""

    def __init__(self, store: MemoryStore, *, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock
        self._paused_until = 0.0
        self._failing = False

    def _available(self) -> bool:
        return self.clock() >= self._paused_until

    def _failed(self, what: str, exc: BaseException) -> None:
        self._paused_until = self.clock() + PAUSE_AFTER_FAILURE_SECONDS
        if not self._failing:
            logger.warning("memory unavailable (%s), answering without it: %s", what, exc)
        self._failing = True

    def _ok(self) -> None:
        if self._failing:
            logger.info("memory available again")
        self._failing = False

    def recall(self, account: str, listener: str, language: str) -> Recalled | None:
        """The listener's memory in `language`, or None when memory cannot be reached now."""
        if not self._available():
            return None
        try:
            item = self.store.read(account)
        except Exception as exc:  # botocore's errors, timeouts, throttling
            self._failed("read", exc)
            return None
        self._ok()
        return recalled_from(item, listener, language)

    def keep(
        self, account: str, listener: str, language: str, kept: Kept, *, version: int
    ) -> int | None:
        """Write the listener's facts and visits; on a conflict (another device of the account
        wrote meanwhile), merge with what it wrote and try again. The new version, or None."""
        if not self._available():
            return None
        now = int(self.clock())
        try:
            for _ in range(WRITE_TRIES):
                if self.store.write(account, listener, language, kept, version=version, now=now):
                    self._ok()
                    return version + 1
                theirs = recalled_from(self.store.read(account), listener, language)
                heard = tuple(dict.fromkeys([*theirs.heard, *kept.heard]))[:MAX_DECK_FACTS]
                kept = kept._replace(heard=heard, visits=max(kept.visits, theirs.visits))
                version = theirs.version
        except Exception as exc:
            self._failed("write", exc)
            return None
        logger.warning("memory kept changing under %d writes: not remembered", WRITE_TRIES)
        return None

    def keep_stream(self, account: str, listener: str, token: str | None, offset: int) -> None:
        """Keep where the listener's stream is, for a launch on any device to offer it."""
        if not self._available():
            return
        try:
            self.store.keep_stream(account, listener, token, offset, now=int(self.clock()))
        except Exception as exc:
            self._failed("keep the stream", exc)
            return
        self._ok()

    def claim(self, device_id: str, token: str) -> bool | None:
        """Whether this is the first answer to move the device's stream on from `token`
        (across every container), or None when memory cannot be reached now."""
        if not self._available():
            return None
        try:
            first = self.store.claim(device_key(device_id), token, now=int(self.clock()))
        except Exception as exc:
            self._failed("claim", exc)
            return None
        self._ok()
        return first

    def forget(self, account: str) -> None:
        """Delete the account's item (SkillDisabled)."""
        try:
            self.store.delete(account)
        except Exception as exc:
            self._failed("delete", exc)
