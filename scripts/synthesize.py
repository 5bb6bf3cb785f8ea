"""Build the audio of every fact and publish it with the manifest the skill reads.

python scripts/synthesize.py                         # espeak-ng into build/audio (offline)
python scripts/synthesize.py --bucket BUCKET         # Amazon Polly into S3

The program is factaudio.cli (also installed as `facts-synthesize`).
"""

from __future__ import annotations

from factaudio.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
