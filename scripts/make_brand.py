"""Make the sonic brand's sounds (assets/brand/sting.wav and bed.wav) from code: no recordings.

python scripts/make_brand.py [--out assets/brand]
"""

from __future__ import annotations

from factaudio.brand import main

if __name__ == "__main__":
    raise SystemExit(main())
