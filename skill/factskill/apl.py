"""Pure APL: a simple visual of one fact for devices with a screen."""

from __future__ import annotations

from typing import Any

from factskill.prebuilt import Prebuilt

APL_TOKEN = "fact"  # noqa: S105 - a directive token, not a secret

# One small document, built once (and serialized once: Prebuilt): the fact arrives through the
# datasource. A lone top-level component fills the viewport, so one Text is the whole layout
# (and keeps responses small).
FACT_DOCUMENT: Prebuilt = Prebuilt(
    {
        "type": "APL",
        "version": "2023.3",
        "mainTemplate": {
            "parameters": ["payload"],
            "items": [
                {
                    "type": "Text",
                    "text": "${payload.fact.text}",
                    "style": "textStyleBody",
                    "textAlign": "center",
                    "textAlignVertical": "center",
                    "paddingLeft": "@spacingLarge",
                    "paddingRight": "@spacingLarge",
                }
            ],
        },
    }
)


def fact_datasources(text: str) -> dict[str, Any]:
    """Return the datasources that fill FACT_DOCUMENT with one fact."""
    return {"fact": {"text": text}}
