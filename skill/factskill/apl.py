"""Pure APL: the fact view for devices with a screen.

One document, built once (and serialized once: Prebuilt); each fact arrives through the
datasource. The layout components (AlexaBackground, AlexaHeader, AlexaFooter) come from the
imported alexa-layouts package; every style and resource the document uses is defined here,
with sizes per viewport (round, small landscape, TV, larger hubs) in `when` blocks. The fact sits
in a ScrollView between header and footer, so a long German or French fact scrolls on the round
Echo Spot instead of being cut off. Arabic lays out right to left (layoutDirection, text aligned
at its start).
"""

from __future__ import annotations

from typing import Any

from factcontent.locales import LOCALE_LANGUAGE, RIGHT_TO_LEFT
from factskill.prebuilt import Prebuilt

APL_TOKEN = "fact"  # noqa: S105 - a directive token, not a secret
APL_VERSION = "2023.3"
LAYOUTS = {"name": "alexa-layouts", "version": "1.7.0"}

FACT_DOCUMENT: Prebuilt = Prebuilt(
    {
        "type": "APL",
        "version": APL_VERSION,
        "theme": "dark",
        "import": [LAYOUTS],
        "resources": [
            {
                "description": "Large hubs (Echo Show 8, 10, 15): the defaults",
                "colors": {"factBackground": "#0B2239", "factText": "#FAFAFA"},
                "dimensions": {"factTextSize": "36dp", "factPadding": "64dp"},
            },
            {
                "description": "Echo Show 5 and other small landscape screens",
                "when": "${viewport.height < 600}",
                "dimensions": {"factTextSize": "28dp", "factPadding": "48dp"},
            },
            {
                "description": "Round screens: a wider inset keeps text inside the circle",
                "when": "${viewport.shape == 'round'}",
                "dimensions": {"factTextSize": "26dp", "factPadding": "72dp"},
            },
            {
                "description": "TVs: overscan margins",
                "when": "${viewport.mode == 'tv'}",
                "dimensions": {"factTextSize": "30dp", "factPadding": "80dp"},
            },
        ],
        "styles": {
            "factTextStyle": {
                "values": [
                    {
                        "color": "@factText",
                        "fontSize": "@factTextSize",
                        "lineHeight": 1.3,
                        "fontWeight": "normal",
                    }
                ]
            }
        },
        "mainTemplate": {
            "parameters": ["payload"],
            "items": [
                {
                    "type": "Container",
                    "width": "100vw",
                    "height": "100vh",
                    "layoutDirection": "${payload.fact.direction}",
                    "items": [
                        {
                            "type": "AlexaBackground",
                            "backgroundColor": "@factBackground",
                        },
                        {
                            "type": "AlexaHeader",
                            "headerTitle": "${payload.fact.title}",
                            "headerSubtitle": "${payload.fact.topic}",
                        },
                        {
                            "type": "ScrollView",
                            "grow": 1,
                            "shrink": 1,
                            "width": "100%",
                            "paddingLeft": "@factPadding",
                            "paddingRight": "@factPadding",
                            "item": {
                                "type": "Text",
                                "text": "${payload.fact.text}",
                                "lang": "${payload.fact.lang}",
                                "style": "factTextStyle",
                                "textAlign": "${viewport.shape == 'round' ? 'center' : 'start'}",
                            },
                        },
                        {
                            "type": "AlexaFooter",
                            "hintText": "${payload.fact.hint}",
                        },
                    ],
                }
            ],
        },
    }
)


def fact_datasources(
    *, text: str, title: str, topic: str, hint: str, locale: str = "en-US"
) -> dict[str, Any]:
    """Return the datasources that fill FACT_DOCUMENT with one fact, in `locale`: its language
    (for the text's fonts and line breaking) and its direction (Arabic mirrors the layout)."""
    direction = "RTL" if LOCALE_LANGUAGE.get(locale, "") in RIGHT_TO_LEFT else "LTR"
    return {
        "fact": {
            "text": text,
            "title": title,
            "topic": topic,
            "hint": hint,
            "lang": locale,
            "direction": direction,
        }
    }
