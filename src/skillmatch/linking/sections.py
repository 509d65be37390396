"""What part of a document a line belongs to: skills content, or what is not a skill.

Real postings and course pages are more than their skill statements: a title line,
field labels ("Date posted: 2021-03-22", "Location: Pentagon", "Job type: Full-time"),
sections about benefits, the company, equal opportunity and how to apply. Linking
those to the nearest skill is how "Disability coverage" becomes disability care.

The rules are about the *structure* of a document, never about skill labels:

- a **heading** is a short line (at most six words, or ending with a colon) that does
  not read as a sentence; it opens a section, classified by the words it holds:
  benefits (benefits, perks, package, compensation, what we offer), company (about
  us, who we are, company description, our mission), legal (equal opportunity,
  diversity statement, disclaimers), apply (how to apply, application process), or
  content (everything else: duties, requirements, skills, what you will learn);
- a **field line** is ``Label: value`` (or a label heading followed by its value on
  the next line) whose label names posting metadata (dates, places, pay, schedule,
  job type, identifiers, reporting lines, sizes, contacts): never a skill statement;
- the document's **title** is its first line when that line is short and has no
  sentence punctuation.

Every line outside content sections (and every field line and the title) is *skipped*:
it is not linked. Content lines keep their place and offsets.
"""

from __future__ import annotations

import re

SKIPPED = frozenset({"title", "field", "benefits", "company", "legal", "apply"})

_SECTION_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("benefits", re.compile(
        r"\b(?:benefits?|perks?|(?:our|the|your|salary|compensation) package|^package$|"
        r"compensation|salary|pay "
        r"(?:range|rate|and benefits)|what we offer|we offer|why (?:join|work)|rewards?)\b",
        re.I)),
    ("company", re.compile(
        r"\b(?:about (?:us|the (?:company|team|employer|agency|organi[sz]ation|role's team))|"
        r"who we are|company (?:description|profile|overview|info(?:rmation)?)|our (?:company|"
        r"story|mission|values|culture)|the company|agency description|"
        r"^about (?!(?:you|the (?:role|job|position|opportunity|team|course|program))\b)"
        r"[A-Z<][\w<>&.\- ]{0,40})\b",
        re.I)),
    ("legal", re.compile(
        r"\b(?:equal (?:employment )?opportunit|eeo\b|diversity|non-?discrimination|"
        r"disclaimer|accommodation|privacy|residency requirement|public service loan|"
        r"loan forgiveness)", re.I)),
    ("apply", re.compile(
        r"\b(?:how to apply|to apply|application (?:process|instructions|procedure)|"
        r"apply (?:now|today|here)|contact (?:us|information|details))\b", re.I)),
)

# Posting metadata a field line can carry (the label before the colon).
_FIELD_LABEL = re.compile(
    r"^(?:(?:job|posting|requisition|reference|ref|vacancy|position|req)\.? ?(?:id|no|"
    r"number|#|code)|(?:date|posted|posting date|date posted|closing date|post until|"
    r"deadline|application deadline|start date|end date|open date|close date)|"
    r"(?:location|locations|job location|work location|city|state|country|region|address|"
    r"remote|on-?site|hybrid|office|site|campus)|(?:salary|salary range|pay|pay range|"
    r"wage|wages|rate|hourly rate|compensation|bonus|equity)|(?:job type|employment type|"
    r"type|contract|contract type|schedule|shift|hours|hours/shift|work schedule|"
    r"full-?time/part-?time(?: indicator)?|travel|travel required|relocation)|"
    r"(?:department|agency|division|division/work unit|business unit|unit|team|"
    r"reports to|reporting to|supervisor|manager|hiring manager|recruiter)|"
    r"(?:company|company name|company size|company type|employer|organi[sz]ation|"
    r"organi[sz]ation size|headcount|founded|website|web|email|e-mail|phone|fax|contact)|"
    r"(?:experience level|seniority|seniority level|career level|level|grade|band|"
    r"title|job title|civil service title|title code(?: no)?|job category|category|"
    r"openings|positions|number of positions|# of positions|likes|dislikes|love|views|"
    r"applicants|status|visa|visa sponsorship|clearance)|(?:delivery|format|duration|"
    r"length|cost|price|tuition|fee|fees|credits|instructor|provider|language|"
    r"enrollment|enrolment|certificate|level of study))\s*$",
    re.I)

