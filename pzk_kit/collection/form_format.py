"""The file format shared by ``pzk formularze`` (writes the forms) and ``pzk zbierz`` (reads them back).

Both sides import these names instead of spelling sheet names and metadata keys themselves, so a renamed sheet
cannot make the merger silently skip what the writer produced. The hidden ``_pzk`` sheet carries who a form is
for and which measurement it collects; a form whose version the merger does not know is refused, not guessed.
"""

FORMAT_VERSION = "1"
META_SHEET = "_pzk"            # hidden sheet, two columns: pole, wartosc
KIND_PARTNER = "formularz_partnera"
KIND_SURVEY = "ankieta_anonimowa"
TIES_SHEET = "wspolpraca"
SERVICES_SHEET = "uslugi"
SURVEY_SHEET = "ankieta"
META_KEYS = ("rodzaj", "wersja", "gmina", "teryt", "partner", "pomiar", "utworzono")
