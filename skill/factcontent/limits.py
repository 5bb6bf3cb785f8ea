"""Alexa's and Polly's limits, in one place for the skill and the audio pipeline.

Sources: the Alexa SSML reference, ``audio`` tag
(https://developer.amazon.com/en-US/docs/alexa/custom-skills/speech-synthesis-markup-language-ssml-reference.html#audio)
and the Amazon Polly quotas (https://docs.aws.amazon.com/polly/latest/dg/limits.html).
"""

from __future__ import annotations

# SSML <audio>: tags per response, seconds of audio per outputSpeech / reprompt / file.
MAX_AUDIO_TAGS = 5
MAX_SPEECH_AUDIO_SECONDS = 240.0
MAX_REPROMPT_AUDIO_SECONDS = 90.0
MAX_AUDIO_FILE_SECONDS = 240.0

# The MP3 format Alexa plays in SSML: MPEG version 2 Layer III, 48 kbps, one of these rates.
ALEXA_MPEG_VERSION = 2
ALEXA_BITRATE_BPS = 48000
ALEXA_SAMPLE_RATES = (16000, 22050, 24000)

# Polly bills at most 3000 characters per SynthesizeSpeech call.
POLLY_MAX_BILLED_CHARACTERS = 3000
