"""People in an evidence sentence: officers, subjects (people harmed) and commentators, from name patterns and role cues."""

from __future__ import annotations

import re

from flows.core.letters import LOWER, UPPER

_UP = rf"(?:Mc|Mac|O['’])?[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?"
_PARTICLES = "de|van|von|da|al|el|bin|le"  # lower-case words inside a name: 'Vincent van Gogh'
# a middle initial ('Marcus J. Delaney') may stand between two words of a name
_NAME = (
    rf"{_UP}(?:[ \u00a0]+(?:(?:{_PARTICLES})[ \u00a0]+)?(?:[A-Z]\.[ \u00a0]+)?{_UP})"
    r"{1,5}"
)
PSEUDONYM = r"(?:Child|Officer|Patient|Person|Witness|Victim|Woman|Man|Girl|Boy|Pupil|Student|Colleague|Mr|Ms|Mrs|Miss|PC|Sergeant|Detainee|Complainant|Individual)\s+[A-Z](?![\w’'])"
_HONORIFIC = r"(?:(?:Dame|Sir|Lord|Lady|Baroness|Mr|Mrs|Ms|Miss|Dr|Rev)\.?\s+)"
OFFICER_TITLES = (
    r"(?:(?:former|serving|off-duty|probationary|retired|disgraced|sacked|ex-)\s+)*"
    r"(?:(?:Met|Metropolitan|[A-Z][a-z]+)\s+)?"
    r"(?:police\s+officer|officer|policeman|policewoman|constable|PC|Pc|PCSO|DC|DS|DI|DCI|Sgt\.?|"
    r"Const\.|Cst\.|Cpl\.|Corporal|Garda|"
    r"Sergeant|Inspector|Chief Inspector|Detective(?:\s+(?:Constable|Sergeant|Inspector|Chief Inspector))?|"
    r"Superintendent|Chief Superintendent|Deputy|Trooper|Lieutenant|Lt\.?|cop|colleague)"
)
COMMENTATOR_TITLES = (
    r"(?:[Cc]ommissioner|Chief Constable|[Dd]irector|[Dd]irector General|[Cc]hair|[Cc]hairman|"
    r"[Cc]hief [Ee]xecutive|[Ss]pokes(?:wo)?man|[Ss]pokesperson|[Mm]ayor|MP|[Ss]ecretary|[Mm]inister|"
    r"[Ll]awyer|[Ss]olicitor|[Bb]arrister|[Cc]ampaigner|[Ss]enator|[Gg]overnor|[Pp]rofessor|[Cc]oroner|[Jj]udge)"
)
_SPEECH = r"(?:said|says|told|tells|added|adds|admitted|explained|stated|warned|wrote|argued|claimed|insisted|acknowledged|denied|continues|continued|commented)"

