"""Turning one processed candidate sentence into Mentions: police tie, categories, people, dates, keys."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc

from flows.core.letters import LOWER, UPPER
from flows.core.model import Mention
from flows.core.util import unique_in_order
from flows.extract.agency import (
    AGENT,
    NO_AGENT,
    OTHER,
    PATIENT,
    UNKNOWN,
    PoliceFinder,
    custody_of_a_prison,
    has_parse,
    police_role,
    police_tend_the_harmed,
)
from flows.extract.dates import consistent_dates, date_role, find_dates, resolve
from flows.extract.outcomes import allegation_status, find_outcome
from flows.extract.people import normalise_name
from flows.extract.readings import (
    act_is_clause,
    bare_noun_sense,
    cause_of_death,
    charged_to_someone_else,
    counted_acts,
    death_apart_from_police,
    death_of_someone,
    died_despite_aid,
    died_of,
    done_to_a_door,
    done_to_people_in_general,
    done_with_police_weapon,
    fall_consequence,
    generic_act,
    harmed_after_attacking_police,
    harmed_by_someone_named,
    honoured_after,
    honoured_for,
    investigated_crime,
    modifier_not_act,
    names_a_remit,
    negated,
    no_police_by_parse,
    other_sense,
    outside_its_phrase,
    participle_as_noun,
    phrase_of_someone_elses_act,
    police_appeal_after,
    police_only_harmed,
    police_only_in_a_relative_clause,
    police_only_speak,
    police_right_before,
    rescue,
    restrained_while_attacking_police,
    restraint_as_virtue,
    result_of_an_encounter,
    saved_from,
    shot_at,
    undergoes,
)
from flows.extract.resources import MISCONDUCT_RULES, encounter_cues, misconduct_rules
from flows.extract.triggers import police_regex

_POLICE_WORD = (
    r"(?:(?i:officers?|PCs?|Pc|policem[ae]n|policewom[ae]n|constables?|sergeants?|cops?|detectives?|"
    r"police|deputies|troopers?|colleague|deputy(?! (?:leader|head|prime|chief|director|editor|manager|mayor|governor|minister|chair\w*|commissioner|secretary|speaker)))|Met|MPS)"
)
_FINDING = re.compile(
    r"\b(?:found|finds|finding|concluded|conclusion|report|review|inquiry|inspection|inspectorate|"
    r"declared|labelled|branded|admitted|accepted|ruled|judged)\b",
    re.IGNORECASE,
)
_POLICE_IN_ACT = re.compile(r"\b(?:police|officers?)\b", re.IGNORECASE)
_PRONOUN_SUBJECT = re.compile(r"\s*(?:He|She|They)\b")
_PRONOUN_AGENT = re.compile(r"\b[Tt]hey\s+(?:then\s+|later\s+|both\s+|all\s+|had\s+|have\s+)?$")
_NOT_POLICE = r"(?<!prison )(?<!probation )(?<!customs )(?<!fire )(?<!border )(?<!security )(?<!medical )(?<!forensic )(?<!wellness )(?<!welfare )(?<!court )(?<!immigration )"
_AGENT_BEFORE = re.compile(rf"{_NOT_POLICE}\b({_POLICE_WORD})\b(?=[^.;:]{{0,70}}$)")
_PASSIVE_GAP = re.compile(
    r"^\s+(?:(?:have|has|had)\s+)?(?:was|were|been|being|is|are|got|get)\s+(?:\w+ly\s+)?$"
)

# "officers like Jane Doe (caught stealing ...)": a named officer and what they did, in brackets
_NAMED_EXAMPLE = re.compile(
    r"^\s+(?:like|such as|including|named)\s+(?:[A-Z][\w’'-]+\s+){1,3}\((?:\w+\s+){0,2}$"
)
_GAP_BLOCK = re.compile(
    r"\b(?:said|say|says|told|arrest\w*|believe\w*|appeal\w*|called|found|discovered|investigat\w*|"
    r"after|when|where|because|responded|attended|launched|searching|looking|hunt\w*|seized|"
    r"recovered|identified|named|confirmed|warned|tracked|caught|stopped|chased|detained|"
    r"suspects?|man|woman|boy|girl|gang|killer|attacker|gunman|driver|prob\w*|inquir\w*|over|into|"
    r"extremist|thief|robber|burglar|offender|prisoner|inmate|yob|thug|teenager|youth|"
    r"someone|somebody|people|protesters?|rioters?|mob|crowd|praised|thanked|within|hours|days|"
    r"being|coastguards?|paramedics)\b",
    re.IGNORECASE,
)
_AGENT_AFTER = re.compile(
    rf"^(?:(?!\bby\b)[^.;:]){{0,45}}?\bby\s+(?:(?:a|an|the|two|three|several|fellow|his|her|their|"
    rf"serving|former|off-duty|armed|male|female|white|senior|more|Met|US|[A-Z][a-z]+|[a-z]+)\s+){{0,4}}"
    rf"{_POLICE_WORD}\b"
)
_INVESTIGATOR = re.compile(
    rf"\b{_POLICE_WORD}\s+(?:(?:are|were|have|has|had|is|was|later|then|quickly|now|also)\s+)*"
    r"(?:investigating|appeal\w*|called|attended|arrested|said|say|says|believe\w*|launched|seized|"
    r"found|recovered|confirmed|charged|are|were|identified|released|rushed|responded|discovered)\b"
    r"|\b(?:told|reported (?:it |this |the \w+ )?to|complained to|contacted|called|alerted|arrested by|helping|"
    r"assisting|charged by|detained by) (?:the )?(?:\w+ )?{_POLICE_WORD}\b",
    re.IGNORECASE,
)
_MISCONDUCT_CONTEXT = re.compile(
    r"\b(?:IOPC|IPCC|(?<!professional )misconduct|Professional Standards|watchdog|Independent Office for Police Conduct|"
    r"police brutality|police violence|serving (?:police )?officer|in custody|special measures)\b",
    re.IGNORECASE,
)
_GENERIC = re.compile(
    # a hypothesis opens the sentence or a clause ('If officers use force ...'); an 'if' later in a
    # clause is a condition on what it reports ('he might have survived if he had been taken to
    # hospital sooner')
    r"(?:^|[,;:\u201c\"]\s*)(?:if|whether)\b"
    r"|\b(?:should|must|ought to|needs? to|too many|every officer|any officer|all officers|"
    r"we need|can't|cannot|would be)\b|\?\s*$"
    r"|\bofficers (?:accused|who|that)\b[^.]{0,80}\b(?:are|remain)\b"
    r"|\b(?:more than|at least|over|nearly|almost|some)\s+[\d,]+\s+(?:people|deaths|officers|cases|complaints)\b",
    re.IGNORECASE,
)
# a word of a person's name, accented letters too ('Núñez')
_NAME_WORD = rf"[{UPPER}][{LOWER}’'-]+"
_LIST_ITEM = re.compile(
    r"\b(?:the\s+)?(?P<noun>murder|killing|death|shooting|abuse|rape|strip[- ]search(?:ing)?|treatment)"
    rf"\s+of\s+(?P<name>(?:Child|Patient|Officer)\s+[A-Z]\b|{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}})"
)
LIST_CATEGORY = {
    "murder": "criminal_offence_by_officer",
    "killing": "death_following_police_contact",
    "death": "death_following_police_contact",
    "shooting": "death_following_police_contact",
    "abuse": "other_misconduct",
    "rape": "sexual_violence_or_harassment",
    "treatment": "other_misconduct",
}
_VIGIL = re.compile(
    rf"\b(?:vigil|protest|demonstration)\s+for\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD})?)"
    r"|\b(?:her|his|their)\s+vigil\b"
)
_DEATH_WORD = re.compile(
    r"\b(?:kill\w*|dead|died|dies|dying|death|deaths|fatal\w*|murder\w*|life-threatening)\b",
    re.IGNORECASE,
)
_SPECIAL_MEASURES = re.compile(r"\bspecial measures\b", re.IGNORECASE)
_OPERATION = re.compile(r"\bOperation\s+[A-Z][a-z]+\b")


@dataclass
class SentenceContext:
    article_id: str
    start: int  # char offset of the sentence in the article
    text: str
    police_near: bool  # a police term in the previous or next sentence
    police_prev: bool  # a police term in the previous sentence
    open_incident: bool  # the previous sentence produced a mention
    reference: dt.date | None
    from_metadata: bool
    known_officers: set[str] = field(default_factory=set)
    full_names: dict[str, str] = field(default_factory=dict)  # surname/first name -> full name
    oversight: bool = False  # the article reports an oversight investigation (IOPC, PIRC...)
    # ... and its oversight-only event words ('collapsed', 'arrested', 'collision') count: the
    # article names the oversight body or speaks in its own voice (no reported speech); a news
    # report that only reads like a police case ('the suspect was arrested', police said) is
    # not told in those words. None: as `oversight`.
    oversight_events: bool | None = None
    # ... and this sentence's window itself reads as that police case (classifier.case_window)
    case_window: bool = False
    encounter_before: bool = False  # police shown acting on someone earlier in the paragraph
    # ... confronting or laying hands on someone (not merely called or arriving)
    confronted_before: bool = False
    officer_words: set[str] = field(
        default_factory=set
    )  # officers named shortly before (agency only)
    # a sentence opening with 'he'/'she'/'they': whether the one meant is police, read from the
    # sentence before (agency.previous_referent_is_police); None: not such a sentence, or unknown
    pronoun_police: bool | None = None
    protest: bool = False  # a protest named in the sentence or its paragraph (encounter window)
    military: bool = False  # soldiers named in the sentence or its paragraph (encounter window)
    # repeatable police nouns used with their police modifier before this sentence ('BCA agents'),
    # by family (agency.police_nouns_named): a bare 'agents' here means them
    police_nouns_before: frozenset[str] = frozenset()


OVERSIGHT = re.compile(
    r"\b(?:IOPC|IPCC|PIRC|Police Ombudsman|Independent Office for Police Conduct|"
    r"Independent Police Complaints Commission|Professional Standards|"
    r"(?i:our investigat\w*|our (?:casework|lead) \w+|misconduct (?:hearing|meeting|proceedings|notices?)|"
    r"(?:we|our investigators?) (?:reviewed|gathered|obtained|examined|analysed|interviewed|investigated|"
    r"considered|took (?:witness )?statements)|(?:during|as part of|throughout) (?:the|our|this) investigation|"
    r"death or serious injury|(?:identified|organisational) learning|case to answer|"
    r"no indication (?:that )?any (?:person|police|officer|individual|member)))\b"
)
# the bodies themselves, named: these count wherever they stand, a quote included
_OVERSIGHT_BODY = re.compile(
    r"IOPC|IPCC|PIRC|Police Ombudsman|Independent Office|Independent Police|Professional Standards"
)
_DOUBLE_QUOTES = frozenset('"“”')


def names_oversight(text: str) -> bool:
    """Does the text name an oversight investigation (OVERSIGHT)? A body's name counts anywhere;
    the phrases of an investigator's own voice ('our investigators', 'throughout this
    investigation') count only outside double quotes: inside them a police spokesperson is
    speaking of a crime inquiry ('"Our investigators are working around the clock," he said')."""
    for m in OVERSIGHT.finditer(text):
        if _OVERSIGHT_BODY.match(m.group(0)):
            return True
        paragraph = text.rfind("\n", 0, m.start()) + 1
        if sum(ch in _DOUBLE_QUOTES for ch in text[paragraph : m.start()]) % 2 == 0:
            return True
    return False


_AMBIGUOUS = frozenset({"deputy"})


def police_tie(text: str) -> bool:
    """A police term that is not only police acting as investigators of someone else's crime."""
    if _MISCONDUCT_CONTEXT.search(text):
        return True
    # a bare "deputy" is police only when the parse says so ("a deputy shot him"); as a tie of
    # context it is too often a political deputy ("Theresa May's de facto deputy")
    hits = [h for h in police_regex().finditer(text) if h.group(0).lower() not in _AMBIGUOUS]
    if not hits:
        return False
    frames = [m.span() for m in _INVESTIGATOR.finditer(text)]
    return any(not any(fs <= h.start() < fe for fs, fe in frames) for h in hits)


