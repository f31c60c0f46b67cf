"""The one base class for errors a person can act on.

Everything that reaches a person as a message derives from :class:`IDTrainerError`: a
bundle that cannot be accepted, a content file with problems, a certificate that cannot
be issued, a database that cannot be opened. Its ``str()`` is one clear line in the
user's language, naming what is wrong. The CLI prints it and exits 2 (1 where a check
found problems); the GUI shows it in a message box. Any *other* exception is a bug: the
GUI's exception hook and the CLI's top level log its traceback and say where the log is.
See docs/architecture.md, "Errors".
"""

from __future__ import annotations


class IDTrainerError(Exception):
    """A failure a person can act on; ``str(error)`` says what is wrong, in one line."""
