"""Split text into sentences and clauses with character offsets; drop boilerplate."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .sections import SKIPPED, classify_lines


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    text: str
    sentence: int  # index of the sentence this segment belongs to
    is_clause: bool  # False for a whole sentence
    kind: str = "content"  # content, or "title" (a short first line naming the document)


# Sentence ends: . ! ? followed by space and an upper-case letter, digit or bullet;
# semicolons; line breaks; bullet characters.
_SENTENCE_BREAK = re.compile(
    r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9•·\-*])|;\s+|\s*[\r\n]+\s*|\s*[•·▪●◦]\s*|\s+-\s+(?=[A-Z])"
)
_CLAUSE_BREAK = re.compile(r",\s+|\s+(?:and|or|as well as|including|such as)\s+|:\s+|/\s*")
_BULLET = re.compile(r"^[\s\-*•·▪●◦>\d.)]+(?=\w)")
_TRAIL = re.compile(r"[\s.;:,!?]+$")

# Lead-ins that are not part of the skill itself ("experience with X" -> "X").
_LEAD_IN = re.compile(
    r"(?:(?:you|we|candidates?|applicants?|the candidate|the successful candidate|students?|"
    r"learners?|participants?|teachers?)\s+(?:will|must|should|shall|can|may|are|is)\s+"
    r"(?:be\s+)?(?:able\s+to\s+)?(?:learn\s+(?:to|how\s+to)\s+)?|"
    r"(?:must|should)\s+(?:have|be\s+able\s+to)\s+|"
    r"(?:demonstrated|proven|strong|excellent|good|solid|basic|working|advanced|some|"
    r"familiarity|hands-on|\d\+?\s+years?(?:\s+of)?)\s+|"
    r"(?:experience|knowledge|understanding|proficiency|expertise|skills?|ability|abilities|"
    r"familiarity|competence|background)\s+(?:with|in|of|to|for|using)\s+|"
    r"(?:ability|able|willingness|willing)\s+to\s+|"
    r"(?:responsible\s+for|responsibilities\s+include|duties\s+include|this\s+course\s+covers|"
    r"learn\s+(?:to|how\s+to)|how\s+to)\s+)+",
    re.IGNORECASE,
)

_BOILERPLATE = re.compile(
    r"equal (?:employment )?opportunity|affirmative action|without regard to|regardless of "
    r"(?:race|age|sex|gender)|reasonable accommodations?|e-verify|drug[- ]free|background check "
    r"(?:is|will be) required|protected (?:veteran|class|status)|sexual orientation|"
    r"national origin|genetic information|\bEOE\b|we are (?:an?|the) (?:leading|premier|"
    r"growing|fast-growing|award-winning|equal)|founded in \d{4}|our mission is|"
    r"(?:competitive|comprehensive) (?:salary|pay|benefits)|benefits (?:include|package)|"
    r"401\(?k\)?|paid time off|dental and vision|apply (?:now|today|online)|click (?:apply|here)|"
    r"to apply,|send (?:your )?(?:resume|cv)|visit (?:our|us at)|www\.|https?://",
    re.IGNORECASE,
)


def is_boilerplate(text: str) -> bool:
    return bool(_BOILERPLATE.search(text))


def _spans(text: str, pattern: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    for m in pattern.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return out


def _trim(text: str, start: int, end: int, lead_in: bool) -> tuple[int, int]:
    piece = text[start:end]
    m = _BULLET.match(piece)
    if m:
        start += m.end()
    piece = text[start:end]
    stripped = piece.lstrip()
    start += len(piece) - len(stripped)
    if lead_in:
        m = _LEAD_IN.match(text, start, end)
        if m and m.end() < end:
            start = m.end()
    m = _TRAIL.search(text, start, end)
    if m:
        end = m.start()
    return start, end


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def segment(text: str, clauses: bool = True, drop_boilerplate: bool = True,
            sections: bool = False) -> list[Segment]:
    """Sentences (and, with ``clauses``, their clauses) of ``text``, in order.

    Offsets index into ``text``. A clause is only emitted when the sentence
    splits into at least two pieces of two or more words; fragments shorter
    than that are merged into their neighbour. With ``sections``, the lines that
    :mod:`.sections` finds are not skill content (field labels, headings, benefits,
    company, legal and application sections) are skipped, and a title line is kept
    with ``kind="title"``.
    """
    out: list[Segment] = []
    sentence_no = 0
    skipped: list[tuple[int, int, str]] = []
    if sections and "\n" in text.strip():
        skipped = classify_lines(text)
    for s_start, s_end in _spans(text, _SENTENCE_BREAK, 0, len(text)):
        s_start, s_end = _trim(text, s_start, s_end, lead_in=False)
        if s_end - s_start < 2 or _words(text[s_start:s_end]) == 0:
            continue
        sentence = text[s_start:s_end]
        if drop_boilerplate and is_boilerplate(sentence):
            continue
        kind = _line_kind(skipped, s_start, s_end)
        if kind in SKIPPED and kind != "title" or kind == "heading":
            continue
        t_start, t_end = _trim(text, s_start, s_end, lead_in=True)
        out.append(Segment(s_start, s_end, sentence, sentence_no, False,
                           "title" if kind == "title" else "content"))
        if clauses:
            pieces = _merge(text, _spans(text, _CLAUSE_BREAK, t_start, t_end))
            if len(pieces) > 1:
                for c_start, c_end in pieces:
                    c_start, c_end = _trim(text, c_start, c_end, lead_in=True)
                    if c_end > c_start:
                        out.append(Segment(c_start, c_end, text[c_start:c_end], sentence_no,
                                           True, out[-1].kind))
            elif (t_start, t_end) != (s_start, s_end) and t_end > t_start:
                out.append(Segment(t_start, t_end, text[t_start:t_end], sentence_no, True,
                                   out[-1].kind))
        sentence_no += 1
    return out


def _line_kind(lines: list[tuple[int, int, str]], start: int, end: int) -> str:
    """The kind of the classified line holding ``start:end`` ("content" when none);
    ``lines`` are in order, so the candidate is the last one starting at or before it."""
    i = bisect.bisect_right(lines, (start, float("inf"), "")) - 1
    if i >= 0 and lines[i][0] <= start and end <= lines[i][1]:
        return lines[i][2]
    return "content"


_FRAGMENT_WORDS = frozenset(
    "etc others more related required preferred similar equivalent needed necessary "
    "desired other also too well".split()
)


def _is_fragment(piece: str) -> bool:
    """A lone adverb or filler word ("effectively", "etc") is a fragment; "welding" is not."""
    words = re.findall(r"\w[\w+#]*", piece)
    if len(words) != 1:
        return len(words) == 0
    word = words[0].lower()
    return word in _FRAGMENT_WORDS or (word.endswith("ly") and words[0].islower()) or len(word) < 2


def _merge(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        if merged and (_is_fragment(text[start:end]) or _is_fragment(text[slice(*merged[-1])])):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
