"""Pronunciation lexicons: one W3C PLS file per language, applied by both engines.

`assets/lexicons/{language}.pls` holds `<lexeme>`s with one or more `<grapheme>`s and one
`<alias>` (text read instead of the grapheme). Amazon Polly gets the same lexemes through
PutLexicon, rendered with the `xml:lang` of each voice (Polly applies a lexicon only to voices of
its language code), in documents of at most POLLY_LEXICON_CHARACTERS each; espeak-ng gets the
aliases substituted into the text before it speaks. Aliases only, no `<phoneme>`: espeak-ng could
not apply an IPA reading, and both engines must read a word the same way.

Matching follows Polly's: case-sensitive, whole words (a grapheme that starts or ends with a
letter or digit does not match inside a longer word), longest grapheme first.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from xml.sax.saxutils import escape

from factaudio.exceptions import PipelineError

PLS_NAMESPACE = "http://www.w3.org/2005/01/pronunciation-lexicon"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LEXICONS_DIR = "lexicons"

# Polly's limits (https://docs.aws.amazon.com/polly/latest/dg/limits.html).
POLLY_LEXICON_CHARACTERS = 4000
POLLY_LEXEME_CHARACTERS = 100
POLLY_LEXICONS_PER_REQUEST = 5
POLLY_LEXICON_NAME = re.compile(r"[0-9A-Za-z]{1,20}")

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<lexicon version="1.0" xmlns="{PLS_NAMESPACE}" alphabet="ipa" xml:lang="{{lang}}">'
)
_TAIL = "</lexicon>"


class LexiconError(PipelineError):
    """A lexicon file that cannot be used; the message names the file and the lexeme."""


@dataclass(frozen=True)
class Lexeme:
    """Graphemes (the written forms) and the alias both engines read instead."""

    graphemes: tuple[str, ...]
    alias: str

    def pls(self) -> str:
        graphemes = "".join(f"<grapheme>{escape(g)}</grapheme>" for g in self.graphemes)
        return f"<lexeme>{graphemes}<alias>{escape(self.alias)}</alias></lexeme>"


# Letters and digits of the Latin script: a word's edge is where they stop (in Japanese text,
# "Lambdaを" holds the word "Lambda": the script changes).
_LATIN_WORD = "0-9A-Za-z\u00c0-\u024f"
_LATIN_EDGE = re.compile(f"[{_LATIN_WORD}]")


def _bounded(grapheme: str) -> str:
    """A pattern for `grapheme` that does not match inside a longer Latin-script word."""
    pattern = re.escape(grapheme)
    if _LATIN_EDGE.match(grapheme[0]):
        pattern = f"(?<![{_LATIN_WORD}])" + pattern
    if _LATIN_EDGE.match(grapheme[-1]):
        pattern += f"(?![{_LATIN_WORD}])"
    return pattern


@dataclass(frozen=True)
class Lexicon:
    """The lexemes of one language, read from `path`."""

    language: str
    path: Path
    lexemes: tuple[Lexeme, ...]

    @cached_property
    def _by_grapheme(self) -> dict[str, Lexeme]:
        return {g: lexeme for lexeme in self.lexemes for g in lexeme.graphemes}

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        graphemes = sorted(self._by_grapheme, key=lambda g: (-len(g), g))
        return re.compile("|".join(_bounded(g) for g in graphemes)) if graphemes else None

    def applied(self, text: str) -> tuple[Lexeme, ...]:
        """The lexemes that change how `text` is read, in the order they first occur."""
        if self._pattern is None:
            return ()
        found = dict.fromkeys(self._by_grapheme[m.group()] for m in self._pattern.finditer(text))
        return tuple(found)

    def apply(self, text: str) -> str:
        """`text` with every grapheme replaced by its alias (what espeak-ng is given)."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._by_grapheme[m.group()].alias, text)

    def documents(self, language_code: str) -> list[str]:
        """PLS documents for Polly voices of `language_code`, each within Polly's size limit."""
        head = _HEAD.format(lang=language_code)
        documents: list[str] = []
        body = ""
        for lexeme in self.lexemes:
            entry = lexeme.pls()
            if body and len(head) + len(body) + len(entry) + len(_TAIL) > POLLY_LEXICON_CHARACTERS:
                documents.append(head + body + _TAIL)
                body = ""
            body += entry
        if body:
            documents.append(head + body + _TAIL)
        if len(documents) > POLLY_LEXICONS_PER_REQUEST:
            raise LexiconError(
                f"{self.path}: needs {len(documents)} Polly lexicons of "
                f"{POLLY_LEXICON_CHARACTERS} characters, Polly applies at most "
                f"{POLLY_LEXICONS_PER_REQUEST} per request: remove lexemes no deck uses"
            )
        return documents

    def polly_names(self, language_code: str) -> list[str]:
        """Content-addressed names of `documents(language_code)`: a changed lexicon gets new
        names, so a run never synthesizes with a half-replaced one (PutLexicon is eventually
        consistent) and concurrent runs with different lexicons do not overwrite each other."""
        code = re.sub(r"[^0-9A-Za-z]", "", language_code)
        names = []
        for index, document in enumerate(self.documents(language_code)):
            digest = hashlib.sha256(document.encode("utf-8")).hexdigest()[:8]
            names.append(f"sf{code}{digest}{index}")
        return names