# an officer's title, then initials and a surname ('Officer D.C. Twiddy', 'Deputy J. Ruiz'): the
# title is stripped from the name below, as from any titled name
_TITLED_INITIALS = (
    r"(?:Officers?|Sergeants?|Sgt\.|Const\.|Cst\.|Cpl\.|Constables?|Detectives?|Deputy|Deputies|"
    r"Troopers?|Sheriff|Lieutenant|Lt\.)"
    rf"[ \u00a0]+(?:[A-Z]\.[ \u00a0]?){{1,3}}{_UP}"
)
NAME_RE = re.compile(
    rf"(?:{_HONORIFIC})?(?P<name>{_TITLED_INITIALS}|{PSEUDONYM}|{_NAME})(?:['’]s)?"
)
_OFFICER_BEFORE = re.compile(
    rf"\b{OFFICER_TITLES}\s*(?:,\s*)?(?:\(named as\s*)?$"
    r"|\b(?:officers|policemen|constables|cops|deputies)\s+(?:like|such as|including)\s+$"
    # a list of officers named after their plural noun ('police officers Dan Olsen and Kevin Lind')
    r"|\b(?i:officers|policemen|constables|deputies|troopers|detectives|agents)\s+$"
)
_OFFICER_AFTER = re.compile(
    r"^(?:,\s*\d+,)?,?\s*(?:a|an|the|who was a|who is a)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:police\s+)?(?:officer|constable|policeman|policewoman|sergeant|detective|PC)\b"
)
_COMMENT_BEFORE = re.compile(rf"\b{COMMENTATOR_TITLES}\s*,?\s*(?:{_HONORIFIC})?$")
_SPEECH_BEFORE = re.compile(rf"\b{_SPEECH}\s+$")
_COMMENT_AFTER = re.compile(
    rf"^(?:['’]s\s+statement|,?\s*(?:\w+\s+){{0,6}}?{_SPEECH}\b|\s*(?:has\s+)?(?:issued|made)\s+a\s+statement)"
)
_SUBJECT_BEFORE = re.compile(
    r"\b(?:murder|murders|killing|death|deaths|rape|abuse|shooting|strip[- ]search(?:ing)?|treatment|"
    r"arrest|restraint|detention|disappearance|case|family|families|mother|father|parents|sister|"
    r"brother|son|daughter|partner|widow|victims?|sisters|named|of the man|of the woman)\s+"
    r"(?:of\s+)?(?:(?:murdered|late|unarmed|teenager|the)\s+)*(?:sisters\s+)?(?:\d+-year-old\s+)?$"
    r"|\b(?:murdered|killed|raped|shot|tasered|kidnapped|assaulted|attacked|restrained|"
    r"strip-searched|handcuffed|punched|kicked|stopped|searched|detained|arrested|abused|harassed|"
    r"wounded|injured|beaten|choked)\s+"
    r"(?:(?:\d+-year-old|detainee|prisoner|teenager|student|motorist|driver|protester|pensioner|"
    r"schoolboy|schoolgirl|father|mother|man|woman|boy|girl)\s+)*$"
    r"|\b\d+-year-old\s+$|\bof\s+$|\band\s+$"
    r"|\b(?:identified as|named as|a man,|a woman,|the man,|the woman,|suspect,|teenager,|driver,)\s+$"
)
_SUBJECT_AFTER = re.compile(
    r"^(?:['’]s?\s+(?:death|murder|killing|disappearance|family|body|bodies|treatment|arrest|case)"
    r"|,\s*\d{1,2},|\s*(?:\([^)]*\)\s+)?(?:,\s*who\s+)?(?:was|were|had been|has been)\s+['‘]?(?:\w+ly\s+)?['‘]?"
    r"(?:killed|shot|murdered|raped|tasered|restrained|strip-searched|assaulted|arrested|detained|"
    r"stopped|handcuffed|attacked|injured|harassed|abused)|\s+died\b)"
)
_PERPETRATOR_BEFORE = re.compile(r"\bby\s+$")
# an institution's possessive after the words: 'Broward Sheriff's Office', 'Cook County Sheriff's
# Department' name no one
_INSTITUTION_AFTER = re.compile(
    r"['’]s\s+(?:Office|Department|Service|Bureau|Force|Constabulary|Commission|Authority)\b"
)
_NOT_PERSON = re.compile(
    r"\b(?:Police|Constabulary|Office|Service|Department|Council|Court|Project|Inquiry|Common|Street|"
    r"Road|Station|Cross|Square|Park|Lives|Matter|Action|Party|Government|Agency|Commission|"
    r"Federation|College|University|School|News|Times|Guardian|Post|Panorama|BBC|Twitter|Whats[Aa]pp|"
    r"Facebook|Instagram|Yard|London|England|Wales|Scotland|Britain|Kingdom|States|America|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|"
    r"July|August|September|October|November|December|Operation|Report|Review|Hospital|Prison|"
    r"Inspectorate|Constabulary|Majesty|Labour|Conservative|Tory|Communist|Canary|Independent|"
    r"God|Christmas|Covid|Black|White|Asian|Muslim|Jewish|Palestine|Gaza|Israel)\b"
)
_SENTENCE_START_WORDS = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "But",
        "And",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "He",
        "She",
        "They",
        "We",
        "When",
        "While",
        "After",
        "Before",
        "However",
        "Meanwhile",
        "Since",
        "Following",
        "According",
        "Many",
        "Some",
        "Other",
        "One",
        "Two",
        "Speaking",
        "Among",
        "Once",
        "Even",
        "Again",
        "Unsurprisingly",
        "Evidence",
        "Examples",
        "Recommendations",
        "Messages",
        "Officers",
        "Police",
        "Whether",
        "Former",
    ]
)


