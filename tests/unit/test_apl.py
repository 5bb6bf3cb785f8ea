"""The fact view: valid APL for its version, nothing referenced that is not defined or imported,
and the longest fact of every language readable (fits, or scrolls) on every covered viewport."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest

from factcontent.files import load_deck, load_prompts
from factcontent.locales import LANGUAGES
from factskill.apl import FACT_DOCUMENT, LAYOUTS, fact_datasources
from tests.conftest import ASSETS_DIR, MODEL_DIR

# APL's primitive components (APL 2023.3) and the alexa-layouts components the view uses.
PRIMITIVES = {
    "Container", "EditText", "Frame", "GridSequence", "Image", "Pager", "ScrollView",
    "Sequence", "Text", "TouchWrapper", "VectorGraphic", "Video",
}  # fmt: skip
LAYOUT_COMPONENTS = {"AlexaBackground", "AlexaHeader", "AlexaFooter"}
APL_VERSIONS = {"1.8", "1.9", "2022.1", "2022.2", "2023.1", "2023.2", "2023.3", "2024.1"}
# Heights the alexa-layouts header and footer take, in dp (generous: overestimating is safe).
HEADER_DP, FOOTER_DP = 120, 96
MIN_FONT_DP = 24


class Viewport(NamedTuple):
    name: str
    width: int
    height: int
    shape: str = "rectangle"
    mode: str = "hub"


VIEWPORTS = (
    Viewport("hubRoundSmall (Echo Spot)", 480, 480, "round"),
    Viewport("hubLandscapeSmall (Echo Show 5)", 960, 480),
    Viewport("hubLandscapeMedium (Echo Show 8)", 1024, 600),
    Viewport("hubLandscapeLarge (Echo Show 10)", 1280, 800),
    Viewport("hubLandscapeXLarge (Echo Show 15)", 1920, 1080),
    Viewport("tvLandscapeXLarge (TV)", 960, 540, mode="tv"),
)


def walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def components(node: Any) -> Iterator[dict[str, Any]]:
    for item in walk(node):
        if isinstance(item, dict) and isinstance(item.get("type"), str) and item is not node:
            yield item


def test_document_is_structurally_valid_apl() -> None:
    doc = FACT_DOCUMENT
    assert doc["type"] == "APL" and doc["version"] in APL_VERSIONS
    assert doc["mainTemplate"]["parameters"] == ["payload"]
    assert isinstance(doc["mainTemplate"]["items"], list) and doc["mainTemplate"]["items"]
    for resource in doc["resources"]:
        assert set(resource) <= {"description", "when", "colors", "dimensions", "strings"}
    for style in doc["styles"].values():
        assert isinstance(style["values"], list)
    json.dumps(doc)  # JSON-ready as it is sent


def test_every_component_is_primitive_or_from_an_imported_package() -> None:
    imported = {package["name"] for package in FACT_DOCUMENT["import"]}
    for component in components(FACT_DOCUMENT["mainTemplate"]):
        kind = component["type"]
        if kind in LAYOUT_COMPONENTS:
            assert LAYOUTS["name"] in imported, kind
        else:
            assert kind in PRIMITIVES, f"unknown component {kind}"


def test_every_style_and_resource_used_is_defined_in_the_document() -> None:
    resources = set()
    for block in FACT_DOCUMENT["resources"]:
        for kind in ("colors", "dimensions", "strings"):
            resources |= set(block.get(kind, {}))
    styles = set(FACT_DOCUMENT["styles"])
    text = json.dumps(FACT_DOCUMENT)
    used = set(re.findall(r'"@(\w+)"', text))
    assert used and used <= resources, used - resources
    for component in components(FACT_DOCUMENT):
        if "style" in component:
            assert component["style"] in styles, component["style"]


def test_every_binding_is_filled_by_the_datasource() -> None:
    data = fact_datasources(text="t", title="T", topic="p", hint="h")
    bound = set(re.findall(r"\$\{payload\.fact\.(\w+)\}", json.dumps(FACT_DOCUMENT)))
    assert bound == set(data["fact"])


def _holds(condition: str, viewport: Viewport) -> bool:
    """Evaluate the simple `${viewport.X OP value}` conditions this document uses."""
    found = re.fullmatch(r"\$\{viewport\.(\w+) (==|<|<=|>|>=|!=) '?([\w.]+)'?\}", condition)
    assert found, f"condition the test cannot evaluate: {condition}"
    field, op, raw = found.groups()
    actual = getattr(viewport, field)
    expected: Any = int(raw) if raw.isdigit() else raw
    return {
        "==": actual == expected, "!=": actual != expected, "<": actual < expected,
        "<=": actual <= expected, ">": actual > expected, ">=": actual >= expected,
    }[op]  # fmt: skip


def dimensions_for(viewport: Viewport) -> dict[str, float]:
    values: dict[str, float] = {}
    for block in FACT_DOCUMENT["resources"]:  # later blocks override earlier, as in APL
        if "when" in block and not _holds(block["when"], viewport):
            continue
        for name, value in block.get("dimensions", {}).items():
            values[name] = float(value.removesuffix("dp"))
    return values


def longest_facts() -> list[tuple[str, str]]:
    return [
        (language, max((f.text for f in load_deck(ASSETS_DIR, language).facts), key=len))
        for language in LANGUAGES
    ]


def fact_text_component() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The Text that shows the fact, and the components it sits in."""

    def search(node: dict[str, Any], parents: list[dict[str, Any]]) -> Any:
        if node.get("text") == "${payload.fact.text}":
            return node, parents
        for child in (*node.get("items", []), *([node["item"]] if "item" in node else [])):
            found = search(child, [*parents, node])
            if found:
                return found
        return None

    found = search(FACT_DOCUMENT["mainTemplate"]["items"][0], [])
    assert found, "no Text shows ${payload.fact.text}"
    return found


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)
@pytest.mark.parametrize(("language", "text"), longest_facts(), ids=lambda v: v[:2])
def test_the_longest_fact_fits_or_scrolls_and_is_never_cut(
    viewport: Viewport, language: str, text: str
) -> None:
    sizes = dimensions_for(viewport)
    font, padding = sizes["factTextSize"], sizes["factPadding"]
    assert font >= MIN_FONT_DP, f"{font} dp text is too small to read on {viewport.name}"
    if viewport.shape == "round":  # the inscribed square of the circle starts at ~15% in
        assert padding >= 0.14 * viewport.width
    component, parents = fact_text_component()
    assert "maxLines" not in component, "maxLines would cut a long fact off"
    style = FACT_DOCUMENT["styles"][component["style"]]["values"][0]
    width = viewport.width - 2 * padding
    # Average advance: about half an em for Latin scripts, a full em for Japanese.
    em_per_char = 1.0 if language == "ja" else 0.5
    lines = math.ceil(len(text) * em_per_char * font / width)
    needed = lines * font * style["lineHeight"]
    visible = viewport.height - HEADER_DP - FOOTER_DP
    assert visible > 2 * font * style["lineHeight"], "not even two lines are visible"
    scroll = next((p for p in parents if p["type"] == "ScrollView"), None)
    if needed > visible:
        assert scroll is not None, f"{needed:.0f} dp of text in {visible} dp, and no ScrollView"
    if scroll is not None:  # a ScrollView only scrolls when its own height is bounded
        assert scroll.get("shrink") == 1 and scroll.get("grow") == 1


