"""The local stack's `stack` command: see factlocal.commands.stack (also installed as `facts-stack`)."""

from __future__ import annotations

from factlocal.commands.stack import main

if __name__ == "__main__":
    raise SystemExit(main())
