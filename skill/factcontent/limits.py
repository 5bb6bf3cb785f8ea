"""Alexa's and Polly's limits, and the session's, in one place for the skill and the pipeline.

Sources: the Alexa SSML reference
(https://developer.amazon.com/en-US/docs/alexa/custom-skills/speech-synthesis-markup-language-ssml-reference.html),
the Alexa request and response JSON reference
(https://developer.amazon.com/en-US/docs/alexa/custom-skills/request-and-response-json-reference.html)
and the Amazon Polly quotas (https://docs.aws.amazon.com/polly/latest/dg/limits.html).
"""

from __future__ import annotations

# SSML <audio> (SSML reference, `audio`): tags per response, seconds of audio in all the tags of
# one outputSpeech / of one reprompt, and seconds of one file.
MAX_AUDIO_TAGS = 5
MAX_SPEECH_AUDIO_SECONDS = 240.0
MAX_REPROMPT_AUDIO_SECONDS = 90.0
MAX_AUDIO_FILE_SECONDS = 240.0

# The MP3 format Alexa plays in SSML (SSML reference, `audio`): MPEG version 2 Layer III,
# 48 kbps, one of these rates.
ALEXA_MPEG_VERSION = 2
ALEXA_BITRATE_BPS = 48000
ALEXA_SAMPLE_RATES = (16000, 22050, 24000)

# Polly bills at most 3000 characters per SynthesizeSpeech call (Polly quotas).
POLLY_MAX_BILLED_CHARACTERS = 3000

# An AudioPlayer stream's token: a string of at most this many characters (AudioPlayer
# interface reference, `token`).
MAX_AUDIO_TOKEN_CHARACTERS = 1024

# The SSML of one outputSpeech or reprompt, tags included (response JSON reference,
# `outputSpeech`: "cannot exceed 8,000 characters").
MAX_SSML_CHARACTERS = 8000

# How a fact's response shares those 8,000 (factskill/responses.py): at most three prompts (the
# welcome, a restart notice or a topic's intro, "another"), one topic name in one of them, the
# fact, <speak></speak> and a space between parts. Each part is checked against its share, so any
# combination fits (tests/unit/test_content_checks.py adds them up). Values are escaped lengths.
MAX_PROMPT_SSML_CHARACTERS = 600  # a prompt's own text; the longest bundled one is under 300
MAX_TOPIC_NAME_SSML_CHARACTERS = 100
MAX_FACT_SSML_CHARACTERS = 6000  # a 3,000-character fact of plain text is 3,000
# What {topics} adds to a prompt: every topic name, with list separators of at most 20 between.
MAX_LIST_SEPARATOR_SSML_CHARACTERS = 20
MAX_TOPIC_LIST_SSML_CHARACTERS = 2000

# A fact's clip is the only audio of its response: it must fit the response's 240 s.
MAX_FACT_SPOKEN_SECONDS = min(MAX_SPEECH_AUDIO_SECONDS, MAX_AUDIO_FILE_SECONDS)

# What a session carries (factskill/session.py caps what it reads to these, against forged
# requests): fact and topic ids of at most 64 characters, and the ids of the facts heard, at most
# 200. A longer id is dropped and a deck of more facts loses some of the heard ones: facts repeat.
# So decks are held to the same numbers. 200 ids of 64 characters are about 13 KB of session
# attributes, well inside a response's 120 KB (response JSON reference).
MAX_ID_LENGTH = 64
MAX_DECK_FACTS = 200
