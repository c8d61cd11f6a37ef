"""One exception tree for errors a user can cause (configuration, input, data).

Scripts catch :class:`NoticeboardError` and print its message as one line; anything
else is a bug and stays a loud traceback.
"""

from __future__ import annotations


class NoticeboardError(Exception):
    """Base class: the message is one sentence that names what to fix."""


class ConfigError(NoticeboardError):
    """The deployment configuration or user-config.py is wrong."""


class DataError(NoticeboardError):
    """A data file (rules, presets, resources, corpus) failed validation.

    The message names the file, the entry and the field.
    """


class WikiError(NoticeboardError):
    """The wiki refused or failed a request in a way the user must act on."""


class PrivacyError(NoticeboardError):
    """A write would have put private material on a public page or summary."""


class StopRequested(NoticeboardError):
    """The on-wiki run page says stop; the run unwinds before its next edit."""


class UsageError(NoticeboardError, ValueError):
    """A value given to a script or a public function is not one it takes (an unknown
    outcome, language or region, an unreadable file).  A ValueError too, for callers
    that catch the standard one."""


class SetupError(NoticeboardError):
    """The local environment (packages, ports, wiki harness) cannot be set up."""