def agent_ok(text: str, start: int, end: int, rule_id: str = "") -> bool:
    """An officer is the doer: named just before the act (not as its victim) or after it with 'by'."""
    if _POLICE_IN_ACT.search(text, start, end):
        return True  # "a fatal police shooting"
    window = text[max(0, start - 90) : start]
    last = None
    for last in _AGENT_BEFORE.finditer(window):  # noqa: B007  (the police word nearest the act)
        pass
    gap = window[last.end(1) :] if last else None
    active = gap is not None and (_rule(rule_id).get("passive_ok") or not _PASSIVE_GAP.match(gap))
    if active and gap is not None and (not _GAP_BLOCK.search(gap) or _NAMED_EXAMPLE.match(gap)):
        return True
    return bool(_AGENT_AFTER.search(text[end : end + 110]))


def _expand(name: str, ctx: SentenceContext) -> str:
    key = normalise_name(name)
    return ctx.full_names.get(key, key) if " " not in key else key


def passive_killing_after_encounter(text: str, start: int, end: int) -> bool:
    """'X was shot and killed' with the act at [start, end), nobody else named as the killer, and no
    body merely found (the caller checks that police confronted someone earlier in the paragraph)."""
    _, cues = encounter_cues()
    if cues["not_police"].search(text):
        return False
    return any(
        m.start() <= start and end <= m.end() for m in cues["passive_killing"].finditer(text)
    )


