"""How big an input the kit agrees to read, in one place for the reader, the CLI and the app.

A workbook is a zip of XML: 33 KB can declare a million rows by sixteen thousand columns, and 1.5 MB can unpack
into millions of cells. Without limits one such file (sent by mistake or on purpose) takes gigabytes of memory
and the machine of a gmina office with it. The limits are far above any real PZK (a large gmina has a few
hundred partners and a few thousand tie reports; the benchmark gmina, 50,000 reports, uses a fifth of them) and
every one of them is checked before or while reading, with a Polish message saying what is allowed.
"""

from __future__ import annotations

from pzk_kit import polish

MB = 1024 * 1024

# Whole files as they lie on disk (an .xlsx, or one CSV of a folder); the app's upload limit uses the same.
MAX_FILE_BYTES = 50 * MB
# A workbook once unzipped: all its parts together, and the shared-strings part on its own (read whole into
# memory by openpyxl, unlike the sheets, which are streamed).
MAX_UNCOMPRESSED_BYTES = 200 * MB
MAX_SHARED_STRINGS_BYTES = 50 * MB
# XML compresses 5–20×; a part far more compressed than that, and big, is a deliberate bomb.
MAX_COMPRESSION_RATIO = 200
COMPRESSION_RATIO_FLOOR = 1 * MB  # smaller parts may be as compressed as they like
MAX_SHEETS = 50
MAX_ROWS = 100_000  # per sheet (or CSV file), counting the header
MAX_COLUMNS = 200  # per sheet; "GR" is the 200th column
MAX_CELL_CHARS = 32_767  # Excel's own limit for the text of one cell
MAX_CELLS = 3_000_000  # in the whole input: rows × columns of every sheet's filled area


def polish_number(value: int) -> str:
    """``100000`` → ``100 000`` (Polish thousands separator: a non-breaking space would confuse terminals)."""
    return polish.thousands(value)


def size_text(n_bytes: int) -> str:
    """A file size as users know it (``50 MB``)."""
    return f"{n_bytes / MB:.0f} MB" if n_bytes >= MB else f"{max(1, round(n_bytes / 1024))} KB"

# A service description not confirmed by its provider for this long is flagged (validation, catalogue, report):
# hours, rooms and phone numbers change, and a resident sent to a closed door stops trusting the catalogue.
STALE_SERVICE_MONTHS = 12
# The day "today" means for that check; set (RRRR-MM-DD) to make a run reproducible (the tests set it).
REFERENCE_DAY_VARIABLE = "PZK_DZIS"