_SENTENCE_END = re.compile(r"[.!?]\s*$")
_WORD = re.compile(r"[^\W\d_][\w'’+#.-]*")
_LINE = re.compile(r"[^\r\n]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


# A line made only of these words is a section heading ("Key responsibilities",
# "What you will do", "About the role"); any other word makes it a statement.
_HEAD_WORDS = frozenset(
    "job position role the a an your our key main core description requirements requirement "
    "responsibilities responsibility qualifications qualification duties duty skills skill "
    "profile summary overview what you will do you'll bring need offer about minimum "
    "preferred required desired additional essential technical missions mission tasks "
    "technologies technology tech stack learning outcomes objectives topics course program "
    "programme details information and & of we are looking for who nice to have must plus "
    "bonus ideal candidate expect is this in it examples work typical general special "
    "knowledge abilities competencies competences scope purpose opportunity team".split())
_BULLET_START = re.compile(r"^\s*(?:[*•·▪●◦⌲☞→>\-–—]|\d{1,2}[.)])\s*")


def heading_section(text: str) -> str | None:
    """The section a heading line opens, or None when the line is not a heading.

    A bulleted line is never a heading; a short line is one when it ends with a colon,
    is written in capitals, or names a kind of section."""
    if _BULLET_START.match(text):
        return None
    stripped = text.strip().strip("*#>•·▪●◦⌲☞→-–— \t‍")
    words = _words(stripped)
    if not words or len(words) > 6 or _SENTENCE_END.search(stripped):
        return None
    colon = stripped.endswith(":")
    for kind, pattern in _SECTION_WORDS:
        if (colon or len(words) <= 4) and pattern.search(stripped):
            return kind
    if (colon or (stripped.isupper() and len(words) > 1)
            or all(w.lower() in _HEAD_WORDS for w in words)):
        return "content"
    return None


def title_like(text: str) -> bool:
    """A short line that reads as a name (a job or course title), not as a sentence."""
    words = _words(text)
    return (0 < len(words) <= 8 and not _SENTENCE_END.search(text.strip())
            and ":" not in text and not _BULLET_START.match(text))


def _field(text: str) -> tuple[str, str] | None:
    """``(label, value)`` when ``text`` is a ``Label: value`` line with a metadata label."""
    m = re.match(r"^\s*[*•·▪●◦⌲☞\-]*\s*([^:]{1,40}?)\s*:\s*(.*)$", text)
    if not m:
        return None
    label = m.group(1).strip()
    if not _FIELD_LABEL.match(label):
        return None
    return label, m.group(2).strip()


def classify_lines(text: str) -> list[tuple[int, int, str]]:
    """Every non-empty line of ``text`` with what it is (see the module docstring)."""
    out: list[tuple[int, int, str]] = []
    section = "content"
    value_of_field = False  # the previous line was a bare metadata label ("Job type:")
    first = True
    for m in _LINE.finditer(text):
        line = m.group()
        if not line.strip():
            continue
        start, end = m.start(), m.end()
        if first:
            first = False
            if title_like(line) and len(text) > len(line) + 40:
                out.append((start, end, "title"))
                continue
        field = _field(line)
        if field is not None:
            label, value = field
            value_of_field = not value
            if not value and heading_section(label + ":") not in (None, "content"):
                section = heading_section(label + ":") or section
            out.append((start, end, "field"))
            continue
        if value_of_field and len(_words(line)) <= 6:
            value_of_field = False
            out.append((start, end, "field"))
            continue
        value_of_field = False
        opened = heading_section(line)
        if opened is not None:
            section = opened
            out.append((start, end, opened if opened != "content" else "heading"))
            continue
        if section == "content" and ":" in line[:40]:
            # an inline heading: "Benefits: health, dental and a pension."
            head = line.split(":", 1)[0]
            inline = heading_section(head + ":")
            if inline not in (None, "content"):
                out.append((start, end, inline or "content"))
                continue
        out.append((start, end, section))
    return out