def encounter_sentence(text: str) -> bool:
    """Police shown acting on someone ('Officers attempted to detain him'), not a body found."""
    _, cues = encounter_cues()
    return (
        bool(police_regex().search(text))
        and bool(cues["encounter"].search(text))
        and not cues["not_police"].search(text)
    )


def encounter_around(text: str, start: int, end: int, police_before: bool = False) -> bool:
    """The sentence of a killing at [start, end) shows police acting on the person, before or after
    the act ("was shot and killed when he failed to comply with officers' orders"). With
    `police_before` (the sentence before names police: 'A woman had called police ...'), a
    confrontation told before the act needs no police word of its own ('After a standoff on a
    busy street, he was shot and killed')."""
    if encounter_sentence(text[:start]):
        return True
    _, cues = encounter_cues()
    if (
        police_before
        and cues["encounter_after"].search(text[:start])
        and not cues["not_police"].search(text)
    ):
        return True
    return (
        bool(police_regex().search(text))
        and bool(cues["encounter_after"].search(text[end:]))
        and not cues["not_police"].search(text)
    )


def _officer_name(ctx: SentenceContext):
    def check(name: str) -> bool:
        key = normalise_name(name)
        return (
            key in ctx.known_officers
            or ctx.full_names.get(key) in ctx.known_officers
            or key in ctx.officer_words
        )

    return check


