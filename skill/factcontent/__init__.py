"""What the skill and the audio pipeline share, defined once.

Pure and dependency-free (no ASK SDK, no AWS SDK), so that the Lambda function, the pipeline and
the tools around them import the same definitions:

- ``limits``: Alexa's, Polly's and the session's limits;
- ``text``: the rules every spoken text passes (XML's characters, SSML length, spoken length,
  ids), and ``xml_safe``, the second defence of SSML;
- ``locales``: the supported locales and the language each speaks;
- ``deck``: the deck format, its checks, and picking facts without repeats;
- ``prompts``: the prompt file format and its checks;
- ``manifest``: the audio manifest format;
- ``layout``: where decks, prompts, the manifest and audio live, bundled and published;
- ``files``: reading those files from a content directory.

Submodules are not imported here: the skill loads only what a cold start needs.
"""

__all__ = [
    "deck",
    "exceptions",
    "files",
    "layout",
    "limits",
    "locales",
    "manifest",
    "prompts",
    "records",
    "text",
]