# a byline: 'By Ryan Kowalchuk', 'By JANE DOE and John Roe, Crime Correspondent', 'By Jane Doe |
# The Courier'; a line of its own, no sentence
BYLINE = re.compile(
    r"\s*[Bb][Yy][ \u00a0]+[A-Z][\w'’.-]*(?:[ \u00a0]+[A-Z][\w'’.-]*){0,3}"
    r"(?:\s*(?:,|and|&|\||-|–|—|for)\s*[^.!?\n]{0,80})?\s*$"
)


_TITLE_WORD = re.compile(
    r"(?:(?:Senior|Leading|Probationary|Acting|First Class|Police)\s+)?"
    r"(Officers?|Sergeants?|Sgt\.|Const\.|Cst\.|Cpl\.|Corporal|Constables?|Detectives?|Inspector|"
    r"Superintendent|Deputy|Deputies|"
    r"Lieutenant|Lt\.|"
    r"Troopers?|Commissioner|Chief|Assistant|Commander|Sheriff|Director|Mayor|Professor|Judge)\s+"
)
_COMMENT_TITLE_WORDS = {
    "Commissioner",
    "Chief",
    "Assistant",
    "Commander",
    "Director",
    "Mayor",
    "Professor",
    "Judge",
}


_HONORIFIC_BEFORE = re.compile(
    r"(?:Dame|Sir|Lord|Lady|Baroness|Mr|Mrs|Ms|Miss|Dr|Rev)\.?[ \u00a0]+$"
)
_LEADING_HONORIFIC = re.compile(
    r"^(?:Dame|Sir|Lord|Lady|Baroness|Mr|Mrs|Ms|Miss|Dr|Rev)\.?[ \u00a0]+"
)


def _drop_honorific(s: int, e: int, raw: str) -> tuple[int, int, str]:
    m = _LEADING_HONORIFIC.match(raw)
    return (s + m.end(), e, raw[m.end() :]) if m else (s, e, raw)


def _strip_start_word(name: str) -> str:
    words = name.split()
    while words and words[0] in _SENTENCE_START_WORDS:
        words = words[1:]
    return " ".join(words)


# a lower-case word inside a name other than a particle ('Vincent van Gogh', 'Ali bin Said')
_LOWER_WORD = re.compile(rf"(?<![\w'’-])(?!(?:{_PARTICLES}|der|den|del|la)\b)[a-z]+\b")


