"""The Polish forms of numbers and counts (``pzk_kit.polish``) and the wording files (``pzk_kit.texts``).

Every output prints through these two modules, so their examples are pinned here: the plural rule at the
numbers where Polish grammar turns (1, 2–4, 5, the teens, 21–22, 112), decimals at zero, below zero and at a
rounding edge, and a check that each wording file renders the same whichever placeholder style a module used.
"""

from __future__ import annotations

import doctest
import re

import pytest

from pzk_kit import glossary, polish, tables, texts
from pzk_kit.workbook import limits

NBSP = "\u00a0"
FORMS = ("partner", "partnerzy", "partnerów")


def test_doctests_pass():
    for module in (polish, texts):
        failed, tried = doctest.testmod(module)
        assert tried and not failed, module.__name__


@pytest.mark.parametrize(("n", "expected"), [
    (0, "partnerów"), (1, "partner"), (2, "partnerzy"), (4, "partnerzy"), (5, "partnerów"), (12, "partnerów"),
    (14, "partnerów"), (21, "partnerów"), (22, "partnerzy"), (25, "partnerów"), (112, "partnerów"),
    (102, "partnerzy"), (113, "partnerów"), (1001, "partnerów"),
])
def test_plural_follows_polish_grammar(n, expected):
    assert polish.plural(n, *FORMS) == expected
    assert polish.count(n, *FORMS) == f"{n} {expected}"


@pytest.mark.parametrize(("value", "digits", "expected"), [
    (3.3, 2, "3,30"), (4, 2, "4,00"), (2.456, 1, "2,5"), (0, 2, "0,00"), (0.0, 1, "0,0"),
    (-1.5, 2, "−1,50"), (-12.345, 1, "−12,3"), (-0.001, 2, "0,00"), (-0.0, 2, "0,00"),
    (0.125, 2, "0,12"), (0.375, 2, "0,38"), (2.675, 2, "2,67"), (9.995, 2, "9,99"), (0.05, 1, "0,1"),
    (1234.5, 2, "1234,50"),
])
def test_decimal_has_a_comma_a_real_minus_and_no_negative_zero(value, digits, expected):
    assert polish.decimal(value, digits) == expected


def test_comma_trimmed_percent_and_thousands():
    assert [polish.comma(v) for v in (2.5, 10.0, -0.5, 1e-05)] == ["2,5", "10", "-0,5", "1e-05"]
    assert polish.comma(52428800 / (1024 * 1024), ".1f") == "50,0"
    assert [polish.trimmed(v) for v in (2.5, 2.0, 0.3, -0.25, 3.14159)] == ["2,5", "2", "0,3", "-0,25", "3,14"]
    assert [polish.percent(v) for v in (0.2, 0.2754, 0.005, 0.015, 1)] == [f"{p}{NBSP}%" for p in (20, 28, 0, 2, 100)]
    assert polish.percent(-0.1) == f"−10{NBSP}%"
    assert polish.thousands(100_000) == "100 000" and polish.thousands(3_000_000) == "3 000 000"


def test_the_old_names_print_the_same():
    assert glossary.decimal is polish.decimal and glossary.percent is polish.percent
    assert glossary.fmt("factor_score", 3.3) == "3,30" and glossary.fmt("density", 0.2) == f"20{NBSP}%"
    assert tables.polish_number(2.5) == "2,5" and tables.polish_number(3) == "3" and tables.polish_number(None) == "—"
    assert limits.polish_number(limits.MAX_ROWS) == "100 000"


WORDING = [(("app",), "teksty.csv"), (("dokumenty",), "teksty.csv"), (("raport",), "teksty.csv"),
           (("szablony",), "katalog_teksty.csv"), ((), "pomiary.csv")]


@pytest.mark.parametrize(("folder", "file"), WORDING)
def test_each_wording_file_renders_as_str_format_and_replace_did(folder, file):
    """Every text of every wording file: one-pass filling equals both styles the modules used before."""
    for template in texts.load(*folder, file=file).values():
        names = set(re.findall(r"\{(\w+)\}", template))
        values = {name: f"<{name}>" for name in names}
        replaced = template
        for name, value in values.items():
            replaced = replaced.replace("{" + name + "}", value)
        assert texts.fill(template, **values) == template.format(**values) == replaced


def test_catalogue_and_measurement_wording_load_through_texts():
    assert texts.load("szablony", file="katalog_teksty.csv")["tytul"].startswith("Katalog usług")
    assert "{pomiar}" in texts.load(file="pomiary.csv")["najnowszy"]
    assert texts.load("raport") is texts.load("raport")  # read once, shared by report and recommendations