def _agent_by_parse(
    span, role: str, text: str, ctx: SentenceContext, finder: PoliceFinder | None = None
) -> bool:
    """An agent rule holds: the parse makes police the doer; when the parse cannot tell (a pronoun or
    no subject, a parse the small model got wrong), the word-level fallback decides."""
    if role == AGENT:
        return True
    if role == OTHER and undergoes(span) and ctx.encounter_before:
        return True  # "Gunfire was exchanged again, Miller died" after police confronted him
    if role == UNKNOWN and ctx.confronted_before and death_of_someone(span):
        return True  # "His death was deemed an accident" after officers struggled with him
    s, e = span.start_char, span.end_char
    if role == NO_AGENT and _weapon_used(span.id_, ctx):
        return True  # "protesters ... are pepper sprayed" after police charged them
    if (
        role == NO_AGENT
        and finder is not None
        and _rule(span.id_).get("category") == "death_following_police_contact"
        and harmed_after_attacking_police(span, finder)
    ):
        return True  # "a man who shot at them and was shot and killed"
    if role == NO_AGENT:
        return (
            (ctx.encounter_before or encounter_around(text, s, e, ctx.police_prev))
            and _rule(span.id_).get("category") == "death_following_police_contact"
            and passive_killing_after_encounter(text, s, e)
        )
    if (
        role == OTHER
        and _rule(span.id_).get("category") == "death_following_police_contact"
        and result_of_an_encounter(span)
        and encounter_sentence(text[:s])
    ):
        return (
            True  # "they saw a man with a gun, and there was an exchange of gunfire, killing him"
        )
    if (
        finder is not None
        and role in (OTHER, UNKNOWN)
        and _rule(span.id_).get("category") == "death_following_police_contact"
        and police_right_before(span, finder)
    ):
        return True  # "a gun and police shot and killed him": the small parser misread the clause
    if role != UNKNOWN or _rule(span.id_).get("parse_only"):
        return (
            False  # common verbs ("hit", "pushed", "fire") count only when the parse names police
        )
    if finder is not None and police_only_speak(span, finder):
        return False  # "Police claim she changed her story about the theft"
    if finder is not None and police_only_in_a_relative_clause(span, finder):
        return False  # "Driver who rammed police officers during chase found guilty"
    if finder is not None and police_only_harmed(span, finder):
        return False  # "found guilty of assaulting police, verbal abuse and attempted bribery"
    if finder is not None and no_police_by_parse(span, finder):
        return False  # "admitting impersonating a police officer and four counts of fraud"
    if _rule(span.id_).get("passive_ok") and _PRONOUN_SUBJECT.match(text):
        # "He was charged with ...": only right after a sentence naming police, with an officer
        # named before it (not "Officers arrested the man. He has been charged", where he is the man)
        return (
            ctx.police_prev
            and ctx.pronoun_police is not False
            and bool(ctx.officer_words)
            # "He admitted assaulting an emergency worker and was jailed": he attacked police
            and not encounter_cues()[1]["against_police"].search(text)
        )
    return _agent_by_words(span, text, ctx)


