"""The sonic brand: made by the project, mixed under the voice, ducked, in the job key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from pydub.generators import Sine

from factaudio.brand import BrandError, generate, load_brand, read_settings
from factaudio.loudness import check_loudness
from factaudio.postprocess import AudioSegment, samples_of, to_alexa_mp3
from factaudio.validate import check_alexa_mp3
from tests.conftest import ASSETS_DIR

RATE = 22050


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    copy = tmp_path / "assets"
    copy.mkdir()
    shutil.copy(ASSETS_DIR / "brand.json", copy / "brand.json")
    shutil.copytree(ASSETS_DIR / "brand", copy / "brand")
    return copy


def configure(assets: Path, **changes: object) -> None:
    path = assets / "brand.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


def speech_with_a_pause() -> AudioSegment:
    """One second of "speech", one of silence, one of speech."""
    burst = Sine(300, sample_rate=RATE).to_audio_segment(duration=1000, volume=-12).set_channels(1)
    return burst + AudioSegment.silent(1000, frame_rate=RATE) + burst


def rms_db(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(samples**2)) + 1e-12))


def test_the_committed_sounds_are_the_generators(tmp_path: Path) -> None:
    """No third-party recording: assets/brand/ is exactly what scripts/make_brand.py writes."""
    for path in generate(tmp_path):
        assert path.read_bytes() == (ASSETS_DIR / "brand" / path.name).read_bytes(), path.name


def test_the_bed_is_ducked_while_the_voice_speaks(assets: Path) -> None:
    configure(assets, sting=None, tail_ms=600)
    brand = load_brand(assets, bucket=False)
    assert brand is not None
    voice = speech_with_a_pause()
    mixed = brand.mix(voice)
    assert len(mixed) == len(voice) + 600
    bed = samples_of(mixed)[: len(samples_of(voice))] - samples_of(voice)  # what the bed added
    ms = RATE // 1000
    under_words = rms_db(bed[200 * ms : 800 * ms])
    in_the_pause = rms_db(bed[1400 * ms : 1600 * ms])
    assert in_the_pause - under_words == pytest.approx(brand.duck_db, abs=1.5)
    assert rms_db(samples_of(voice)[: 1000 * ms]) - in_the_pause == pytest.approx(
        -brand.bed_gain_db, abs=2.0
    )


def test_the_sting_comes_first_and_the_voice_overlaps_its_end(assets: Path) -> None:
    configure(assets, bed=None)
    brand = load_brand(assets, bucket=False)
    assert brand is not None and brand.sting is not None
    voice = speech_with_a_pause()
    mixed = brand.mix(voice)
    start = len(brand.sting) - brand.sting_overlap_ms
    assert len(mixed) == start + len(voice)
    assert mixed[:100].dBFS > -40  # the sting, at once
    tail = samples_of(mixed[start + 1100 : start + 1900])  # the voice's pause: silence again
    assert rms_db(tail) < -60


def test_a_branded_clip_still_meets_alexas_format_and_loudness(assets: Path) -> None:
    brand = load_brand(assets, bucket=False)
    data = to_alexa_mp3(speech_with_a_pause(), brand=brand)
    duration = check_alexa_mp3(data, where="branded")
    assert duration > 3.0  # sting + voice + tail
    check_loudness(data, where="branded")


def test_on_for_directory_builds_off_for_buckets_unless_asked(assets: Path) -> None:
    assert load_brand(assets, bucket=False) is not None
    assert load_brand(assets, bucket=True) is None
    assert load_brand(assets, bucket=True, choice=True) is not None
    assert load_brand(assets, bucket=False, choice=False) is None
    configure(assets, bucket_builds=True)
    assert load_brand(assets, bucket=True) is not None


def test_the_digest_covers_settings_and_sounds_not_defaults(assets: Path) -> None:
    def digest() -> str:
        brand = load_brand(assets, bucket=False, choice=True)
        assert brand is not None
        return brand.digest

    first = digest()
    configure(assets, bucket_builds=True, directory_builds=False)
    assert digest() == first  # where the brand is on by default does not change its sound
    configure(assets, duck_db=6.0)
    second = digest()
    assert second != first
    (assets / "brand" / "bed.wav").write_bytes((assets / "brand" / "bed.wav").read_bytes()[:-2000])
    assert digest() != second


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"duck_db": "loud"}, "'duck_db' must be a float"),
        ({"ducking": 3}, "unknown setting 'ducking'"),
        ({"sting": None, "bed": None}, "names neither a sting nor a bed"),
        ({"bed": "brand/missing.wav"}, "cannot read .*missing.wav.*make_brand.py"),
    ],
)
def test_bad_settings_name_the_file(assets: Path, changes: dict[str, object], message: str) -> None:
    configure(assets, **changes)
    with pytest.raises(BrandError, match=str(assets / "brand.json") + ".*" + message):
        load_brand(assets, bucket=False)


def test_no_brand_file_means_no_brand(tmp_path: Path) -> None:
    assert load_brand(tmp_path, bucket=False) is None
    with pytest.raises(BrandError, match="--brand on"):
        load_brand(tmp_path, bucket=False, choice=True)
    assert read_settings(ASSETS_DIR / "brand.json").bucket_builds is False
