"""The file format shared by ``pzk formularze`` (writes the forms) and ``pzk zbierz`` (reads them back).

Both sides import these names instead of spelling sheet names and metadata keys themselves, so a renamed sheet
cannot make the merger silently skip what the writer produced. The hidden ``_pzk`` sheet carries who a form is
for and which measurement it collects; a form whose version the merger does not know is refused, not guessed.

**Partner form**: one ``.xlsx`` per partner whose ``rola`` is lider or partner, named
``formularz_<id>_<slug>.xlsx`` (slug: the name in lowercase ASCII, at most 40 characters).

- ``_pzk`` (hidden): ``pole``, ``wartosc`` rows for each of :data:`META_KEYS` (``rodzaj`` = :data:`KIND_PARTNER`).
- ``instrukcja``: what to fill, the scales, the deadline.
- ``wspolpraca``: headers ``do``, ``nazwa_partnera``, ``sektor``, ``poprzednio``, ``poziom``, ``formy``,
  ``zaufanie``, ``wartosc``; one row per other partner. ``poprzednio`` is the level this partner reported in the
  previous measurement (a hint). The four answer columns start empty and are the only unlocked cells. ``od`` and
  ``pomiar`` are not columns: they come from ``_pzk``.
- ``uslugi``: the workbook's ``uslugi`` columns without ``partner``, pre-filled with the partner's services; a new
  service may leave ``id`` empty.

**Anonymous survey**: ``ankieta_anonimowa.xlsx``, one copy per respondent; ``_pzk`` with ``rodzaj`` =
:data:`KIND_SURVEY` and no partner; sheet ``ankieta`` with headers ``kod``, ``pytanie``, ``odpowiedz``: a
``sektor`` row (optional), then one row per item of the instrument; answers are the scale's labels, digits 1–5,
0 or „nie wiem”.

**Merge rules**: a form of another gmina, of an unknown partner or of another measurement than asked is refused.
A partner's form replaces that partner's ``wspolpraca`` rows of its measurement by the rows whose ``poziom`` is
filled (0 is an answer) and replaces its services (a new service gets ``<partner>_u<n>``). Of two forms of one
partner, the file modified later wins. Each survey is one respondent with the code ``A`` + 8 hex digits of a
SHA-256 of its answers and file name; a code already present is skipped, so merging the same files twice changes
nothing. INPUT is never written; the result is a new workbook.
"""

FORMAT_VERSION = "1"
META_SHEET = "_pzk"            # hidden sheet, two columns: pole, wartosc
KIND_PARTNER = "formularz_partnera"
KIND_SURVEY = "ankieta_anonimowa"
TIES_SHEET = "wspolpraca"
SERVICES_SHEET = "uslugi"
SURVEY_SHEET = "ankieta"
META_KEYS = ("rodzaj", "wersja", "gmina", "teryt", "partner", "pomiar", "utworzono")
