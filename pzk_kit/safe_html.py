"""User text into HTML and Markdown as plain text: what a cell holds is shown as typed, never run or rendered.

A gmina's workbook passes through many hands and names are copied from web pages, so a partner called
``<img src=x onerror=alert(1)>`` or ``[kliknij](javascript:…)`` must reach the reports, the app and the notebooks
as those characters, not as an image, a script or a live link. Every place that builds HTML or Markdown from the
data goes through this module: the template (the kit's own wording and markup) is trusted, the values are not.
The escaping itself is markupsafe's (the one Jinja uses for the catalogue); only the Markdown rules are ours,
because Markdown has no escaping function of its own beyond CommonMark's backslash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import markupsafe

if TYPE_CHECKING:
    from IPython.display import HTML

# What Markdown (CommonMark, GFM, JupyterLab's and nbconvert's renderers) gives a meaning to inside a line: links
# and images ([]), emphasis and strikethrough (*_~), code (`), raw HTML and entities (<>&), maths ($), table cells
# (|) and the backslash itself. Parentheses and other punctuation mean nothing without them, so they stay as typed
# (the Markdown source stays readable). CommonMark lets a backslash escape any ASCII punctuation.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&$~|])")
_BLOCK_MARKER = re.compile(r"^(?:[#+\-=]|\d+[.)])")  # a heading, list item or underline when at a line start
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
_LEADING_BLANKS = re.compile(r"^\s+")


def escape(value: object) -> markupsafe.Markup:
    """Text for HTML (element content or a quoted attribute): ``<``, ``>``, ``&`` and both quotes escaped.

    ``None`` is empty; kit markup already wrapped in :class:`markupsafe.Markup` passes unchanged.
    """
    return markupsafe.escape("" if value is None else value)


def markup(template: str, *values: object, **named: object) -> markupsafe.Markup:
    """``template`` (the kit's own markup, with ``{}`` / ``{name}`` fields) filled with escaped ``values``."""
    return markupsafe.Markup(template).format(*values, **named)


def html(template: str, *values: object, **named: object) -> HTML:
    """:func:`markup` as an IPython display object, for notebook cells that show user values."""
    return _display(markup(template, *values, **named))


def html_list(items: Iterable[object]) -> HTML:
    """A bulleted list of user texts (e.g. the results hidden to protect anonymity), for a notebook cell."""
    return _display(markupsafe.Markup("<ul>{}</ul>").format(
        markupsafe.Markup("").join(markup("<li>{}</li>", item) for item in items)))


def _display(fragment: markupsafe.Markup) -> HTML:
    """JupyterLab typesets ``$…$`` in HTML outputs with MathJax; its ignore class keeps a name's dollars literal."""
    from IPython.display import HTML

    return HTML(str(markup('<div class="tex2jax_ignore mathjax_ignore">{}</div>', fragment)))


def markdown_text(value: object) -> str:
    """User text to place inside Markdown: shown literally, never as a link, image, heading, list, HTML or maths.

    Line breaks become spaces, so a value cannot start a block of its own (a heading, a list, a code block).
    """
    text = _LINE_BREAKS.sub(" ", "" if value is None else str(value))
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _BLOCK_MARKER.sub(lambda found: found.group()[:-1] + "\\" + found.group()[-1], text)
    # leading blanks after "* " would make an indented code block; as character references they are just blanks
    text = _LEADING_BLANKS.sub(lambda found: "".join(f"&#{ord(c)};" for c in found.group()), text)
    # Autolink extensions (mistune's, GFM's) find "http://…" in the raw text, ignoring backslashes: this colon as a
    # character reference is still a colon on the page, but no longer the start of a link.
    return text.replace("://", "&#58;//")

