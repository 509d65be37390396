"""Spreadsheet cells as the catalogue stores them: costs, durations, codes, dates.

Every parser here is a pure function of one cell's value: text, or the number or date
a spreadsheet stores. It returns the parsed value, ``None`` for an empty cell, and
raises ``ValueError`` saying what it expected for anything else (the spreadsheet reader
turns that into a rejection naming the row, the field and the column).

The rules, applied the same way everywhere:

- **Ranges** (``$500 - $750``, ``12-18 hours``): the record's number is the **minimum**
  (the least it costs, the least time it takes); both ends are kept (``Cost.maximum``,
  ``Duration.maximum``, stored in ``meta`` as ``cost_range`` / ``hours_range``).
- **Costs** are US dollars: ``1200``, ``$1,200.50``, ``USD 300``, ``$500 - $750``,
  ``500 to 750``; ``Free`` / ``No cost`` is 0. A price with a free option, such as
  ``FREE-Add a Verified Certificate for $199``, is the price of earning the credential
  (199), with ``free_audit`` set. A price per period or unit (``$39/month``, ``$120 per
  credit hour``) is not a total: the cost is unknown and the note says why. Another
  currency, a negative amount, or text with no amount is an error.
- **Durations** become total hours (:func:`parse_duration`):

  1. hours stated as a total are the hours: ``40``, ``40 hours``, ``120 Contact Hours``,
     ``90 minutes``; several totals add up; credits count 15 hours each (a semester
     credit hour: 15 hours of instruction), quarter credits 10, a CEU 10 (IACET);
  2. otherwise a rate times a length: ``2-3 hours per week`` for ``6 weeks`` is 12-18
     hours (so 12); a rate per day times days (a week counting 5 days);
  3. a length alone (``6 Weeks``, ``1 semester``) or a rate alone states no hours: the
     hours are unknown (``None``), the length in weeks is kept (``Duration.weeks``);
     lengths convert at 1 month = 52/12 weeks, 1 semester = 15 weeks, 1 quarter = 10
     weeks, 1 year = 52 weeks, 1 day = 1/7 week;
  4. ``Varies``, ``Self-paced``, ``Flexible``, ``TBD``, ``Ongoing``: unknown, not an
     error. Text with no number and unit is an error.
- **Codes** stored as numbers are rebuilt: O*NET-SOC ``15112200.0`` -> ``15-1122.00``,
  ``151122`` -> ``15-1122.00``; CIP ``110101.0`` -> ``11.0101`` (a leading zero lost in
  a number comes back: ``10101`` -> ``01.0101``). O*NET-SOC 2010 codes are read through
  the 2010 to 2019 crosswalk by :func:`resolve_onet`, which reports what resolves to
  nothing instead of dropping it.
- **Dates** become ISO ``YYYY-MM-DD``: ISO dates and timestamps, ``February 12, 2021
  4:06 PM``, ``01-MAY-2019``, US ``02/12/2021`` (month first), or a spreadsheet date.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ..catalog.models import CREDENTIAL_TYPES

# ------------------------------------------------------------------ numbers and text

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")


def _plain(value: object) -> str | float | None:
    """A cell as a number (int or float, finite) or stripped text; None when empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is a true/false value, not a number or text")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{value!r} is not a number")
        return float(value)
    text = str(value).strip()
    return text or None


