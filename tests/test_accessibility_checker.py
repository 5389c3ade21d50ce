"""The axe-core check itself: it must find a broken page and pass a good one, or the other checks mean nothing."""

from __future__ import annotations

import pytest
from accessibility import assert_accessible, axe_violations
from test_app_browser import browser  # noqa: F401  (the shared fixture)

pytestmark = pytest.mark.browser

GOOD = """<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>Raport</title></head>
<body><main><h1>Gmina Przykładowa</h1><img src="data:image/png;base64,iVBORw0KGgo=" alt="Mapa współpracy: 27 partnerów">
<p style="color:#222;background:#fff">Tekst.</p></main></body></html>"""
BAD = """<!doctype html><html><head><title>Raport</title></head>
<body><img src="data:image/png;base64,iVBORw0KGgo="><p style="color:#eee;background:#fff">Tekst.</p></body></html>"""


def test_axe_finds_missing_alt_language_and_contrast_and_passes_a_good_page(browser):  # noqa: F811
    page = browser.new_page()
    try:
        page.set_content(BAD)
        found = {v["id"] for v in axe_violations(page)}
        assert {"image-alt", "html-has-lang", "color-contrast"} <= found
        page.set_content(GOOD)
        assert_accessible(page, "good page")
    finally:
        page.close()
