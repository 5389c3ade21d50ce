"""One Word layer (issue 19): python-docx's internals are written in ``pzk_kit/word.py`` only.

The catalogue once kept its own copies of fonts, fields, shading and table widths beside word.py; they had begun to
differ (complex vs simple fields, East Asian fonts). Allowed in ``catalogue.py``: calls on the objects python-docx
hands back (``add_heading``, ``add_paragraph``, ``paragraph_format``…) and the units ``Cm``/``Pt`` taken from
word.py. Not allowed: any ``import docx…`` and any private attribute (``._tc``, ``._tr``, ``._r``, ``._tbl``…),
which is where raw XML starts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pzk_kit

CATALOGUE = Path(pzk_kit.__file__).parent / "basket" / "catalogue.py"


def _tree() -> ast.Module:
    return ast.parse(CATALOGUE.read_text(encoding="utf-8"))


def test_catalogue_imports_nothing_from_docx():
    imported = []
    for node in ast.walk(_tree()):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported.append(node.module or "")
    assert not [name for name in imported if name == "docx" or name.startswith("docx.")]
    assert "pzk_kit.word" in imported


def test_catalogue_touches_no_private_python_docx_parts():
    private = sorted({node.attr for node in ast.walk(_tree()) if isinstance(node, ast.Attribute)
                      and node.attr.startswith("_") and not node.attr.startswith("__")})
    assert private == []
