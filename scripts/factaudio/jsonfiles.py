"""Reading the pipeline's JSON settings files, with errors that name the file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from factaudio.exceptions import PipelineError


def read_object(
    path: Path, *, what: str, error: type[PipelineError] = PipelineError
) -> Mapping[str, Any]:
    """The JSON object in `path` (`what` it holds, for the messages); raise `error` naming it."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror})") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise error(f"{path}: the {what} is not valid JSON ({exc})") from exc
    if not isinstance(data, Mapping):
        raise error(f"{path}: the {what} must be a JSON object")
    return data
