"""Settings of the audio pipeline, in one place."""

from __future__ import annotations

# Bump when the pipeline's output changes for the same input: every file is rebuilt.
PIPELINE_VERSION = 1

# Alexa's SSML <audio> format (ALEXA.md section 1), and our loudness target.
SAMPLE_RATE = 24000
BITRATE = "48k"
BITRATE_BPS = 48000
CHANNELS = 2  # Amazon's recommended conversion uses -ac 2
LOUDNESS_LUFS = -16.0
TRUE_PEAK_DB = -1.5
SILENCE_THRESHOLD_DBFS = -50.0
KEEP_SILENCE_MS = 40
ALEXA_SAMPLE_RATES = (16000, 22050, 24000)
MAX_FILE_SECONDS = 240.0

AUDIO_SETTINGS = {
    "sample_rate": SAMPLE_RATE,
    "bitrate": BITRATE,
    "channels": CHANNELS,
    "loudness": LOUDNESS_LUFS,
    "true_peak": TRUE_PEAK_DB,
    "silence": SILENCE_THRESHOLD_DBFS,
    "keep_silence_ms": KEEP_SILENCE_MS,
}

# Layout under the public root (an S3 prefix, or a directory).
PUBLIC_PREFIX = "public/"
AUDIO_DIR = "audio"
MANIFEST_NAME = "audio-manifest.json"
CONTENT_TYPE = "audio/mpeg"
CACHE_CONTROL = "public, max-age=31536000, immutable"
MANIFEST_CACHE_CONTROL = "no-cache"

# Polly (ALEXA.md section 3): transactions per second per engine, and USD per million characters.
POLLY_TPS = {"standard": 80.0, "neural": 8.0, "long-form": 8.0, "generative": 8.0}
POLLY_USD_PER_MILLION = {"standard": 4.0, "neural": 16.0, "long-form": 100.0, "generative": 30.0}
