"""The sonic brand: an intro sting and a music bed under the voice, ducked while it speaks.

Both sounds are made by this module (`python scripts/make_brand.py` writes them into
`assets/brand/`): no third-party recordings. `assets/brand.json` is the one place that configures
them: files, levels relative to the voice, ducking, and whether a build uses them by default
(on for directory builds and `make demo`, off for `--bucket` builds unless it says otherwise).
The mix happens before loudness normalization, so a branded clip meets the same format and
loudness band as any other; the brand's settings and file contents are part of every job key.
"""

from __future__ import annotations

import hashlib
import json
import math
import wave
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from factaudio.exceptions import PipelineError
from factaudio.jsonfiles import read_object
from factaudio.postprocess import AudioSegment, samples_of, segment_of

BRAND_FILE = "brand.json"
RATE = 24000

# The sting: a rising arpeggio of bell tones (C5 E5 G5 C6).
STING_NOTES_HZ = (523.25, 659.25, 783.99, 1046.50)
STING_NOTE_SPACING_S = 0.11
STING_SECONDS = 1.4
# The bed: a soft A major pad whose every partial, and its slow swell, completes whole cycles in
# BED_SECONDS, so the bed loops without a click.
BED_PARTIALS_HZ = (110.0, 165.0, 220.0, 277.5)
BED_SWELL_HZ = 0.25
BED_SECONDS = 8.0


