"""Names of the files in a result folder of ``pzk run`` that more than one module refers to.

The runner lists them (what an older result folder may hold), :mod:`pzk_kit.files` recognises a result by them,
the batch reads ``summary.json`` back, the app offers them for download and the command names them in its last
lines. Users find these files by name, so a name changes here or nowhere. This module imports nothing of the kit.
"""

from __future__ import annotations

SUMMARY_NAME = "summary.json"
REPORT_NAME = "raport.docx"  # the council report (pzk_kit.evaluation.report.REPORT_NAME)
CATALOGUE_HTML_NAME = "katalog_uslug.html"  # the resident catalogue (pzk_kit.basket.catalogue.HTML_NAME)
CATALOGUE_DOCX_NAME = "katalog_uslug.docx"  # its Word version (pzk_kit.basket.catalogue.DOCX_NAME)
VALIDATION_NAME = "walidacja.txt"  # every problem the check found, in full
STATE_NAME = "zrodlo.json"  # written by batch runs: which input (content hash) and mode produced the result
PARTNERS_NAME = "partnerzy.json"  # the partner list (no contact data) the batch's powiat roll-up reads
PROGRAM_ANNEX_NAME = "program_uslug_spolecznych_zalacznik.docx"  # draft annex (pzk_kit.basket.statutory)
ASSESSMENT_ANNEX_NAME = "ocena_zasobow_zalacznik.docx"  # draft annex to the ocena zasobów (same module)
