"""Errors about content: decks, prompts and manifests."""

from __future__ import annotations

# A check lists every problem it finds, up to this many lines; then it stops (a forged published
# deck could otherwise fill a log, and hold a request, with millions of them) and says so.
MAX_LISTED_PROBLEMS = 500


class ContentError(Exception):
    """Base class: content that cannot be used; the message names the file and the locale.

    A check that finds several problems raises one error listing them, one per line.
    """

    def __init__(self, *problems: str) -> None:
        super().__init__(*problems)

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(str(problem) for problem in self.args)

    def __str__(self) -> str:
        return "\n".join(self.problems)


class DeckError(ContentError):
    """A deck or prompt file is malformed; the message names file, locale and fact."""


class ManifestError(ContentError):
    """An audio manifest is malformed."""


def cut(value: str, limit: int = 40) -> str:
    """`value` cut to `limit` characters for a message (an id may be a forged megabyte)."""
    return value if len(value) <= limit else value[:limit] + "…"


def show(value: str, limit: int = 40) -> str:
    """`value` quoted for a message (unprintable characters escaped), cut to `limit`."""
    return repr(cut(value, limit))


def kind(value: object) -> str:
    """Name the JSON type of `value` for a message, never its (maybe huge, maybe deep) repr."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__


class Problems:
    """Collect what a check finds in one file, each line naming the file and its locales."""

    __slots__ = ("count", "lines", "stopped", "where")

    def __init__(self, source: str, locales: tuple[str, ...] | list[str]) -> None:
        self.where = f"{source} [{', '.join(locales)}]"
        self.lines: list[str] = []
        self.count = 0
        self.stopped = ""  # where the check stopped, when it found too many to list

    def __bool__(self) -> bool:
        return self.count > 0

    @property
    def full(self) -> bool:
        """True when no more problems would be listed: the check may stop looking."""
        return self.count >= MAX_LISTED_PROBLEMS

    def stop(self, at: str) -> None:
        """Record that the check stopped looking at `at` ("fact #250 of 1000")."""
        self.stopped = at

    def add(self, message: str, subject: str = "") -> None:
        """Record a problem of the file, or of `subject` in it ("fact 'a-1'", "prompt 'help'")."""
        self.count += 1
        if len(self.lines) < MAX_LISTED_PROBLEMS:
            where = f"{self.where} {subject}" if subject else self.where
            self.lines.append(f"{where}: {message}")

    def error(self, message: str | None = None) -> DeckError:
        """Return the DeckError listing every problem (and `message`, added first if given)."""
        if message is not None:
            self.add(message)
        lines = list(self.lines)
        if self.stopped:
            lines.append(
                f"{self.where}: the check stopped at {self.stopped} after {self.count} problems "
                f"(the first {len(lines)} are listed): fix them and check again"
            )
        elif self.count > len(lines):
            lines.append(
                f"{self.where}: and {self.count - len(lines)} more problems "
                f"(the first {len(lines)} are listed)"
            )
        return DeckError(*lines)

    def raise_any(self) -> None:
        if self:
            raise self.error()
