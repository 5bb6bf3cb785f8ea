"""Read an MP3 back (mutagen) and check it is exactly what Alexa plays."""

from __future__ import annotations

import io

from mutagen.mp3 import MP3, HeaderNotFoundError

from factaudio.exceptions import AudioValidationError
from factcontent.limits import (
    ALEXA_BITRATE_BPS,
    ALEXA_MPEG_VERSION,
    ALEXA_SAMPLE_RATES,
    MAX_AUDIO_FILE_SECONDS,
)


def check_alexa_mp3(data: bytes, *, where: str) -> float:
    """Return the duration in seconds, or raise AudioValidationError naming `where`."""
    try:
        info = MP3(io.BytesIO(data)).info  # type: ignore[no-untyped-call]
    except (HeaderNotFoundError, Exception) as exc:
        raise AudioValidationError(f"{where}: not an MP3 ({exc})") from exc
    if info is None:
        raise AudioValidationError(f"{where}: not an MP3 (no audio frames)")
    problems = []
    if info.version != ALEXA_MPEG_VERSION:
        problems.append(f"MPEG version {info.version:g}, Alexa needs MPEG-{ALEXA_MPEG_VERSION}")
    if info.layer != 3:
        problems.append(f"layer {info.layer}, Alexa needs Layer III")
    if info.bitrate != ALEXA_BITRATE_BPS:
        problems.append(
            f"{info.bitrate // 1000} kbps, Alexa needs {ALEXA_BITRATE_BPS // 1000} kbps"
        )
    if info.sample_rate not in ALEXA_SAMPLE_RATES:
        problems.append(f"{info.sample_rate} Hz, Alexa needs one of {ALEXA_SAMPLE_RATES}")
    if not 0 < info.length <= MAX_AUDIO_FILE_SECONDS:
        problems.append(
            f"{info.length:.1f} s long, Alexa allows up to {MAX_AUDIO_FILE_SECONDS:.0f} s"
        )
    if problems:
        raise AudioValidationError(f"{where}: invalid MP3: {'; '.join(problems)}")
    return float(info.length)