def digest_of(lexemes: Iterable[Lexeme]) -> list[list[str]]:
    """What the job key records of the lexemes applied to a fact."""
    return [[*lexeme.graphemes, "=", lexeme.alias] for lexeme in lexemes]


def _text(element: ET.Element, *, where: str) -> str:
    value = (element.text or "").strip()
    if not value:
        raise LexiconError(f"{where}: an empty <{element.tag.split('}')[-1]}>")
    if len(value) > POLLY_LEXEME_CHARACTERS:
        raise LexiconError(
            f"{where}: {value[:30]!r}... is {len(value)} characters, Polly allows "
            f"{POLLY_LEXEME_CHARACTERS}"
        )
    return value


def parse_lexicon(path: Path, language: str) -> Lexicon:
    """Read and check `path`, the lexicon of `language`; errors name the file and the lexeme."""
    try:
        root = ET.fromstring(path.read_bytes())  # noqa: S314 - our own content files
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read the lexicon ({exc.strerror})") from exc
    except ET.ParseError as exc:
        raise LexiconError(f"{path}: not well-formed XML ({exc})") from exc
    ns = f"{{{PLS_NAMESPACE}}}"
    if root.tag != f"{ns}lexicon" or root.get("version") != "1.0":
        raise LexiconError(
            f'{path}: the root must be <lexicon version="1.0" xmlns="{PLS_NAMESPACE}">'
        )
    declared = root.get(XML_LANG, "")
    spoken = language.split("-", maxsplit=1)[0].lower()
    if declared.split("-")[0].lower() != spoken:
        raise LexiconError(
            f"{path}: xml:lang is {declared!r}; the lexicon of {language!r} must declare "
            f'xml:lang="{spoken}" (each Polly voice gets it with its own language code)'
        )
    lexemes: list[Lexeme] = []
    seen: dict[str, int] = {}
    for number, element in enumerate(root, start=1):
        where = f"{path} [{language}] lexeme {number}"
        if element.tag != f"{ns}lexeme":
            raise LexiconError(f"{where}: only <lexeme> elements belong in <lexicon>")
        graphemes = tuple(_text(g, where=where) for g in element.findall(f"{ns}grapheme"))
        aliases = element.findall(f"{ns}alias")
        if element.findall(f"{ns}phoneme"):
            raise LexiconError(
                f"{where}: <phoneme> readings are not supported, write an <alias>: espeak-ng "
                "must read the word the way Polly does"
            )
        if not graphemes or len(aliases) != 1:
            raise LexiconError(f"{where}: needs at least one <grapheme> and exactly one <alias>")
        for grapheme in graphemes:
            if grapheme in seen:
                raise LexiconError(
                    f"{where}: {grapheme!r} is already lexeme {seen[grapheme]}'s grapheme"
                )
            seen[grapheme] = number
        lexemes.append(Lexeme(graphemes, _text(aliases[0], where=where)))
    lexicon = Lexicon(language, path, tuple(lexemes))
    lexicon.documents("xx-XX")  # within Polly's limits, or a LexiconError now
    return lexicon


def load_lexicons(assets: Path, languages: Iterable[str]) -> dict[str, Lexicon]:
    """The lexicon of each language that has a file in `assets`/lexicons/."""
    lexicons = {}
    for language in sorted(set(languages)):
        path = assets / LEXICONS_DIR / f"{language}.pls"
        if path.is_file():
            lexicons[language] = parse_lexicon(path, language)
    return lexicons