def _weapon_used(rule_id: str, ctx: SentenceContext) -> bool:
    """A police weapon used on someone with nobody named as its user ('he was tasered', 'they are
    pepper sprayed'): police's, after police were shown acting on someone earlier in the paragraph, or
    at a protest with police named in the sentence or next to it."""
    return bool(_rule(rule_id).get("police_weapon")) and (
        ctx.encounter_before or (ctx.protest and (ctx.police_near or police_tie(ctx.text)))
    )


def _agent_by_words(span, text: str, ctx: SentenceContext) -> bool:
    """Word-level decision (the blank pipeline, and the parse's UNKNOWN): a police word just before the
    act or 'by police' after it; 'They ...' right after a police sentence; a passive killing after
    police confronted the person."""
    s, e, rule = span.start_char, span.end_char, span.id_
    return (
        agent_ok(text, s, e, rule)
        or bool(
            ctx.police_prev and ctx.pronoun_police is not False and _PRONOUN_AGENT.search(text[:s])
        )
        or (
            (ctx.encounter_before or encounter_around(text, s, e))
            and _rule(rule).get("category") == "death_following_police_contact"
            and passive_killing_after_encounter(text, s, e)
        )
    )


def inside_a_name(span) -> bool:
    """The rule's word is written as part of a name, not as the word ("Inspector Jo Kettle",
    "the Kicking Horse Inn"): capitalised after a capitalised word in running text (not at the
    sentence's start, not in a headline written in title case)."""
    tok = span[0]
    if not tok.is_title or tok.i == 0:
        return False
    before = tok.nbor(-1)
    if not (before.is_title or (before.is_upper and len(before) == 1)):
        return False
    after = tok.doc[tok.i + 1 : tok.i + 3]
    if len(after) == 2 and after[0].text == "," and after[1].like_num:
        return True  # 'Darren Kettle, 44,': a name with its age
    words = [t for t in tok.doc if t.is_alpha and len(t) > 3]
    return sum(t.is_title for t in words) <= len(words) / 2


def _no_act(span) -> bool:
    """The parse shows the rule's word names no act of anyone (the doc must be parsed)."""
    force = span.label_ == "excessive_force"
    return (
        # "Police have launched a murder investigation"
        (
            span.label_ in ("criminal_offence_by_officer", "sexual_violence_or_harassment")
            and investigated_crime(span)
        )
        or fall_consequence(span)  # "The officer fell to the ground, hitting his head"
        or died_despite_aid(span)  # "Officers began CPR, but the man died at the scene"
        or custody_of_a_prison(span)  # "deaths in custody in prisons across the country"
        # "They found a man with gunshot wounds, and he died", "died of a self-inflicted wound"
        or death_apart_from_police(span)
        or generic_act(span)  # "as is standard practice following any death in custody"
        or counted_acts(span)  # "involved in more than 80 fatal shootings last year"
        or restraint_as_virtue(span)  # "Officers showed great restraint"
        or (force and rescue(span))  # "dragged the unconscious driver from his burning car"
        or saved_from(span)  # "Columbus officers save choking baby"
        # "The officers used a throw line"
        or (force and _requires_agent(span.id_) and modifier_not_act(span))
        or (force and done_to_a_door(span))  # "He had kicked down the front door"
        or (force and bare_noun_sense(span))  # "officers on the beat"
        or cause_of_death(span)  # "police have not released the cause of death"
        # "fire crews were on standby", "the domestic abuse unit" (an oversight body's event
        # word names the case: "an officer from the missing persons unit attended")
        or (_rule(span.id_).get("strength") != "oversight" and names_a_remit(span))
        # "thrown against a wall and suffered neck injuries": a gap pattern's words only near
        or (_has_gap(span.id_) and outside_its_phrase(span))
        or honoured_for(span)  # "Two officers who tackled a knifeman have been recognised"
        or (force and honoured_after(span))  # "Officers who tackled knifeman honoured at awards"
        or done_to_people_in_general(span)  # "justice for people who were killed by police"
        or (force and participle_as_noun(span))  # "officers helped carry the wounded out"
        or (force and other_sense(span))  # "kicked off his boots", "hit out at critics"
        # "None of our officers fired their weapons", "officers did not shoot"
        or (
            (
                force
                or span.label_ == "death_following_police_contact"
                # a hold or an arrest: 'no officers were present when he was restrained' (not
                # an oversight failure, which a negation states: 'never carried out a risk
                # assessment')
                or bool(_rule(span.id_).get("bodily"))
            )
            and negated(span)
        )
    )