def test_skill_json_declares_every_viewport_the_view_is_built_for() -> None:
    manifest = json.loads((MODEL_DIR / "skill.json").read_text())["manifest"]
    (apl,) = [i for i in manifest["apis"]["custom"]["interfaces"] if i["type"].endswith("APL")]
    for viewport in VIEWPORTS:
        covered = [
            spec
            for spec in apl["supportedViewports"]
            if spec["shape"] == viewport.shape.upper()
            and spec["mode"] == viewport.mode.upper()
            and spec["minWidth"] <= viewport.width <= spec["maxWidth"]
            and spec["minHeight"] <= viewport.height <= spec["maxHeight"]
        ]
        assert covered, f"{viewport.name} is not in supportedViewports"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_screen_hint_is_in_the_locales_language(language: str) -> None:
    hint = load_prompts(ASSETS_DIR, language).say("screen_hint")
    assert any(wake in hint for wake in ("Alexa", "アレクサ", "أليكسا", "एलेक्सा"))
    if language != "en":
        assert hint != load_prompts(ASSETS_DIR, "en").say("screen_hint")


@pytest.mark.parametrize(
    ("locale", "direction"), [("ar-SA", "RTL"), ("en-US", "LTR"), ("hi-IN", "LTR")]
)
def test_arabic_screens_lay_out_right_to_left(locale: str, direction: str) -> None:
    data = fact_datasources(text="t", title="T", topic="p", hint="h", locale=locale)["fact"]
    assert data["direction"] == direction and data["lang"] == locale
    (root,) = FACT_DOCUMENT["mainTemplate"]["items"]
    assert root["layoutDirection"] == "${payload.fact.direction}"
    texts = [c for c in components(FACT_DOCUMENT) if c.get("type") == "Text"]
    assert all("'left'" not in c["textAlign"] for c in texts)  # start: the side text begins


def test_an_arabic_fact_response_carries_the_direction() -> None:
    from factskill.config import Settings
    from factskill.content import ContentStore
    from factskill.wiring import build_handler
    from tests.conftest import load_event

    handler = build_handler(ContentStore(Settings(content_dir=str(ASSETS_DIR))), skill_id=None)
    response = handler(load_event("launch", locale="ar-SA"), None)
    (render,) = response["response"]["directives"]
    fact = render["datasources"]["fact"]
    assert fact["direction"] == "RTL" and fact["hint"] == load_prompts(ASSETS_DIR, "ar").say(
        "screen_hint"
    )
