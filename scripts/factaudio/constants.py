"""Settings of the audio pipeline, in one place."""

from __future__ import annotations

from factaudio.loudness import LIMITER_CEILING_DBTP, TARGET_LUFS
from factcontent.limits import ALEXA_BITRATE_BPS

# The content directory the command line reads when --assets is not given.
ENV_ASSETS_DIR = "FACTS_ASSETS_DIR"

# Bump when the pipeline's output changes for the same input: every file is rebuilt.
# 2: -14 LUFS under a true-peak limiter (was -16 LUFS, gain only); 3: lexicons, kana readings;
# 4: a causal band limit (was zero-phase).
PIPELINE_VERSION = 5

# Alexa's SSML <audio> format (factcontent.limits), and our loudness target.
SAMPLE_RATE = 24000
BITRATE = f"{ALEXA_BITRATE_BPS // 1000}k"
# Mono: Alexa requires MPEG-2, 48 kbps and the sample rate, not a channel count (Amazon's sample
# command uses -ac 2); one channel spends all 48 kbps on the voice and halves the encoding time.
CHANNELS = 1
SILENCE_THRESHOLD_DBFS = -50.0
# Speech needs nothing above this; LAME at 48 kbps and 24 kHz cuts near it anyway.
LOWPASS_HZ = 7000.0
KEEP_SILENCE_MS = 40

AUDIO_SETTINGS = {
    "sample_rate": SAMPLE_RATE,
    "bitrate": BITRATE,
    "channels": CHANNELS,
    "loudness": TARGET_LUFS,
    "peak_ceiling": LIMITER_CEILING_DBTP,
    "silence": SILENCE_THRESHOLD_DBFS,
    "keep_silence_ms": KEEP_SILENCE_MS,
    "lowpass": LOWPASS_HZ,
}

# What the published objects carry (the layout itself is factcontent.layout).
CONTENT_TYPE = "audio/mpeg"
CACHE_CONTROL = "public, max-age=31536000, immutable"
MANIFEST_CACHE_CONTROL = "no-cache"

# Polly: transactions per second per engine (https://docs.aws.amazon.com/polly/latest/dg/limits.html)
# and USD per million characters (https://aws.amazon.com/polly/pricing/, us-east-1).
POLLY_TPS = {"standard": 80.0, "neural": 8.0, "long-form": 8.0, "generative": 8.0}
POLLY_USD_PER_MILLION = {"standard": 4.0, "neural": 16.0, "long-form": 100.0, "generative": 30.0}