def build_mentions(doc: Doc, ctx: SentenceContext) -> list[Mention]:
    text = ctx.text
    tied = police_tie(text)
    parsed = has_parse(doc)
    finder = (
        PoliceFinder(
            # 'They' after a police sentence; right after an evidence sentence it is that incident's
            # continuation instead (continuation.back_reference_continuations)
            doc,
            _officer_name(ctx),
            ctx.police_prev and not ctx.open_incident and ctx.pronoun_police is not False,
            # a police-only weapon used on someone stands for police at a protest, or where police
            # were shown acting on someone earlier in the paragraph
            weapons=ctx.encounter_before or (ctx.protest and not ctx.military),
            lone_weapons=not ctx.military,
            named_before=ctx.police_nouns_before,
        )
        if parsed
        else None
    )
    hits = []
    for span in doc.spans.get("misconduct", []):
        rule = span.id_
        if inside_a_name(span) or (parsed and _no_act(span)):
            continue
        s, e = span.start_char, span.end_char
        requires = "agent" if span.kb_id_ and _requires_agent(rule) else "context"
        # in a case summary an oversight-only event word counts whoever its subject is, unless
        # police are the ones harmed ("the man collided with a wall" after police followed him)
        oversight_event = ctx.case_window and _rule(rule).get("strength") == "oversight"
        role = (
            police_role(span, finder=finder, charged=bool(_rule(rule).get("passive_ok")))
            if finder is not None
            else UNKNOWN
        )
        if (
            finder is not None
            and _rule(rule).get("strength") == "oversight"
            and police_tend_the_harmed(span, finder)
        ):
            continue  # "officers were helping an injured cyclist": the harm is not theirs
        if (
            finder is not None
            and _rule(rule).get("bodily")
            and restrained_while_attacking_police(span, finder)
        ):
            continue  # "As officers brought him to the ground, Pritchard bit an officer"
        if (
            finder is not None
            and span.label_ == "excessive_force"
            and phrase_of_someone_elses_act(span, finder)
        ):
            continue  # "Quarshie slashed the prison officer across the face and neck"
        if finder is not None and harmed_by_someone_named(span, finder):
            continue  # "Three men were killed when two rival groups opened fire"
        if finder is not None and police_appeal_after(span, finder):
            continue  # "Police seek witnesses after 19-year-old shot and killed at party"
        if requires == "context" and finder is not None and charged_to_someone_else(span, finder):
            continue  # "A man has been charged with domestic violence offences"
        if requires == "agent":
            if not parsed and _rule(rule).get("parse_only"):
                continue
            ok = (
                _agent_by_parse(span, role, text, ctx, finder)
                if parsed
                else _agent_by_words(span, text, ctx)
            )
            if not ok:
                continue
        elif not (
            ctx.open_incident
            or role == AGENT  # the parse's police doer ('They deployed a Taser', after police)
            # a police weapon used on someone ('he ... was tasered') after police were shown
            # acting on them earlier in the paragraph
            or (role == NO_AGENT and _weapon_used(rule, ctx))
            # "He discharges pepper spray": a pronoun right after a sentence naming police
            or (
                role == UNKNOWN
                and ctx.police_prev
                and bool(_PRONOUN_SUBJECT.match(text))
                and _weapon_used(rule, ctx)
            )
            # an oversight body's case summary tells one police contact: its event words
            # ('Detainee collapsed', 'The rider was declared dead') take police from a neighbour
            or (oversight_event and ctx.police_near)
            # police in the sentence only as the speaker ('"Racist abuse is unacceptable," said
            # Sergeant Lee') tie nothing to police (last: the parse walk is the dearest test)
            or (
                tied and not (finder is not None and police_only_speak(span, finder, phrases=False))
            )
        ):
            continue
        elif (
            parsed
            and (role == PATIENT or (role == OTHER and not undergoes(span) and not oversight_event))
            and (
                act_is_clause(span)
                or (
                    role == PATIENT
                    # "Deputy shot during welfare check": the event police were harmed in
                    and (
                        _rule(rule).get("police_weapon")
                        or _rule(rule).get("strength") == "oversight"
                    )
                )
            )
        ):
            # "an officer was tasered", "a man punched the officer", "an officer was hit by a
            # rubber bullet"
            continue
        if _rule(rule).get("needs_finding") and not _FINDING.search(text):
            continue
        if _rule(rule).get("needs_protest") and not ctx.protest:
            continue  # "knocked the camera out of her hands" is press policing only at a protest
        label = span.label_
        if label == "death_following_police_contact" and parsed and done_with_police_weapon(span):
            label = "excessive_force"  # "shot with rubber bullets": hurt, not killed
        elif (
            label == "death_following_police_contact"
            and parsed
            and ctx.protest
            and shot_at(span)
            and not _DEATH_WORD.search(text)
        ):
            label = "excessive_force"  # "police shoot at the protesters": fired on, nobody killed
        hits.append((s, e, label, span.kb_id_))
        if label == "excessive_force" and parsed and died_of(span):
            # "A man died after detention officers pepper-sprayed him": force, and a death
            hits.append((s, e, "death_following_police_contact", span.kb_id_))
    hits = [
        h
        for h in hits
        if _rule(h[3].split(":")[-1]).get("strength") != "oversight"
        or (ctx.oversight if ctx.oversight_events is None else ctx.oversight_events)
    ]
    if any(_rule(h[3].split(":")[-1]).get("strength") != "oversight" for h in hits):
        # an oversight-only event word adds nothing to a sentence a real rule already matched
        hits = [h for h in hits if _rule(h[3].split(":")[-1]).get("strength") != "oversight"]
    weak_only = all(
        _rule(h[3].split(":")[-1]).get("strength") in ("weak", "oversight") for h in hits
    )
    if hits and weak_only and not (ctx.open_incident or ctx.oversight):
        hits = []
    items = [
        (m, LIST_CATEGORY.get(m.group("noun").lower(), "strip_search"))
        for m in _LIST_ITEM.finditer(text)
    ]
    distinct_items = {normalise_name(m.group("name")) for m, _ in items}
    examples = _examples(text) if hits else []
    is_list = len(distinct_items) >= 2 and (tied or ctx.police_near or hits)
    if not hits and not is_list:
        return []
    people = [(p.start_char, p.end_char, p.kb_id_, p.label_) for p in doc.spans.get("people", [])]
    officers = unique_in_order(
        p[2] for p in people if p[3] == "officer" or normalise_name(p[2]) in ctx.known_officers
    )
    subjects = unique_in_order(
        p[2]
        for p in people
        if p[3] == "subject"
        and p[2] not in officers
        and normalise_name(p[2]) not in ctx.known_officers
    )
    for word, full in _surnames(text, ctx):
        if full in ctx.known_officers:
            officers = (
                unique_in_order([*officers, word])
                if not any(_expand(o, ctx) == full for o in officers)
                else officers
            )
        elif not any(_expand(x, ctx) == full for x in subjects + officers):
            subjects = unique_in_order([*subjects, word])
    if not (subjects or officers) and _GENERIC.search(text):
        return []
    base = _base_fields(doc, ctx, hits)
    named = examples if any(x in subjects for x in examples) else []
    if not is_list and len(named) >= 2:
        categories = unique_in_order(h[2] for h in hits)
        out = [_mention(ctx, base, categories, [x], [], hits[0][3]) for x in named]
        return _dedupe(out)
    if is_list:
        out = []
        for m, cat in items:
            cats = unique_in_order([cat] + [h[2] for h in hits if m.start() <= h[0] < m.end()])
            out.append(
                _mention(ctx, base, cats, [m.group("name")], [], f"{MISCONDUCT_RULES}:case_list_01")
            )
        return _dedupe(out)
    categories = unique_in_order(h[2] for h in hits)
    rule_id = hits[0][3]
    vigil = _VIGIL.search(text)
    out = []
    if vigil and "protest_policing" in categories:
        name = vigil.group("name") or (subjects[0] if subjects else None)
        event = f"event:vigil:{_expand(name, ctx)}" if name else None
        protest_rule = next(h[3] for h in hits if h[2] == "protest_policing")
        out.append(
            _mention(
                ctx,
                base,
                ["protest_policing"],
                [],
                [],
                protest_rule,
                extra_keys=[event] if event else [],
            )
        )
        categories = [c for c in categories if c != "protest_policing"]
        if vigil.group("name"):
            subjects = [
                s for s in subjects if normalise_name(s) != normalise_name(vigil.group("name"))
            ]
        if not categories or not (subjects or officers):
            return out
        rule_id = next(h[3] for h in hits if h[2] != "protest_policing")
    out.append(_mention(ctx, base, categories, subjects, officers, rule_id))
    return out