def find_people(
    text: str, extra_names: list[tuple[int, int]] | None = None
) -> list[tuple[int, int, str, str]]:
    """(start, end, name, role) with role officer / subject / commentator / perpetrator / other."""
    if BYLINE.match(text):
        return []  # 'By Ryan Kowalchuk': who wrote the story is nobody in it
    spans = [(m.start("name"), m.end("name"), m.group("name")) for m in NAME_RE.finditer(text)]
    spans = [_drop_honorific(s, e, raw) for s, e, raw in spans]
    for s, e in extra_names or []:
        if _LOWER_WORD.search(text[s:e]):
            continue  # the recogniser ran a name into a verb: 'Twiddy shot Denkins'
        if not any(s < pe and ps < e for ps, pe, _ in spans):
            spans.append((s, e, text[s:e]))
    people = []
    for s, e, raw in sorted(spans):
        name = _strip_start_word(re.sub(r"\s+", " ", raw)).strip()
        if not name or _NOT_PERSON.search(name) or _INSTITUTION_AFTER.match(text, e):
            continue
        title = None
        while (t := _TITLE_WORD.match(name)) and not re.fullmatch(PSEUDONYM, name):
            title = title or t  # the first title decides the role
            name = name[t.end() :]
        if " " not in name and not re.fullmatch(PSEUDONYM, name):
            continue
        s = s + raw.find(name.split()[0])
        h = _HONORIFIC_BEFORE.search(text, max(0, s - 12), s)
        before = text[max(0, s - 60) : h.start() if h else s]
        after = text[e : e + 80]
        role = _role(before, after, name)
        if title and role in ("other", "subject", "perpetrator"):
            role = "commentator" if title.group(1) in _COMMENT_TITLE_WORDS else "officer"
        people.append((s, e, name, role))
    return coordinated_roles(text, people)


# ', ', ' and ', after a caption's '(left)' and before an initial the name pattern leaves out
# ('officers Ann Roe (left) and Kim Feld', 'officers Ann Roe, J Kim Feld and Bo Lane')
_LIST_JOIN = re.compile(r"^\s*(?:\([^()]{1,20}\)\s*)?(?:,|,?\s*and|,?\s*&)\s*(?:[A-Z]\.?\s+)?$")


def coordinated_roles(sentence: str, people: list[tuple[int, int, str, str]]):
    """A name listed right after an officer ('officers Jeremy Doverspike and Dan Peck', 'constables
    Amy Taylor and April Jones') is an officer too, whatever the words after the list say."""
    out = list(people)
    for i in range(1, len(out)):
        prev, cur = out[i - 1], out[i]
        if (
            prev[3] == "officer"
            and cur[3] in ("subject", "other")
            and _LIST_JOIN.match(sentence[prev[1] : cur[0]])
        ):
            out[i] = (cur[0], cur[1], cur[2], "officer")
    return out


def _role(before: str, after: str, name: str) -> str:
    after = re.sub(r"^\)\s*", "", after)
    if _COMMENT_BEFORE.search(before) or _COMMENT_AFTER.search(after):
        return "commentator"
    if _SPEECH_BEFORE.search(before) and re.match(r"^\s*(?:[,.;:]|$)", after):
        return "commentator"
    if re.match(r"(?:Officer|PC|Sergeant)\s+[A-Z]$", name):
        return "subject" if _SUBJECT_AFTER.search(after) else "officer"
    if _OFFICER_BEFORE.search(before) or _OFFICER_AFTER.search(after):
        return "officer"
    if _PERPETRATOR_BEFORE.search(before):
        return "perpetrator"
    if _SUBJECT_BEFORE.search(before) or _SUBJECT_AFTER.search(after) or name.startswith("Child "):
        return "subject"
    return "other"


def normalise_name(name: str) -> str:
    name = re.sub(rf"^{_HONORIFIC}", "", name.strip())
    return re.sub(r"['’]s$", "", name).strip().lower()


LOCATION_RE = re.compile(
    r"\b(?:(?:[A-Z][\w’'-]+\s+){1,3}(?:[Pp]olice [Ss]tation|[Cc]ustody [Ss]uite)"
    r"|(?:[A-Z][\w’'-]+\s+){1,2}(?:Common|Park|Square|Estate|Bridge|Prison|High Street|Street|Road)"
    r"|[Tt]he London [Bb]orough of [A-Z][\w-]+(?: [A-Z][\w-]+)?)\b"
)


def find_location(text: str) -> str | None:
    m = LOCATION_RE.search(text)
    if not m:
        return None
    loc = m.group(0)
    words = loc.split()
    while words and words[0] in _SENTENCE_START_WORDS | {"London’s", "London's"}:
        words = words[1:]
    return " ".join(words) or None
