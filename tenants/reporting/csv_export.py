"""CSV that is safe to open in a spreadsheet.

A cell that starts with =, +, -, @, a tab or a carriage return is read as a formula
by Excel and LibreOffice ("CSV injection"): a hub named "=HYPERLINK(...)" would run
on the reader's machine. Such cells get a leading apostrophe, which spreadsheets
show as text and do not display. Numbers are written as numbers (a negative
number is data, not a formula).
"""

import csv
from numbers import Number

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if value is None:
        return ""
    if isinstance(value, Number) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeWriter:
    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row) -> None:
        self._writer.writerow([neutralise(value) for value in row])
