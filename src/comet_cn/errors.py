"""Exceptions that the command line maps to exit codes."""

from __future__ import annotations

__all__ = ["CometCnError", "InputError", "SupportFileError"]


class CometCnError(Exception):
    """Base class of every error comet-cn raises on purpose."""


class InputError(CometCnError):
    """The input cannot be used: missing, unreadable, unparseable, too large, or it asks for the network.

    The message is one line and names the input, so a script can show it as is (``cn-validate`` exits 2).
    """

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class SupportFileError(InputError):
    """An extra shapes or ontology file (``--shapes``, ``--ontology``) cannot be used.

    Unlike a bad claim, it spoils every input of a run, so a batch stops on it instead of reporting it per input.
    """
