"""Support resources (issue 7): one canonical, validated source of crisis lines,
Wikimedia contacts and directories, rendered into bot-managed parts of resource list
pages and into reply drafts, and checked for dead or moved links.

Modules: :mod:`~bot.resources.catalogue` (load, validate, select),
:mod:`~bot.resources.pages` (render, splice between markers, describe changes),
:mod:`~bot.resources.links` (link checker).
"""

from bot.resources.catalogue import (
    KINDS, Catalogue, Phone, Resource, load_catalogue, load_resources, parse_catalogue,
    select, stale,
)
from bot.resources.links import LinkResult, check_links, check_urls
from bot.resources.pages import (
    MarkerError, SectionChanges, current_section, describe_changes, markers, render_for_reply,
    render_list, splice,
)

__all__ = [
    "KINDS", "Catalogue", "LinkResult", "MarkerError", "Phone", "Resource", "SectionChanges",
    "check_links", "check_urls", "current_section", "describe_changes", "load_catalogue",
    "load_resources", "markers", "parse_catalogue", "render_for_reply", "render_list",
    "select", "splice", "stale",
]
