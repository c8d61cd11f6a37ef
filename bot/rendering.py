"""The one jinja2 environment for everything that becomes wikitext or a message.

Templates live in the top-level ``templates/`` folder.  Autoescaping is off because
the output is wikitext, not HTML; instead user text goes through the ``wikitext``
filter (:func:`bot.wikitext.escape`), and templates must use it for anything that
came from a report, a user or a data file.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from bot import wikitext

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Return the shared environment (StrictUndefined: a typo is an error, not blank)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["wikitext"] = wikitext.escape
    env.filters["link_target"] = wikitext.link_target
    return env


def render(template: str, **context: object) -> str:
    """Render ``templates/<template>`` with *context*."""
    return environment().get_template(template).render(**context)
