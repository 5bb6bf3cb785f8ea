"""The local stack's `demo` command: see factlocal.commands.demo (also installed as `facts-demo`)."""

from __future__ import annotations

from factlocal.commands.demo import main

if __name__ == "__main__":
    raise SystemExit(main())
