"""Settings of the audio pipeline, in one place."""

from __future__ import annotations

from factcontent.limits import ALEXA_BITRATE_BPS

# The content directory the command line reads when --assets is not given.
ENV_ASSETS_DIR = "FACTS_ASSETS_DIR"

# Bump when the pipeline's output changes for the same input: every file is rebuilt.
PIPELINE_VERSION = 1

# Alexa's SSML <audio> format (factcontent.limits), and our loudness target.
SAMPLE_RATE = 24000
BITRATE = f"{ALEXA_BITRATE_BPS // 1000}k"
# Mono: Alexa requires MPEG-2, 48 kbps and the sample rate, not a channel count (Amazon's sample
# command uses -ac 2); one channel spends all 48 kbps on the voice and halves the encoding time.
CHANNELS = 1
LOUDNESS_LUFS = -16.0
# Sample peaks stay 1 dB under a -1.5 dBTP true-peak ceiling: the margin covers inter-sample
# peaks without the 4x oversampling a true-peak measurement costs.
SAMPLE_PEAK_CEILING_DB = -2.5
MAX_GAIN_DB = 30.0
SILENCE_THRESHOLD_DBFS = -50.0
KEEP_SILENCE_MS = 40

AUDIO_SETTINGS = {
    "sample_rate": SAMPLE_RATE,
    "bitrate": BITRATE,
    "channels": CHANNELS,
    "loudness": LOUDNESS_LUFS,
    "peak_ceiling": SAMPLE_PEAK_CEILING_DB,
    "silence": SILENCE_THRESHOLD_DBFS,
    "keep_silence_ms": KEEP_SILENCE_MS,
}

# What the published objects carry (the layout itself is factcontent.layout).
CONTENT_TYPE = "audio/mpeg"
CACHE_CONTROL = "public, max-age=31536000, immutable"
MANIFEST_CACHE_CONTROL = "no-cache"

# Polly: transactions per second per engine (https://docs.aws.amazon.com/polly/latest/dg/limits.html)
# and USD per million characters (https://aws.amazon.com/polly/pricing/, us-east-1).
POLLY_TPS = {"standard": 80.0, "neural": 8.0, "long-form": 8.0, "generative": 8.0}
POLLY_USD_PER_MILLION = {"standard": 4.0, "neural": 16.0, "long-form": 100.0, "generative": 30.0}
