"""Pure APL: a simple visual of one fact for devices with a screen."""

from __future__ import annotations

from typing import Any

APL_TOKEN = "fact"  # noqa: S105 - a directive token, not a secret

# One small document, built once: the fact arrives through the datasource.
FACT_DOCUMENT: dict[str, Any] = {
    "type": "APL",
    "version": "2023.3",
    "theme": "dark",
    "mainTemplate": {
        "parameters": ["payload"],
        "items": [
            {
                "type": "Container",
                "width": "100vw",
                "height": "100vh",
                "paddingLeft": "@spacingLarge",
                "paddingRight": "@spacingLarge",
                "justifyContent": "center",
                "items": [
                    {
                        "type": "Text",
                        "text": "${payload.fact.title}",
                        "style": "textStyleDisplay4",
                        "color": "#FF9900",
                    },
                    {
                        "type": "Text",
                        "text": "${payload.fact.text}",
                        "style": "textStyleBody",
                        "paddingTop": "@spacingMedium",
                    },
                ],
            }
        ],
    },
}


def fact_datasources(title: str, text: str) -> dict[str, Any]:
    """Return the datasources that fill FACT_DOCUMENT with one fact."""
    return {"fact": {"title": title, "text": text}}
