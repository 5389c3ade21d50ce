"""How numbers and counts are written in Polish, decided once for every output.

A reader of the report, the app, a chart or a notebook should see ``3,30``, ``28 %`` and ``5 partnerów`` the
same way everywhere. Each output used to carry its own ``.replace(".", ",")`` and its own copy of the plural
rule; a fix in one copy (a real minus sign, ``12 usług`` not ``12 usługi``) never reached the others. Modules
keep their small private wrappers (``_decimal``, ``_plural``) for readability, but the rule lives here.

Only the standard library: any module, however low, may import this one.
"""

from __future__ import annotations

NBSP = "\u00a0"  # between a number and "%": the sign never wraps to the next line alone
MINUS = "\u2212"  # the minus sign of print; "-" is a hyphen
MONTHS = ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
          "października", "listopada", "grudnia")  # the genitive, as a date is read: "31 stycznia"


def comma(value: float, spec: str = "g") -> str:
    """``value`` in Python's format ``spec`` with a decimal comma: for axis ticks, seconds and file sizes.

    >>> comma(2.5)
    '2,5'
    >>> comma(1.25, ".1f")
    '1,2'
    >>> comma(0.000012345, ".4g")
    '1,234e-05'
    >>> comma(-3.0)
    '-3'
    """
    return format(value, spec).replace(".", ",")


def decimal(value: float, digits: int = 2) -> str:
    """A number with exactly ``digits`` decimals after a comma, as scores and measures are printed.

    A negative number takes the real minus sign, and a value that rounds to zero prints without a sign (no
    ``−0,00`` beside ``0,00`` in one table).

    >>> decimal(3.3)
    '3,30'
    >>> decimal(2.456, 1)
    '2,5'
    >>> decimal(-1.5)
    '−1,50'
    >>> decimal(-0.001), decimal(0)
    ('0,00', '0,00')
    >>> decimal(2.675), decimal(0.125)  # rounding of the binary value: 2.675 is 2.67499…, 0.125 is exact (even)
    ('2,67', '0,12')
    >>> decimal(7, 0)
    '7'
    """
    text = comma(float(value), f".{digits}f")
    return text.replace("-", MINUS) if text.strip("-0,") else text.lstrip("-")


def trimmed(value: float, digits: int = 2) -> str:
    """At most ``digits`` decimals after a comma, trailing zeros dropped: table cells of mixed numbers.

    >>> trimmed(2.5), trimmed(2.0), trimmed(3.14159), trimmed(10.0), trimmed(2.004)
    ('2,5', '2', '3,14', '10', '2')
    >>> trimmed(-0.25), trimmed(7.0, 0)
    ('-0,25', '7')
    """
    text = comma(value, f".{digits}f")
    return text.rstrip("0").rstrip(",") if "," in text else text


def percent(value: float) -> str:
    """A share 0–1 as a whole percent with a non-breaking space before the sign.

    >>> percent(0.2754)
    '28\\xa0%'
    >>> percent(0.2), percent(1), percent(0)
    ('20\\xa0%', '100\\xa0%', '0\\xa0%')
    >>> percent(-0.05)
    '−5\\xa0%'
    """
    return f"{round(float(value) * 100):.0f}{NBSP}%".replace("-", MINUS)


def thousands(value: int) -> str:
    """A whole number with a space between thousands (a plain space: a non-breaking one confuses terminals).

    >>> thousands(100000), thousands(999), thousands(3000000)
    ('100 000', '999', '3 000 000')
    """
    return f"{value:,}".replace(",", " ")


def plural(n: int, one: str, few: str, many: str) -> str:
    """The form of a noun that agrees with ``n``: ``one`` for 1, ``few`` for 2–4, 22–24, …, ``many`` otherwise.

    Only 1 itself takes ``one``: ``21 partnerów``, ``101 partnerów``. The teens take ``many`` (``12 partnerów``,
    ``112 partnerów``), so the last digit alone cannot decide.

    >>> [plural(n, "partner", "partnerzy", "partnerów") for n in (1, 2, 5, 12, 22)]
    ['partner', 'partnerzy', 'partnerów', 'partnerów', 'partnerzy']
    """
    if n == 1:
        return one
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return few
    return many


def count(n: int, one: str, few: str, many: str) -> str:
    """``n`` with the noun that agrees with it.

    >>> count(1, "usługa", "usługi", "usług"), count(3, "usługa", "usługi", "usług")
    ('1 usługa', '3 usługi')
    >>> count(112, "usługa", "usługi", "usług")
    '112 usług'
    """
    return f"{n} {plural(n, one, few, many)}"


def date(day) -> str:
    """A date as Polish letters and documents write it (``day`` is a ``datetime.date``).

    >>> import datetime
    >>> date(datetime.date(2027, 1, 31))
    '31 stycznia 2027 r.'
    >>> date(datetime.date(2024, 9, 3))
    '3 września 2024 r.'
    """
    return f"{day.day} {MONTHS[day.month - 1]} {day.year} r."