_EXAMPLE = (
    rf"(?:(?:Child|Officer|Patient|Person|Witness)\s+[A-Z]\b|{_NAME_WORD}(?:\s+{_NAME_WORD})?)"
)
_EXAMPLES = re.compile(
    rf"\b(?:such as|including|like|namely)\s+(?P<names>{_EXAMPLE}(?:\s*,\s*(?:and\s+)?|\s+and\s+)"
    rf"{_EXAMPLE}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+){_EXAMPLE})*)"
)


def _examples(text: str) -> list[str]:
    """Names listed as separate cases: 'searches of children such as Child Q and Jane Doe'."""
    out = []
    for m in _EXAMPLES.finditer(text):
        out += [n.strip() for n in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", m.group("names"))]
    return out


_CAP_WORD = re.compile(rf"\b[{UPPER}][{LOWER}-]+\b")


def _surnames(text: str, ctx: SentenceContext) -> list[tuple[str, str]]:
    """Single capitalised words that are the surname of a person named in full elsewhere in the article."""
    out = []
    for m in _CAP_WORD.finditer(text):
        full = ctx.full_names.get(m.group(0).lower())
        if full and full.split()[-1] == m.group(0).lower() and full.title() not in text:
            before = text[max(0, m.start() - 25) : m.start()]
            after = text[m.end() : m.end() + 3]
            speaker = re.search(r"(?:[Ss]aid|[Tt]old)\W*$", before) and re.match(
                r"\s*(?:[,.;:]|$)", after
            )
            relative = re.search(
                r"(?:[Mm]other|[Ff]ather|[Ss]ister|[Bb]rother|[Ww]ife|[Ss]on)\W*$", before
            )
            if not (speaker or relative):
                out.append((m.group(0), full))
    return out


@cache
def _rules_by_id() -> dict[str, dict]:
    return {r["id"]: r for r in misconduct_rules()}


def _rule(rule_id: str) -> dict:
    return _rules_by_id().get(rule_id, {})


def _has_gap(rule_id: str) -> bool:
    """The rule's pattern skips any words right after its first word ('on ... neck')."""
    pattern = _rule(rule_id).get("pattern", [])
    return len(pattern) > 1 and set(pattern[1]) == {"OP"}


def _requires_agent(rule_id: str) -> bool:
    return _rule(rule_id).get("requires") == "agent"


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    seen, out = set(), []
    for m in mentions:
        key = tuple(m.link_keys)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _base_fields(doc: Doc, ctx: SentenceContext, hits) -> dict:
    text = ctx.text
    forces = unique_in_order(s.label_ for s in doc.spans.get("forces", []))
    locs = list(doc.spans.get("location", []))
    outcome, outcome_text, out_status, _ = find_outcome(text)
    dated = []
    for expr in find_dates(text):
        if date_role(text, expr) != "incident":
            continue
        res = resolve(expr, ctx.reference, ctx.from_metadata)
        if res is not None:
            dated.append((res, expr.text.strip()))
    date = dated[0] if dated and consistent_dates([d[0] for d in dated]) else None
    return {
        "forces": forces,
        "location": locs[0].text if locs else None,
        "outcome": outcome,
        "outcome_text": outcome_text,
        "status": allegation_status(text, out_status),
        "date": date,
        "operation": [m.group(0).lower() for m in _OPERATION.finditer(text)],
    }


def _mention(ctx, base, categories, subjects, officers, rule_id, extra_keys=()) -> Mention:
    keys = [f"subject:{_expand(s, ctx)}" for s in subjects]
    keys += [f"event:{op}" for op in base["operation"]]
    if "institutional_failure" in categories and _SPECIAL_MEASURES.search(ctx.text):
        keys += [f"event:special measures:{force.lower()}" for force in base["forces"]]
    if not subjects:
        keys += [f"officer:{_expand(o, ctx)}:{c}" for o in officers for c in categories]
        keys += [f"officer:{ctx.article_id}:{_expand(o, ctx)}" for o in officers]
    keys += [k for k in extra_keys if k]
    date = base["date"]
    return Mention(
        article_id=ctx.article_id,
        char_start=ctx.start,
        char_end=ctx.start + len(ctx.text),
        quote=ctx.text,
        rule_id=rule_id,
        categories=list(categories),
        date_start=date[0].start if date else None,
        date_end=date[0].end if date else None,
        date_precision=date[0].precision if date else "unknown",
        date_text=date[1] if date else None,
        police_forces=list(base["forces"]),
        location=base["location"],
        subjects=list(subjects),
        officers=list(officers),
        outcome=base["outcome"],
        outcome_text=base["outcome_text"] if base["outcome"] else None,
        allegation_status=base["status"],
        link_keys=unique_in_order(keys),
    )
