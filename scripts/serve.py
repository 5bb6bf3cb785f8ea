"""The local stack's `serve` command: see factlocal.commands.serve (also installed as `facts-serve`)."""

from __future__ import annotations

from factlocal.commands.serve import main

if __name__ == "__main__":
    raise SystemExit(main())
