"""Talk to the skill in text, the way Alexa would send it, or play a dialog file and check it.

python scripts/chat.py                                   # the skill in this process
python scripts/chat.py --url http://127.0.0.1:3000/      # the local stack (make serve)

The program is factsim.cli (also installed as `facts-chat`).
"""

from __future__ import annotations

from factsim.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