class BrandError(PipelineError):
    """A brand configuration or file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class Brand:
    """A loaded brand: the sounds (as pydub segments) and how to mix them."""

    sting: AudioSegment | None
    bed: AudioSegment | None
    sting_gain_db: float  # the sting's RMS level relative to the voice's
    sting_overlap_ms: int  # how far the voice starts before the sting ends
    bed_gain_db: float  # the bed's RMS level relative to the voice's, between words
    duck_db: float  # how much further the bed goes down while the voice speaks
    duck_attack_ms: int
    duck_release_ms: int
    tail_ms: int  # the bed after the last word, fading out
    digest: str  # of the settings and the sound files: part of every job key

    def voice_start_ms(self, frame_rate: int) -> int:
        """Where mix() puts the voice: after the sting, less their overlap."""
        if self.sting is None:
            return 0
        return max(0, len(self.sting.set_frame_rate(frame_rate)) - self.sting_overlap_ms)

    def mix(self, voice: AudioSegment) -> AudioSegment:
        """The voice with the sting before it and the ducked bed under it (pydub overlays)."""
        voice = voice.set_channels(1)
        level = voice.dBFS
        start = 0
        out = voice
        if self.sting is not None:
            sting = _at_level(
                self.sting.set_frame_rate(voice.frame_rate), level + self.sting_gain_db
            )
            start = self.voice_start_ms(voice.frame_rate)
            out = AudioSegment.silent(start + len(voice), frame_rate=voice.frame_rate)
            out = out.overlay(sting).overlay(voice, position=start)
        if self.bed is not None:
            length = start + len(voice) + self.tail_ms
            out = out + AudioSegment.silent(length - len(out), frame_rate=voice.frame_rate)
            bed = _looped(self.bed.set_frame_rate(voice.frame_rate), length - start)
            bed = _at_level(bed, level + self.bed_gain_db)
            bed = self._ducked(bed, voice).fade_in(200).fade_out(min(self.tail_ms, len(bed)))
            out = out.overlay(bed, position=start)
        return out

    def _ducked(self, bed: AudioSegment, voice: AudioSegment) -> AudioSegment:
        """`bed` with its gain lowered by duck_db wherever `voice` speaks, smoothly."""
        import numpy as np
        from scipy.ndimage import maximum_filter1d, uniform_filter1d

        rate = bed.frame_rate
        samples = samples_of(bed)
        speech = np.zeros(len(samples))
        spoken = samples_of(voice)
        window = max(1, int(rate * 0.02))
        frames = len(spoken) // window
        if frames:
            rms = np.sqrt(np.mean(spoken[: frames * window].reshape(frames, window) ** 2, axis=1))
            active = rms > 10 ** ((voice.dBFS - 20) / 20)  # 20 dB under the voice's average
            speech[: frames * window] = np.repeat(active, window)
        # hold through the release, then smooth over the attack: the bed goes down before a word
        hold = maximum_filter1d(
            speech, size=max(1, int(rate * self.duck_release_ms / 1000)) * 2 + 1
        )
        smooth = uniform_filter1d(hold, size=max(1, int(rate * self.duck_attack_ms / 1000)))
        gain = 10 ** (-self.duck_db * smooth / 20)
        return segment_of(samples * gain, rate)


def _at_level(segment: AudioSegment, dbfs: float) -> AudioSegment:
    return segment.apply_gain(dbfs - segment.dBFS)


def _looped(segment: AudioSegment, length_ms: int) -> AudioSegment:
    times = max(1, math.ceil(length_ms / len(segment)))
    return (segment * times)[:length_ms]


# --- the sounds, made here --------------------------------------------------------------------


def sting_samples(rate: int = RATE) -> Any:
    """Bell tones (a fundamental and two decaying partials) entering one after another."""
    import numpy as np

    t = np.arange(int(STING_SECONDS * rate)) / rate
    out = np.zeros_like(t)
    for index, frequency in enumerate(STING_NOTES_HZ):
        onset = index * STING_NOTE_SPACING_S
        local = np.clip(t - onset, 0.0, None)
        envelope = np.where(t >= onset, np.exp(-local / 0.32) * np.minimum(1.0, local / 0.008), 0.0)
        tone = sum(
            weight * np.sin(2 * np.pi * frequency * partial * local)
            for partial, weight in ((1, 1.0), (2, 0.35), (3, 0.12))
        )
        out += envelope * tone
    fade = np.minimum(1.0, (len(t) - np.arange(len(t))) / (0.15 * rate))
    return 0.5 * out * fade / np.abs(out).max()


def bed_samples(rate: int = RATE) -> Any:
    """A soft chord with a slow swell that loops seamlessly every BED_SECONDS."""
    import numpy as np

    t = np.arange(int(BED_SECONDS * rate)) / rate
    swell = 0.75 + 0.25 * np.sin(2 * np.pi * BED_SWELL_HZ * t)
    chord = sum(np.sin(2 * np.pi * f * t) / (index + 1) for index, f in enumerate(BED_PARTIALS_HZ))
    return 0.4 * swell * chord / np.abs(chord).max()


def write_wav(path: Path, samples: Any, rate: int = RATE) -> None:
    import numpy as np

    pcm = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(pcm.tobytes())


def generate(directory: Path) -> list[Path]:
    """Write the sting and the bed into `directory`; return their paths."""
    paths = [directory / "sting.wav", directory / "bed.wav"]
    write_wav(paths[0], sting_samples())
    write_wav(paths[1], bed_samples())
    return paths


# --- configuration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BrandSettings:
    sting: str | None = None
    bed: str | None = None
    sting_gain_db: float = -4.0
    sting_overlap_ms: int = 150
    bed_gain_db: float = -18.0
    duck_db: float = 10.0
    duck_attack_ms: int = 80
    duck_release_ms: int = 300
    tail_ms: int = 600
    directory_builds: bool = True
    bucket_builds: bool = False


def read_settings(path: Path) -> BrandSettings:
    """Read `path` (brand.json); errors name the file and the setting."""
    raw = read_object(path, what="brand settings", error=BrandError)
    defaults = asdict(BrandSettings())
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name.startswith("_"):
            continue
        if name not in defaults:
            raise BrandError(f"{path}: unknown setting {name!r} (known: {', '.join(defaults)})")
        expected = type(defaults[name]) if defaults[name] is not None else str
        number = expected is float and isinstance(value, int) and not isinstance(value, bool)
        if not (
            isinstance(value, expected) or number or (value is None and name in ("sting", "bed"))
        ):
            raise BrandError(f"{path}: {name!r} must be a {expected.__name__}, not {value!r}")
        values[name] = float(value) if number else value
    return BrandSettings(**values)


def _load_sound(path: Path, *, config: Path) -> AudioSegment:
    try:
        return AudioSegment.from_wav(str(path))
    except Exception as exc:  # pydub/wave: missing or not a WAV
        raise BrandError(
            f"{config}: cannot read {path} ({exc}): run python scripts/make_brand.py"
        ) from exc


def load_brand(assets: Path, *, bucket: bool, choice: bool | None = None) -> Brand | None:
    """The brand a build uses: `choice` (--brand on/off) if given, else brand.json's default
    for this kind of build; None when off or when there is no brand.json."""
    config = assets / BRAND_FILE
    if not config.is_file():
        if choice:
            raise BrandError(f"{config}: no brand settings, but --brand on was asked for")
        return None
    settings = read_settings(config)
    enabled = (
        choice
        if choice is not None
        else (settings.bucket_builds if bucket else settings.directory_builds)
    )
    if not enabled:
        return None
    if settings.sting is None and settings.bed is None:
        raise BrandError(f"{config}: the brand is on but names neither a sting nor a bed")
    # What shapes the sound: not the defaults for kinds of builds.
    sound = {k: v for k, v in asdict(settings).items() if not k.endswith("_builds")}
    digest = hashlib.sha256(json.dumps(sound, sort_keys=True).encode())
    sounds: dict[str, AudioSegment | None] = {}
    for name in ("sting", "bed"):
        relative = getattr(settings, name)
        if relative is None:
            sounds[name] = None
            continue
        path = assets / relative
        sounds[name] = _load_sound(path, config=config)
        digest.update(path.read_bytes())
    return Brand(
        sting=sounds["sting"],
        bed=sounds["bed"],
        sting_gain_db=settings.sting_gain_db,
        sting_overlap_ms=settings.sting_overlap_ms,
        bed_gain_db=settings.bed_gain_db,
        duck_db=settings.duck_db,
        duck_attack_ms=settings.duck_attack_ms,
        duck_release_ms=settings.duck_release_ms,
        tail_ms=settings.tail_ms,
        digest=digest.hexdigest(),
    )


def main(argv: list[str] | None = None) -> int:
    """Write the brand's sounds (scripts/make_brand.py)."""
    import argparse
    import logging

    parser = argparse.ArgumentParser(prog="make_brand.py", description=main.__doc__)
    parser.add_argument(
        "--out", type=Path, default=Path("assets/brand"), help="default assets/brand"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for path in generate(args.out):
        logging.getLogger("make_brand").info("wrote %s", path)
    return 0
