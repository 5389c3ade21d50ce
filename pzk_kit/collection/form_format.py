"""The file format shared by the form writer (``pzk formularze``) and the merger (``pzk zbierz``).

Both sides read these names from here, so a form written by one version is recognised by the other; the format
itself is described in the repository's FORMS_SPEC (partner form, anonymous survey form, merge rules).
"""

FORMAT_VERSION = "1"
META_SHEET = "_pzk"            # hidden sheet, two columns: pole, wartosc
KIND_PARTNER = "formularz_partnera"
KIND_SURVEY = "ankieta_anonimowa"
TIES_SHEET = "wspolpraca"
SERVICES_SHEET = "uslugi"
SURVEY_SHEET = "ankieta"
META_KEYS = ("rodzaj", "wersja", "gmina", "teryt", "partner", "pomiar", "utworzono")
