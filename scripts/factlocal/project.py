"""Where the repository's parts are, for the local stack: one root, given or the current directory."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from factlocal.exceptions import StackError


class Project(NamedTuple):
    """The repository the local stack runs from (`make` runs in its root)."""

    root: Path

    @classmethod
    def at(cls, root: Path | str = ".") -> Project:
        """Return the project at `root`; raise StackError when it is not the repository."""
        project = cls(Path(root).resolve())
        if not project.template.is_file() or not (project.assets / "decks").is_dir():
            raise StackError(
                f"{project.root} is not the serverless-facts repository (no template.yaml and "
                "assets/decks): run from its root or pass --project DIR"
            )
        return project

    @property
    def assets(self) -> Path:
        return self.root / "assets"

    @property
    def template(self) -> Path:
        return self.root / "template.yaml"

    @property
    def models(self) -> Path:
        return self.root / "interaction_model" / "interactionModels" / "custom"

    @property
    def dialogs(self) -> Path:
        return self.root / "tests" / "dialogs"

    @property
    def state(self) -> Path:
        """Where the local stack keeps its audio, its CA and its logs between runs (ignored)."""
        return self.root / "build" / "local-stack"