def cell_text(value: object) -> str:
    """A cell as text: whole numbers without ``.0`` (``32211.0`` -> ``32211``), dates
    as ISO, text stripped; ``""`` for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (value.date().isoformat() if value.time() == datetime.min.time()
                else value.isoformat())
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_number(value: object) -> float | None:
    """A plain number: ``42405``, ``42,405``, ``1.5`` (thousands separators allowed)."""
    plain = _plain(value)
    if plain is None or isinstance(plain, float):
        return plain
    if not _NUMBER.fullmatch(plain):
        raise ValueError(f"{plain!r} is not a number (expected like 42405, 42,405 or 1.5)")
    return float(plain.replace(",", ""))


def parse_integer(value: object) -> int | None:
    """A whole number of at least 0: ``3``, ``3.0``, ``1,200``."""
    number = parse_number(value)
    if number is None:
        return None
    if not number.is_integer() or number < 0:
        raise ValueError(f"{cell_text(value)!r} is not a whole number (expected like 1 or 12)")
    return int(number)


_CP1252_HIGH = ("\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152"
                "\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a"
                "\u0153\u017e\u0178")
_CONT = f"[\u0080-\u00bf{_CP1252_HIGH}]"  # C1 controls: the bytes cp1252 leaves undefined
_MOJIBAKE = re.compile(f"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}"
                       f"|[\u00f0-\u00f4]{_CONT}{{3}}")
_BULLET_TAB = re.compile(r"(^|\s)([•·▪‣◦*-]|\d{1,2}[.)])[ \u00a0]*\t[ \t\u00a0]*")
_BEFORE_BULLET = re.compile(r"[ \t\u00a0]{2,}(?=[•▪‣◦] )")
_FLATTENED_BREAK = re.compile(r"[ \u00a0]*\t[ \t\u00a0]*|[ \u00a0]{3,}")


def repair_text(text: str) -> str:
    """Undo two export accidents: UTF-8 read as Windows-1252 and saved again, once or
    more (``â€¢`` or ``Ã¢â‚¬Â¢`` for a bullet, ``â€™`` for an apostrophe), each garbled
    character put back when it decodes; and line breaks flattened into tabs or runs of three or more
    spaces, made line breaks again (a tab after a bullet or a list number is a space,
    and a bullet after two spaces or more starts a line)."""
    def fix(m: re.Match[str]) -> str:
        try:
            raw = b"".join(bytes([ord(c)]) if "\x80" <= c <= "\x9f" else c.encode("cp1252")
                           for c in m.group(0))
            return raw.decode("utf-8")
        except UnicodeError:
            return m.group(0)

    for _ in range(3):  # garbled twice over: Ã¢â‚¬Â¢ -> â€¢ -> •
        fixed = _MOJIBAKE.sub(fix, text)
        if fixed == text:
            break
        text = fixed
    text = _BULLET_TAB.sub(r"\1\2 ", text)
    text = _FLATTENED_BREAK.sub("\n", _BEFORE_BULLET.sub("\n", text))
    return "\n".join(line.strip() for line in text.split("\n")).strip()


# ------------------------------------------------------------------------- costs


@dataclass(frozen=True)
class Cost:
    """A cost in US dollars: ``minimum`` is what the record stores; both ``None`` when
    the text states no total (``note`` says why). ``free_audit``: the course is free to
    follow and the amount is the price of earning the credential."""

    minimum: float | None
    maximum: float | None
    free_audit: bool = False
    note: str = ""

    def __add__(self, other: Cost) -> Cost:
        known = self.minimum is not None and other.minimum is not None
        return Cost(
            (self.minimum or 0.0) + (other.minimum or 0.0) if known else None,
            (self.maximum or 0.0) + (other.maximum or 0.0) if known else None,
            self.free_audit or other.free_audit,
            "; ".join(n for n in (self.note, other.note) if n))


_OTHER_CODES = r"(?:EUR|GBP|CAD|AUD|NZD|INR|JPY|CHF|MXN)"
_CURRENCY_OTHER = re.compile(rf"[€£¥₹₩₽]|\b{_OTHER_CODES}\s*\d|\d\s*{_OTHER_CODES}\b")
_AMOUNT = re.compile(r"(?<![\w.,])(?:US\$|USD\s*|\$)?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
                     r"(?![\w]|[.,]\d)", re.I)
_FREE = re.compile(r"\bfree\b|\bno (?:cost|charge|fee)s?\b", re.I)
_PER = re.compile(r"\s*(?:/|per\b|an?\b|each\b)\s*(month|mo|year|yr|week|wk|day|hour|hr|"
                  r"credit(?: hour)?|unit|course|class|session|semester|term|module)s?\b",
                  re.I)
_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to|through)\s*", re.I)
_BETWEEN = re.compile(r"\bbetween\b(.*)\band\b", re.I | re.S)
_COST_EXPECTED = "expected US dollars like 1200, $1,200 or $500 - $750, or Free"


def parse_cost(value: object) -> Cost | None:
    """A cost cell (see the module's rules); ``None`` for an empty cell."""
    plain = _plain(value)
    if plain is None:
        return None
    if isinstance(plain, float):
        if plain < 0:
            raise ValueError(f"{cell_text(value)!r} is a negative cost ({_COST_EXPECTED})")
        return Cost(plain, plain)
    if _CURRENCY_OTHER.search(plain):
        raise ValueError(f"{plain!r} is not in US dollars ({_COST_EXPECTED})")
    if re.match(r"[-−]\s*(?:US\$|USD|\$)?\s*\d", plain):
        raise ValueError(f"{plain!r} is a negative cost ({_COST_EXPECTED})")
    found = list(_AMOUNT.finditer(plain))
    amounts = [float(m.group(1).replace(",", "") + (m.group(2) or "")) for m in found]
    free = _FREE.search(plain) is not None
    if not amounts:
        if free:
            return Cost(0.0, 0.0)
        raise ValueError(f"{plain!r} is not a cost ({_COST_EXPECTED})")
    per = next((p for m in found if (p := _PER.match(plain, m.end()))), None)
    if per:
        return Cost(None, None, note=f"{plain!r}: a price per {per.group(1).lower()}, "
                                     "not a total")
    if free:
        return Cost(min(amounts), max(amounts), free_audit=True, note="free to audit")
    if len(amounts) == 1:
        return Cost(amounts[0], amounts[0])
    join = plain[found[0].end():found[1].start()] if len(amounts) == 2 else ""
    if len(amounts) == 2 and (_RANGE_JOIN.fullmatch(join) or (
            join.strip().lower() == "and" and _BETWEEN.search(plain))):
        return Cost(min(amounts), max(amounts))
    raise ValueError(f"{plain!r} holds several amounts ({_COST_EXPECTED}; to add "
                     "columns up, join them with + in the mapping)")


# --------------------------------------------------------------------- durations

WEEKS_PER = {"day": 1 / 7, "week": 1.0, "month": 52 / 12, "semester": 15.0, "quarter": 10.0,
             "year": 52.0}
"""How a length converts to weeks."""
HOURS_PER_CREDIT = {"credit": 15.0, "quarter credit": 10.0, "ceu": 10.0}
"""Hours of instruction per semester credit hour, quarter credit hour and CEU."""
DAYS_PER_WEEK = 5
"""A rate per day over a length in weeks counts this many days a week."""

_UNKNOWN_DURATION = re.compile(r"(?:varies|variable|self[- ]?paced|flexible|tbd|tba|"
                               r"ongoing|open[- ]ended|on demand)\W*", re.I)
_NUM = r"(\d+(?:\.\d+)?|\.\d+)"
_QUANTITY = re.compile(
    _NUM + r"(?:\s*(?:-|–|—|to)\s*" + _NUM + r")?\s*"
    r"(?:(?P<credit>(?:semester\s+)?(?P<quarter>quarter\s+)?credits?(?:\s*hours?|\s*hrs?)?"
    r"|ceus?)"
    r"|(?:(?:contact|clock|instructional|instruction|training|classroom|lab|lecture|"
    r"class|total|course|seat)\s+)?(?P<hour>hours?|hrs?|h)"
    r"|(?P<minute>minutes?|mins?)"
    r"|(?P<day>days?)|(?P<week>weeks?|wks?)|(?P<month>months?|mos?)"
    r"|(?P<semester>semesters?)|(?P<quarterlen>quarters?)|(?P<year>years?|yrs?))\b"
    r"(?:\s*(?:per|/|an?|each|every)\s*(?P<per>week|wk|day)\b|\s*(?P<ly>weekly|daily)\b)?",
    re.I)
_BARE = re.compile(_NUM + r"(?:\s*(?:-|–|—|to)\s*" + _NUM + r")?")


@dataclass(frozen=True)
class Duration:
    """Hours of learning: ``minimum`` the hours the record stores (``None`` when the
    text states no hours), ``maximum`` the top of a range, ``weeks`` the length when
    stated, ``rule`` how the hours were reached."""

    minimum: float | None
    maximum: float | None
    weeks: float | None = None
    rule: str = ""

    def __add__(self, other: Duration) -> Duration:
        known = self.minimum is not None and other.minimum is not None
        weeks = [w for w in (self.weeks, other.weeks) if w is not None]
        return Duration(
            (self.minimum or 0.0) + (other.minimum or 0.0) if known else None,
            (self.maximum or 0.0) + (other.maximum or 0.0) if known else None,
            max(weeks) if weeks else None,
            "sum" if known else "sum: a part states no hours")


def _span(lo: str, hi: str | None) -> tuple[float, float]:
    a, b = float(lo), float(hi) if hi else float(lo)
    return (a, b) if a <= b else (b, a)


_DURATION_EXPECTED = ("expected hours like 40 or '120 contact hours', a length like "
                      "'6 weeks', or a rate and a length like '2-3 hours per week, 6 weeks'")


def parse_duration(value: object) -> Duration | None:
    """A duration cell as hours (see the module's rules); ``None`` for an empty cell."""
    plain = _plain(value)
    if plain is None:
        return None
    if isinstance(plain, float):
        if plain < 0:
            raise ValueError(f"{cell_text(value)!r} is negative ({_DURATION_EXPECTED})")
        return Duration(plain, plain, rule="hours")
    if _UNKNOWN_DURATION.fullmatch(plain):
        return Duration(None, None, rule=f"{plain!r}: no hours stated")
    bare = _BARE.fullmatch(plain)
    if bare:
        lo, hi = _span(bare.group(1), bare.group(2))
        return Duration(lo, hi, rule="hours")
    totals: list[tuple[float, float]] = []
    weekly: list[tuple[float, float]] = []
    daily: list[tuple[float, float]] = []
    weeks: list[tuple[float, float]] = []
    days: list[tuple[float, float]] = []
    rules: list[str] = []
    for m in _QUANTITY.finditer(plain):
        lo, hi = _span(m.group(1), m.group(2))
        per = (m.group("per") or m.group("ly") or "").lower()
        if m.group("hour") or m.group("minute"):
            scale = 1 / 60 if m.group("minute") else 1.0
            if per:
                (daily if per.startswith("d") else weekly).append((lo * scale, hi * scale))
            else:
                totals.append((lo * scale, hi * scale))
        elif m.group("credit"):
            kind = ("ceu" if m.group("credit").lower().startswith("ceu") else
                    "quarter credit" if m.group("quarter") else "credit")
            totals.append((lo * HOURS_PER_CREDIT[kind], hi * HOURS_PER_CREDIT[kind]))
            rules.append(f"{HOURS_PER_CREDIT[kind]:g} hours per {kind}")
        else:
            unit = next(u for u in ("day", "week", "month", "semester", "year")
                        if m.group(u)) if not m.group("quarterlen") else "quarter"
            if unit == "day":
                days.append((lo, hi))
            weeks.append((lo * WEEKS_PER[unit], hi * WEEKS_PER[unit]))
    if not (totals or weekly or daily or weeks):
        raise ValueError(f"{plain!r} is not a duration ({_DURATION_EXPECTED})")
    length = (sum(w[0] for w in weeks), sum(w[1] for w in weeks)) if weeks else None
    length_weeks = round(length[0], 2) if length else None
    if totals:
        lo, hi = sum(t[0] for t in totals), sum(t[1] for t in totals)
        return Duration(lo, hi, length_weeks, "; ".join(["hours stated", *rules]))
    if weekly and length:
        rate = (sum(r[0] for r in weekly), sum(r[1] for r in weekly))
        return Duration(rate[0] * length[0], rate[1] * length[1], length_weeks,
                        "hours per week x weeks")
    if daily and length:
        rate = (sum(r[0] for r in daily), sum(r[1] for r in daily))
        if days and len(days) == len(weeks):
            n = (sum(d[0] for d in days), sum(d[1] for d in days))
        else:
            n = (length[0] * DAYS_PER_WEEK, length[1] * DAYS_PER_WEEK)
        return Duration(rate[0] * n[0], rate[1] * n[1], length_weeks, "hours per day x days")
    what = "a length" if length else "a rate"
    return Duration(None, None, length_weeks, f"{what} alone states no hours")


def parse_weeks(value: object) -> float | None:
    """A length in weeks: a bare number (or the low end of a range) is weeks; text is
    read as a duration (``6 Weeks``, ``1 semester``, ``3 months``) and its length
    taken; text that states no length is an error."""
    plain = _plain(value)
    if plain is None:
        return None
    if isinstance(plain, float):
        if plain < 0:
            raise ValueError(f"{cell_text(value)!r} is negative (expected weeks like 6)")
        return plain
    bare = _BARE.fullmatch(plain)
    if bare:
        return _span(bare.group(1), bare.group(2))[0]
    try:
        length = parse_duration(plain)
    except ValueError:
        length = None
    if length is None or length.weeks is None:
        raise ValueError(f"{plain!r} is not a length (expected weeks like 6, '6 weeks' or "
                         "'1 semester')")
    return length.weeks


# ------------------------------------------------------------------------ codes

SOC_MAJOR_GROUPS = frozenset({*(str(g) for g in range(11, 54, 2)), "55"})
_ONET_TEXT = re.compile(r"(\d{2})-(\d{4})(?:\.(\d{2}))?(?:\s*(?:[-–:]\s*)?[^\d\s.].*)?", re.S)


def _digits(value: object) -> str | None:
    """The digits of a code stored as a number: ``15112200``, ``15112200.0`` (text or
    number) -> ``'15112200'``; None when the value is not such a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value >= 0 else None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and value >= 0 else None
    m = re.fullmatch(r"(\d+)(?:\.0*)?", str(value).strip())
    return m.group(1) if m else None


def parse_onet_code(value: object) -> str | None:
    """An O*NET-SOC code as ``15-1122.00``: written so (``15-1122`` gets ``.00``, a
    title after the code is left off) or stored as a number of 8 or 6 digits. Only the
    form is checked: whether the code exists is :func:`resolve_onet`'s question."""
    if value is None or cell_text(value) == "":
        return None
    text = cell_text(value)
    m = _ONET_TEXT.fullmatch(text)
    if m:
        code = f"{m.group(1)}-{m.group(2)}.{m.group(3) or '00'}"
    else:
        digits = _digits(value)
        if digits is None or len(digits) not in (6, 8):
            raise ValueError(f"{text!r} is not an O*NET-SOC code (expected like "
                             "15-1252.00, or 15125200 as a number)")
        code = f"{digits[:2]}-{digits[2:6]}.{digits[6:8] or '00'}"
    return code


def parse_cip_code(value: object) -> str | None:
    """A CIP code as ``11.0101``: written so (``1.0101`` gets its zero back, NCES's
    ``="01.0101"`` wrapper is taken off; ``11`` and ``11.01`` are a family and a
    series) or stored as a number of 5 or 6 digits (``110101.0``, ``10101``)."""
    if value is None or cell_text(value) == "":
        return None
    if isinstance(value, float) and not value.is_integer():
        value = f"{value:.4f}"  # a code read as a decimal number: 11.0101
    text = cell_text(value).removeprefix("=").strip('"').strip()
    m = re.fullmatch(r"(\d{1,2})(?:\.(\d{2}|\d{4}))?", text)
    if m and (m.group(2) or len(m.group(1)) == 2):
        return m.group(1).zfill(2) + (f".{m.group(2)}" if m.group(2) else "")
    digits = _digits(value)
    if digits is not None and len(digits) in (5, 6):
        digits = digits.zfill(6)
        return f"{digits[:2]}.{digits[2:]}"
    raise ValueError(f"{text!r} is not a CIP code (expected like 11.0101, or 110101 as a "
                     "number)")


@dataclass(frozen=True)
class Resolved:
    """Occupation codes read as O*NET-SOC 2019: ``codes`` (in order, no repeats; a code
    that resolves to nothing stays as written), ``mapped`` (each 2010 code and the 2019
    codes it became), ``unresolved`` (codes in neither release)."""

    codes: list[str]
    mapped: dict[str, list[str]]
    unresolved: list[str]


def onet_2019_codes(crosswalk: Mapping[str, Sequence[str]]) -> frozenset[str]:
    """The O*NET-SOC 2019 codes a 2010 to 2019 crosswalk leads to."""
    return frozenset(c for targets in crosswalk.values() for c in targets)


def resolve_onet(codes: Iterable[str], crosswalk: Mapping[str, Sequence[str]],
                 current: Collection[str] | None = None) -> Resolved:
    """``codes`` as O*NET-SOC 2019 codes through ``crosswalk`` (O*NET-SOC 2010 code ->
    its 2019 codes, as O*NET's 2010 to 2019 crosswalk gives them).

    A 2019 code (one of ``current``, by default :func:`onet_2019_codes`) is kept; a
    2010 code becomes its 2019 codes (one O*NET split becomes all of them, the one
    that kept the code first); a code in neither is kept as written and listed in
    ``unresolved``. With neither a crosswalk nor ``current``, a code is unresolved only
    when its major group is none of SOC's (``12-1232.00``)."""
    codes = list(codes)
    if not crosswalk and current is None:
        bad = [c for c in codes if c[:2] not in SOC_MAJOR_GROUPS]
        return Resolved(list(dict.fromkeys(codes)), {}, bad)
    if current is None:
        current = onet_2019_codes(crosswalk)
    out: dict[str, None] = {}
    mapped: dict[str, list[str]] = {}
    unresolved: list[str] = []
    for code in codes:
        if code in current:
            out[code] = None
        elif crosswalk.get(code):
            targets = sorted(crosswalk[code], key=lambda c: (c != code, c))
            mapped[code] = targets
            out.update(dict.fromkeys(targets))
        else:
            unresolved.append(code)
            out[code] = None
    return Resolved(list(out), mapped, unresolved)


# ------------------------------------------------------------------------ dates

_DATE_FORMATS = ("%B %d, %Y %I:%M %p", "%B %d, %Y", "%b %d, %Y", "%b. %d, %Y",
                 "%d-%b-%Y", "%d-%b-%y", "%d %B %Y", "%d %b %Y", "%m/%d/%Y", "%m/%d/%Y %H:%M",
                 "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%y", "%Y/%m/%d")


def parse_date(value: object) -> str | None:
    """A date as ``YYYY-MM-DD`` (formats in the module's rules); a time is left off."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bool, int, float)):
        raise ValueError(f"{value!r} is a number, not a date (expected like 2021-02-12)")
    text = " ".join(str(value).split())
    if not text:
        return None
    if re.match(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (expected like 2021-02-12, February 12, "
                     "2021 or 02/12/2021, month first)")


# ------------------------------------------------------- delivery and credential type

_DELIVERY = {
    "in person": ("in person", "in-person", "inperson", "face to face", "face-to-face",
                  "onsite", "on-site", "on site", "classroom", "on campus", "campus",
                  "residential", "traditional"),
    "online": ("online", "on-line", "distance", "distance education", "distance learning",
               "virtual", "remote", "web-based", "web based", "e-learning", "elearning"),
    "hybrid": ("hybrid", "blended", "mixed", "online and in person"),
}
_DELIVERY_WORDS = {w: mode for mode, words in _DELIVERY.items() for w in words}


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def delivery_mode(text: str) -> str | None:
    """``in person``, ``online`` or ``hybrid`` for the usual names of each (``In-person``,
    ``Distance Education``, ``Blended`` ...); None when the text names none of them."""
    return _DELIVERY_WORDS.get(_key(text))


def credential_type(text: str) -> str | None:
    """The credential type ``text`` names (a type of CREDENTIAL_TYPES, in any case,
    singular or plural; ``licence`` is ``license``); None when it names none."""
    key = _key(text).replace("licence", "license")
    for candidate in (key, key.removesuffix("s"), key.removesuffix("es")):
        if candidate in CREDENTIAL_TYPES:
            return candidate
    return None
