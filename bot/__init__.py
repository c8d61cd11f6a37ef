"""The noticeboard helper: a library for watching noticeboards, triaging reports,
spotting repeated malicious reporters, maintaining support-resource pages and
drafting replies.  Scripts in ``scripts/`` are thin wrappers around it."""

__version__ = "0.1.0"
