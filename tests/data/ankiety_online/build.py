"""Writes the three sample exports of this folder (see README.md); run it again only to change them on purpose.

The answers are typed out here one respondent a line, so a test can name a respondent's answer and a reader can
check it by eye: one digit per item q01…q30, ``0`` = "Nie wiem", ``-`` = no answer.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
SCALE = ["Zdecydowanie się nie zgadzam", "Raczej się nie zgadzam", "Ani tak, ani nie", "Raczej się zgadzam",
         "Zdecydowanie się zgadzam"]


def _items() -> list[tuple[str, str]]:
    with (HERE.parents[2] / "pzk_kit" / "data" / "ankieta" / "pytania.csv").open(encoding="utf-8") as handle:
        return [(row["kod"], row["tresc"]) for row in csv.DictReader(handle)]


def _label(digit: str) -> str:
    return "" if digit == "-" else "Nie wiem" if digit == "0" else SCALE[int(digit) - 1]


# -- Microsoft Forms: "Otwórz w programie Excel" of a form with 30 Likert statements, Polish interface ----------
MS_FORMS = [  # ID, start, end, e-mail, name, answers q01…q30, sector, remark
    (1, "anna.nowak@ops.example.pl", "Anna Nowak", "454344435443434345423534424343", "Pomoc społeczna", ""),
    (2, "jan.kowalski@szkola.example.pl", "Jan Kowalski", "3332-3332333233323332333233323", "Edukacja",
     "Spotkania mogłyby być częściej."),
    (3, "ewa.lis@pup.example.pl", "Ewa Lis", "555545555455554555545555455554", "Zatrudnienie", ""),
    (4, "piotr.wrona@gok.example.pl", "Piotr Wrona", "221022102210221022102210221022", "", ""),
    (5, "maria.sowa@kpp.example.pl", "Maria Sowa", "444444444444444444444444444444", "bezpieczenstwo", "Brak uwag"),
]
MS_TYPO = {(3, "q05"): "Raczej się zgadam"}  # respondent ID 3 mistyped one answer
MS_REWORDED = {"q02": "Moja instytucja ma realny wpływ na to, jakie działania podejmuje nasz PZK"}


def microsoft_forms() -> None:
    items = _items()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Arkusz1"
    sheet.append(["Identyfikator", "Godzina rozpoczęcia", "Godzina ukończenia", "Adres e-mail", "Nazwa",
                  *(MS_REWORDED.get(code, text) for code, text in items), "Sektor Twojej instytucji",
                  "Uwagi (nieobowiązkowe)"])
    for number, email, name, answers, sector, remark in MS_FORMS:
        start = dt.datetime(2024, 10, 7, 9, 0) + dt.timedelta(minutes=17 * number)
        labels = [MS_TYPO.get((number, code), _label(d)) for (code, _), d in zip(items, answers, strict=True)]
        sheet.append([number, start, start + dt.timedelta(minutes=9), email, name, *labels, sector or None,
                      remark or None])
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=3):
        for cell in row:
            cell.number_format = "yyyy-mm-dd hh:mm:ss"
    book.properties.created = book.properties.modified = dt.datetime(2024, 10, 7)
    book.save(HERE / "microsoft_forms.xlsx")


# -- Google Forms: "Pobierz odpowiedzi (.csv)" of a form with one multiple-choice grid (q01–q15) -----------------
GOOGLE = [  # timestamp, sector, answers q01…q15, remark
    ("2024/10/08 10:02:11 AM GMT+2", "Pomoc społeczna", "453445344534453", "Więcej spotkań w terenie, proszę."),
    ("2024/10/08 10:15:40 AM GMT+2", "Zdrowie", "2303223032230-2", ""),
    ("2024/10/08 11:30:05 AM GMT+2", "", "555555555555555", ""),
    ("2024/10/09 8:45:59 AM GMT+2", "Organizacje pozarządowe", "344434443444344", "OK"),
]
GOOGLE_TYPO = {(2, "q03"): "Zdecydowanie sie zgadzm"}  # the second respondent's q03
GOOGLE_REWORDED = {"q04": "Na spotkaniach PZK każdy z partnerów może swobodnie przedstawić swoje zdanie"}


def google_forms() -> None:
    items = _items()[:15]
    header = ["Sygnatura czasowa", "Sektor Twojej instytucji",
              *(f"Oceń stwierdzenia [{GOOGLE_REWORDED.get(code, text)}]" for code, text in items),
              "Co jeszcze chcesz przekazać zespołowi?"]
    with (HERE / "google_forms.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for number, (stamp, sector, answers, remark) in enumerate(GOOGLE, start=1):
            labels = [GOOGLE_TYPO.get((number, code), _label(d)) for (code, _), d in zip(items, answers, strict=True)]
            writer.writerow([stamp, sector, *labels, remark])


# -- LimeSurvey: "Eksportuj odpowiedzi" → CSV, headings "kod pytania i tekst", answers as codes ------------------
LIME = [  # id, submitdate, lastpage, seed, answers q01…q30 (codes; "L" rows as labels), sector, remark
    (11, "2024-10-10 12:01:33", 1, "1873514", "123412341234123412341234123412", "pomoc_spoleczna", ""),
    (12, "2024-10-10 12:20:02", 1, "998211", "5554-5554-5554-5554-5554-5554-", "edukacja", "Dziękuję"),
    (13, "2024-10-10 13:44:50", 1, "462890", "L:333333333333333333333333333333", "Kultura", ""),
    (14, "", 0, "77321", "------------------------------", "", ""),  # opened, never answered
    (15, "2024-10-11 09:05:19", 1, "130455", "441144114411441144114411441144", "sport", ""),
    (16, "2024-10-11 09:40:00", 1, "55602", "000000000000000000000000000005", "", ""),
]
LIME_TYPO = {(15, "q12"): "6"}
LIME_REWORDED = {"q27": "Moja instytucja zapewnia mi czas na udział w działaniach PZK"}  # pasted without its code


def limesurvey() -> None:
    items = _items()
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "token",
              *(LIME_REWORDED.get(code) or f"{code}. {text}" for code, text in items),
              "sektor. Sektor Twojej instytucji", "uwagi. Uwagi"]
    lines = [";".join(_quoted(h) for h in header)]
    for number, submitted, lastpage, seed, answers, sector, remark in LIME:
        as_labels = answers.startswith("L:")
        digits = answers[2:] if as_labels else answers
        values = []
        for (code, _), digit in zip(items, digits, strict=True):
            typo = LIME_TYPO.get((number, code))
            values.append(typo if typo else _label(digit) if as_labels else "" if digit == "-" else digit)
        row = [str(number), submitted, str(lastpage), "pl", seed, "", *values, sector, remark]
        lines.append(";".join(_quoted(v) for v in row))
    (HERE / "limesurvey.csv").write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def _quoted(value: str) -> str:
    return f'"{value}"' if value else ""


if __name__ == "__main__":
    microsoft_forms()
    google_forms()
    limesurvey()
