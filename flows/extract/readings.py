"""Readings of a misconduct rule's match, from the parse: is its act no act of police at all?

`agency.py` tells who did what to whom (the police's role in the act); the checks here read the
rest of the match's sentence for what makes the act no incident, or an incident whatever the role:
a death told after first aid, after police found someone, or self-inflicted outside custody; what
people are honoured for; force told while someone attacked police; police who only speak, are only
told, or stand in a relative clause; a negated or counterfactual act; a door kicked in; a word in
another sense ('kicked off his boots', 'on the beat'). `mentions.py` applies them to each match.
Each takes the match (a spaCy `Span` of `doc.spans["misconduct"]`) and, where it needs to know
who is police, the sentence's `PoliceFinder`. Word lists are the agency lexicon's
(`patterns/agency_lexicon.v1.yaml`).
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Span, Token

from flows.extract import agency
from flows.extract.agency import (
    _PASS_SUBJ,
    _SUBJ,
    OTHER,
    UNKNOWN,
    PoliceFinder,
    _acts_on_police,
    _attribution,
    _by_agent,
    _capitalised,
    _child,
    _gives_aid,
    _has_object,
    _is_clause,
    _is_passive,
    _names_what,
    _pronoun,
    _singular_antecedent,
    _weapon_inside,
    act_token,
    charged_role,
    lexicon,
    when_clause_role,
)


def death_apart_from_police(span: Span) -> bool:
    """The death is told apart from any police act, outside custody: self-inflicted, or after
    police found the person (`agency.death_apart_from_police`, which `verb_role` reads too)."""
    verb = act_token(span)
    lex = lexicon()
    return verb.lower_ in lex["undergo_verbs"] and agency.death_apart_from_police(verb, lex)


def harmed_by_someone_named(span: Span, police: PoliceFinder) -> bool:
    """A passive harm whose 'when' clause names a doer who is not police, in a clause naming no
    police ('Three men were killed when two rival groups opened fire'; `agency.when_clause_role`,
    which `verb_role` reads too)."""
    verb = act_token(span)
    if not (_is_passive(verb) or (verb.dep_ == "conj" and _is_passive(verb.head))):
        return False
    return when_clause_role(verb, police) == OTHER


def died_despite_aid(span: Span) -> bool:
    """The death is told after the first aid someone gave ('Officers began CPR until paramedics
    arrived, but the man died at the scene'): whoever caused it, the clause tells of help, so
    it ties the death to no police act."""
    verb = act_token(span)
    if verb.lower_ not in lexicon()["undergo_verbs"] or verb.dep_ != "conj":
        return False
    return _gives_aid(verb.head, lexicon())


def died_of(span: Span) -> bool:
    """The act is what someone died of or after, in the sentence's structure: 'A man died after
    detention officers pepper-sprayed him', 'a man who was punched by an officer died': a verb
    of dying governs it."""
    return any(t.lower_ in lexicon()["death_verbs"] for t in act_token(span).ancestors)


def participle_as_noun(span: Span) -> bool:
    """The act word is a participle standing for people ('helped carry the wounded out', 'the
    injured were taken to hospital', 'the names of those killed'): 'the' before it and no noun
    after it, or right after 'those'; a group of people, not an act anyone is said to have done."""
    tok = act_token(span)
    if not tok.lower_.endswith("ed"):
        return False
    if tok.dep_ == "acl" and tok.head.lower_ == "those" and tok.head.i == tok.i - 1:
        return True  # 'the names of those killed'
    return tok.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass", "conj") and any(
        c.dep_ == "det" and c.lower_ == "the" and c.i == tok.i - 1 for c in tok.children
    )


def done_to_people_in_general(span: Span) -> bool:
    """The act is a passive relative clause of a bare plural noun for people in general ('justice
    for people who were killed by police', 'black Americans who have been killed at the hands of
    police'): what happens to many, not one incident."""
    act = act_token(span)
    verb = act.head if act.dep_ == "conj" and act.head.dep_ == "relcl" else act
    if verb.dep_ != "relcl" or _child(verb, _PASS_SUBJ) is None:
        return False
    noun = verb.head
    return noun.lower_ in lexicon()["generic_people"] and not any(
        c.dep_ in ("det", "nummod", "poss", "appos") for c in noun.children
    )


def honoured_for(span: Span) -> bool:
    """The act sits in a relative clause of someone honoured ('Two officers who tackled a man
    wielding a machete have been recognised', 'PC who tackled knifeman wins bravery award'), or
    what someone is honoured for ('were honoured for chasing and detaining an armed robber'): what
    the honour is for, not an incident."""
    act = act_token(span)
    honour = lexicon()["honour_verbs"]
    # 'were honoured for chasing and detaining an armed robber'
    if (
        act.dep_ in ("pcomp", "pobj")
        and act.head.lower_ == "for"
        and act.head.head.lower_ in honour
    ):
        return True
    clause = (
        act if act.dep_ == "relcl" else next((a for a in act.ancestors if a.dep_ == "relcl"), None)
    )
    if clause is None:
        return False
    noun = clause.head
    while noun.dep_ == "appos" and noun.head is not noun:  # 'his colleague, PC Smith, who ...'
        noun = noun.head
    if noun.dep_ in _SUBJ + _PASS_SUBJ and noun.head.lower_ in honour:
        return True
    if span.label_ == "death_following_police_contact":
        return False  # 'praised the deputy who shot the gunman': a death after police contact
    # 'praised the officer who restrained ...', 'pay tribute to his colleague, who restrained ...'
    if noun.dep_ == "dobj" and noun.head.lower_ in honour:
        return True
    if noun.dep_ == "pobj":
        prep = noun.head
        gov = prep.head
        nouns = lexicon()["honour_nouns"]
        return prep.lower_ in ("to", "for") and (
            gov.lower_ in honour
            or gov.lower_ in nouns  # 'paid tribute to PC Hart, who ...'
            or any(c.dep_ == "dobj" and c.lower_ in nouns for c in gov.children)
        )
    return False


def honoured_after(span: Span) -> bool:
    """A participle of honour after the act heads or describes what the sentence is about ('Officers
    who tackled knifeman and pulled driver from burning car honoured at national bravery awards',
    '... dragged an unconscious driver from a burning car ... were among those honoured'): the
    sentence tells what people were honoured for, however the parse hung its clauses."""
    act = act_token(span)
    honour = lexicon()["honour_verbs"]
    return any(
        t.i > act.i and t.lower_ in honour and t.dep_ in ("ROOT", "acl", "conj") for t in act.sent
    )


_LEAD_SKIP_DEPS = {"advmod", "aux", "auxpass", "neg"}  # "police then fatally shot", "had shot"
_OBJECT_WORDS = {"him", "her", "them"}


_AT_PREPS = frozenset({"at", "on", "upon", "toward", "towards"})


def harmed_after_attacking_police(span: Span, police: PoliceFinder) -> bool:
    """A passive harm with nobody named as its doer, told of someone who, in the same sentence,
    acted on police: 'a man who shot at them and was shot and killed', 'he fired at deputies
    and was killed'. The police he turned on are the ones who shot him. Only for the clause
    that shares his subject (a verb conjoined with the passive), never across sentences."""
    act = act_token(span)
    if not _is_passive(act) or _child(act, ("agent",)) is not None:
        return False
    # the verbs that share the passive's subject: conjoined with it, before it
    verb = act
    while verb.dep_ == "conj":
        verb = verb.head
    return any(
        other.i < act.i and not _is_passive(other) and _acts_on_police(other, police, _AT_PREPS)
        for other in (verb, *verb.conjuncts)
    )


def restrained_while_attacking_police(span: Span, police: PoliceFinder) -> bool:
    """Force told as the background of someone's attack on police, in one sentence: 'As the
    officers brought him to the ground and handcuffed him, Pritchard bit a third officer'. The
    act's clause (or the clause it is coordinated with) opens with 'as', 'while' or 'when' and
    hangs from a clause whose subject, not police, acts on police."""
    verb = act_token(span)
    while verb.dep_ == "conj" and verb.head is not verb:
        verb = verb.head
    if verb.dep_ != "advcl" or not any(
        c.dep_ == "mark" and c.lower_ in ("as", "while", "when") for c in verb.children
    ):
        return False  # at the same time: not 'before they returned fire'
    main = verb.head
    first = main
    while first.dep_ == "conj" and first.head is not first and _child(first, _SUBJ) is None:
        first = first.head  # 'a man who spat at two officers and kicked a third as he was ...'
    subj = _child(first, _SUBJ)
    if subj is not None:
        subj = agency.resolve_relative(subj, police.lex)
    return (
        subj is not None
        and not police.is_police(subj)
        and not _pronoun(subj, police.lex)
        and any(_acts_on_police(v, police, _AT_PREPS) for v in (first, *first.conjuncts))
    )


def police_right_before(span: Span, police: PoliceFinder) -> bool:
    """The words say what the parse missed: a police noun (or a "they" whose sentence has a police
    subject before it) stands right before the act verb, and a person follows it as its object
    before any preposition or punctuation ("a gun and police shot and killed him", "police said
    they ... they shot and killed Clayton Andrews"). Not a headline's "officers shot in ambush"
    (no object follows) nor "the man who shot two officers" (police after the verb). Reads
    dependency labels and word shapes only: the default pipeline has no tagger."""
    tok = act_token(span)
    i = tok.i - 1
    while i >= tok.sent.start and (
        tok.doc[i].dep_ in _LEAD_SKIP_DEPS or tok.doc[i].lower_.endswith("ly")
    ):
        i -= 1
    if i < tok.sent.start:
        return False
    before = tok.doc[i]
    if before.lower_ == "they":
        earlier = [t for t in tok.doc[tok.sent.start : i] if t.dep_.startswith("nsubj")]
        lead = any(t.lower_ not in ("they", "them") and police.head_is_police(t) for t in earlier)
    else:
        lead = before.is_alpha and police.head_is_police(before)
    if not lead:
        return False
    for t in tok.doc[tok.i + 1 : min(tok.i + 7, tok.sent.end)]:
        if t.is_punct or t.dep_ in ("prep", "mark"):
            return False
        if t.lower_ in _OBJECT_WORDS or _capitalised(t):
            return True
    return False


def police_only_in_a_relative_clause(span: Span, police: PoliceFinder) -> bool:
    """Every police word before the act sits inside a relative or participle clause that does not
    hold the act ('Driver who rammed police officers ... found guilty', 'a thief who smashed into
    a police car ... jailed'): the police are what that clause says of someone else."""
    act = act_token(span)
    found = _police_before(span, police)

    def elsewhere(tok: Token) -> bool:
        clause = next((a for a in tok.ancestors if a.dep_ in ("relcl", "acl")), None)
        return clause is not None and act not in clause.subtree

    return bool(found) and all(elsewhere(t) for t in found)


def _police_before(span: Span, police: PoliceFinder) -> list[Token]:
    """The heads of the police noun phrases of the sentence before the act."""
    return [
        t
        for t in span.sent
        if t.i < span.start and t.dep_ != "compound" and police.head_is_police(t)
    ]


def no_police_by_parse(span: Span, police: PoliceFinder) -> bool:
    """The sentence's police words all head, or modify, phrases the parse reads as no police
    ('admitted impersonating a police officer', 'a prison officer', 'a fake police car'): the
    word-level fallback must not find police the parse has ruled out."""
    nouns = lexicon()["police_nouns"]
    found = False
    for tok in span.sent:
        if tok.lower_ not in nouns:
            continue
        found = True
        head = tok
        while head.dep_ in ("compound", "amod") and head.head.i > head.i:
            head = head.head
        if police.is_police(head):
            return False
    return found


def result_of_an_encounter(span: Span) -> bool:
    """The act is an -ing clause telling what an exchange of fire led to ('there was an exchange
    of gunfire, killing Daniel Reynolds'): its clause names no doer but the exchange."""
    act = act_token(span)
    if act.dep_ != "advcl" or not act.lower_.endswith("ing") or _child(act, _SUBJ) is not None:
        return False
    words = {t.lower_ for t in act.head.subtree if t.i < act.i}
    return bool(words & lexicon()["exchange_of_fire_words"])


def phrase_of_someone_elses_act(span: Span, police: PoliceFinder) -> bool:
    """A match that is only a prepositional phrase ('across the face and neck') belongs to the verb
    it hangs from, and that verb's doer, by the parse, is not police ('Quarshie slashed the prison
    officer across the face and neck'; 'a man hit the officer on the back of the neck')."""
    root = span.root
    verb = root.head
    if root.dep_ != "prep" or verb is root or span.start <= verb.i < span.end:
        return False
    if not _is_clause(verb):
        return False
    return agency.verb_role(verb, police) in (OTHER, agency.PATIENT)


def saved_from(span: Span) -> bool:
    """The act is what someone was saved or rescued from ('officers save choking baby', 'rescued a
    woman being beaten by her partner'): it sits in what a verb of rescue takes, or is read as its
    complement; the rescuers did not do it."""
    act = act_token(span)
    verbs = lexicon()["rescue_verbs"]
    for anc in (act, *act.ancestors):
        head = anc.head
        if head is anc:
            return False
        if head.lower_ in verbs and anc.dep_ in ("dobj", "xcomp", "ccomp", "oprd"):
            return True
        if anc.dep_ in ("relcl", "advcl", "conj", "ROOT"):
            return False  # a clause of its own: not what was rescued
    return False


def rescue(span: Span) -> bool:
    """Bodily force that takes someone out of danger ('dragged an unconscious driver from his
    burning car', 'pulled her to safety', 'hauled him out of the river'): a rescue, no force on
    anyone."""
    act = act_token(span)
    words = lexicon()["rescue_words"]
    heads = [act, *(c for c in act.children if c.dep_ == "dobj")]
    for head in heads:  # the phrase may hang on the one taken ('dragged a driver from his car')
        for prep in head.children:
            if prep.dep_ != "prep" or prep.lower_ not in ("to", "from", "out", "off"):
                continue
            if any(t.lower_ in words for t in prep.subtree):
                return True
    return False


def charged_to_someone_else(span: Span, police: PoliceFinder) -> bool:
    """The act is what someone other than police is charged with, accused or convicted of ('A
    man has been charged with a string of domestic violence offences'): the parse names its doer,
    and it is not police."""
    act = act_token(span)
    verbs = lexicon()["charge_verbs"]
    # the charge is the 'with' / 'of' phrase of the verb ('charged with', 'found guilty of'), not
    # a clause under it ('a watchdog found [that] officers strip-searched ...')
    charge = False
    below = act
    for gov in act.ancestors:
        # the verb's own 'with' / 'of' phrase, or that of its 'guilty'
        charge = (
            below.dep_ == "prep"
            and below.lower_ in ("with", "of")
            or (charge and below.lower_ == "guilty")
        )
        below = gov
        if gov.lower_ in verbs and charge and gov.dep_ not in ("oprd", "acomp"):
            role = charged_role(gov, police)
            pron = _child(gov, _PASS_SUBJ)
            if role == UNKNOWN and pron is not None:
                # 'Maguire has launched an appeal after he was found guilty of ...'
                named = _singular_antecedent(pron, lexicon())
                return named is not None and not police.is_police(named)
            return role == OTHER
        phrase = ("pobj", "pcomp", "prep", "compound", "amod", "conj", "dobj", "appos")
        if gov.dep_ not in phrase and not (
            gov.dep_ in ("oprd", "acomp") and gov.lower_ == "guilty"
        ):
            return False
    return False


def police_only_harmed(span: Span, police: PoliceFinder) -> bool:
    """Every police word before the act is the object of another rule's act word ('found guilty
    of assaulting police, verbal abuse and attempted bribery'): police are what was done to,
    not who did the act the word-level fallback would tie to them."""
    acts = {act_token(s).i for s in span.doc.spans.get("misconduct", []) if s.start != span.start}
    found = _police_before(span, police)
    return bool(found) and all(t.dep_ == "dobj" and t.head.i in acts for t in found)


def _speaker_of(t: Token, act: Token, lex: dict[str, Any]) -> bool:
    """`t` is, or is named inside, the subject of a verb of saying whose complement holds the act
    ('Police said', 'Detective Constable Emma Rudd, of North Yorkshire Police, said: "We take
    every report of domestic abuse seriously"')."""
    for s in (t, *t.ancestors):
        if s.dep_ == "nsubj" and s.head.lower_ in lex["speech_verbs"]:
            return act.i != s.head.i and act in s.head.subtree and act not in s.subtree
        if s.dep_ not in ("pobj", "prep", "appos", "compound", "conj", "nsubj"):
            return False
    return False


def police_only_speak(span: Span, police: PoliceFinder, phrases: bool = True) -> bool:
    """Police in the sentence only report or claim what the act's clause says ("Police claim Silva
    has changed her story about the theft"), are told it ("told the police that she had died"),
    or stand beside it ("he died despite efforts by officers to save him"): every police noun
    phrase is the subject or the one told of a speech verb whose complement holds the act, or
    (with `phrases`) inside an attribution or concession phrase."""
    act = act_token(span)
    sent = act.sent
    found = [
        t
        for t in sent
        if t.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "appos", "conj")
        and police.head_is_police(t)
    ]
    if not found:
        return False
    return all(
        _speaker_of(t, act, police.lex)
        or _names_what(t)
        # told police: 'initially told the police that she had died by suicide'
        or (
            t.dep_ in ("dobj", "dative")
            and t.head.lower_ in police.lex["speech_verbs"]
            and act.i != t.head.i
            and act in t.head.subtree
        )
        or (phrases and _attribution(t, sent.root, police.lex))
        for t in found
    )


def undergoes(span: Span) -> bool:
    """The act of the match is a verb whose subject is the one harmed ("died", "collapsed")."""
    return act_token(span).lower_ in lexicon()["undergo_verbs"]


def done_with_police_weapon(span: Span) -> bool:
    """The act of the match was done with a police-only weapon ('shot with pepper balls', 'shot in
    the head by an impact munition'): a less-lethal use of force, not a shooting that kills."""
    act = act_token(span)
    return _is_clause(act) and _weapon_inside(act, PoliceFinder(span.doc, weapons=True))


def shot_at(span: Span) -> bool:
    """The act of the match is a verb of shooting aimed 'at' someone ('police shoot at the
    protesters'): fired on, which by itself says nobody was hit or killed."""
    act = act_token(span)
    return _is_clause(act) and any(c.dep_ == "prep" and c.lower_ == "at" for c in act.children)


def negated(span: Span) -> bool:
    """The act of the match is said not to have happened: the verb (or the verb it is coordinated
    with) is negated ('officers did not fire', 'never shot him'), counterfactual ('could have been
    killed'), or its subject is nobody ('None of our officers fired their weapons', 'no one was
    hurt')."""
    act = act_token(span)
    if act.dep_ == "dobj" and _is_clause(act.head):
        act = act.head  # 'No officer fired a shot': the act noun is what the verb did
    if not _is_clause(act):
        return False
    # a coordinated verb shares the negation of the first ('did not shoot or kill him') unless
    # it has a subject of its own ('no officer was hurt, and the man was shot')
    shares = act.dep_ == "conj" and _child(act, _SUBJ + _PASS_SUBJ) is None
    verbs = (act, act.head) if shares else (act,)
    if any(_child(v, ("neg",)) is not None for v in verbs):
        return True
    auxes = {c.lower_ for c in act.children if c.dep_ in ("aux", "auxpass")}
    if auxes & {"could", "would", "'d"} and "have" in auxes:
        return True  # what did not happen: 'could easily have been killed', 'would have shot him'
    subj = _child(act, _SUBJ + _PASS_SUBJ)
    if act.dep_ == "advcl" and any(
        c.lower_ in ("when", "while") and c.dep_ in ("mark", "advmod") for c in act.children
    ):
        # 'no officers were present when the man was restrained': police were not there
        lead = _child(act.head, _SUBJ)
        if lead is not None and _nobody(lead):
            return True
    return subj is not None and _nobody(subj)


def _nobody(subj: Token) -> bool:
    return subj.lower_ in ("none", "nobody", "neither") or any(
        c.dep_ == "det" and c.lower_ in ("no", "neither") for c in subj.children
    )


def act_is_clause(span: Span) -> bool:
    """The act of the match is a verb (a clause), not a noun (the doc must be parsed)."""
    return _is_clause(act_token(span))


def investigated_crime(span: Span) -> bool:
    """The crime word only names what police investigate: a modifier of an investigating noun
    ('a murder investigation', 'a burglary suspect', 'sexual assault investigations'), not the act
    itself ('a murder charge')."""
    nouns = lexicon()["investigating_nouns"]
    return any(
        tok.dep_ in ("compound", "amod", "nmod")
        and tok.head.i >= span.end
        and tok.head.lower_ in nouns
        for tok in (span[0], span[-1])
    )


def death_of_someone(span: Span) -> bool:
    """The act is a death noun owned by a person pronoun ('His death was ruled an accident'): after
    police were shown acting on someone, the death of that someone."""
    tok = span[0]
    poss = _child(tok, ("poss",))
    return (
        tok.lower_ in ("death", "deaths")
        and poss is not None
        and poss.lower_
        in (
            "his",
            "her",
            "their",
        )
    )


def restraint_as_virtue(span: Span) -> bool:
    """'restraint' as a virtue shown, not a hold used: the object of a verb of showing or praising
    ('officers showed great restraint', 'praised the restraint of the officers'), or the manner
    of an act ('acted with restraint')."""
    tok = span[0]
    if tok.lower_ != "restraint":
        return False
    lex = lexicon()
    if tok.dep_ == "dobj" and tok.head.lower_ in lex["virtue_verbs"]:
        return True
    if tok.dep_ == "pobj" and tok.head.lower_ in ("for", "with"):
        gov = tok.head.head
        return gov.lower_ in lex["virtue_verbs"] or (gov.dep_ == "ROOT" and gov.lower_ == "acted")
    return False


def done_to_a_door(span: Span) -> bool:
    """The force verb's object is a door, a window or a gate ('kicked down the front door',
    'kicked in the door'): entry, not force on a person."""
    tok = span[0]
    entry = lexicon()["entry_nouns"]
    doc = tok.doc
    if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in ("open", "down", "in", "through"):
        # 'kicking open the locked front door', however the parse hung the words
        for t in doc[tok.i + 2 : tok.i + 7]:
            if t.is_punct:
                break
            if t.lower_ in entry:
                return True
    if not _is_clause(tok):
        return False
    obj = _child(tok, ("dobj",))
    if obj is not None:
        return obj.lower_ in entry
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("in", "down", "through"):
            pobj = _child(c, ("pobj",))
            return pobj is not None and pobj.lower_ in entry
    return False


def modifier_not_act(span: Span) -> bool:
    """The matched word only modifies a noun ('a throw line', 'a punch bag'): no act. Not after a
    police noun, where it is a verb the parse misread ('Police pin protesters against a wall')."""
    tok = span[0]
    if len(span) != 1 or tok.dep_ != "compound":
        return False
    return tok.i == 0 or tok.nbor(-1).lower_ not in lexicon()["police_nouns"]


def names_a_remit(span: Span) -> bool:
    """The act word only modifies a noun naming who or what deals with such acts ('fire crews were
    on standby', 'of Essex Police's domestic abuse unit', 'a shooting range'): no act anyone did."""
    lex = lexicon()

    def head_noun(tok: Token) -> Token:  # 'child abuse investigation team': the last noun
        while tok.dep_ == "compound" and tok.head.i > tok.i:
            tok = tok.head
        return tok

    return any(
        tok.dep_ == "compound"
        and tok.head.i > tok.i
        and head_noun(tok).lower_ in lex["remit_nouns"]
        for tok in {span[0], span[-1]}
    )


def outside_its_phrase(span: Span) -> bool:
    """A match that opens with a preposition ends outside that preposition's phrase ('thrown
    against a wall and suffered neck injuries' is no 'against ... neck'): words that are only near."""
    first = span[0]
    return len(span) > 1 and first.dep_ == "prep" and span[-1] not in first.subtree


def other_sense(span: Span) -> bool:
    """A force verb whose particle gives it another sense ('kicked off his boots', 'hit out at the
    critics'): no act of force."""
    tok = span[0]
    particles = lexicon()["other_sense_particles"].get(tok.lower_)
    if not particles:
        return False
    # the particle, or a preposition the parse took it for right after an active verb with no
    # object ('pinned on her badge'; not 'pinned him on the ground', 'was pinned on the ground')
    loose = not _has_object(tok) and not _is_passive(tok)
    return any(
        c.lower_ in particles
        and (c.dep_ == "prt" or (loose and c.dep_ == "prep" and c.i == tok.i + 1))
        for c in tok.children
    )


def cause_of_death(span: Span) -> bool:
    """'the cause of death' (no 'his', no 'the' before 'death'): the medical finding's name, not
    an act ('police have not released the cause of death')."""
    tok = span[0]
    return (
        len(span) == 1
        and tok.lower_ == "death"
        and tok.dep_ == "pobj"
        and tok.head.lower_ == "of"
        and tok.head.head.lower_ in ("cause", "causes")
        and not any(c.dep_ in ("det", "poss") for c in tok.children)
    )


def bare_noun_sense(span: Span) -> bool:
    """A verb form of the rule read as a plain noun under a preposition ('officers on the beat'):
    a one-word match the parse reads as the object of a preposition, with 'the' before it and
    nothing that says whose act or on whom, not an -ing noun ('after the beating' names an act)."""
    tok = span[0]
    return (
        len(span) == 1
        and tok.dep_ == "pobj"
        and not tok.lower_.endswith("ing")
        and tok.i > 0
        and tok.nbor(-1).lower_ == "the"
        and not any(
            c.dep_ in ("prep", "poss", "compound", "amod", "acl", "relcl") for c in tok.children
        )
    )


def fall_consequence(span: Span) -> bool:
    """The act is what a fall did: an -ing clause under a verb of falling ('fell to the ground,
    hitting his head')."""
    tok = span[0]
    return (
        tok.dep_ == "advcl"
        and tok.lower_.endswith("ing")
        and tok.i > tok.head.i  # not 'When an officer stunned him, he fell'
        and tok.head.lower_ in lexicon()["fall_verbs"]
    )


def generic_act(span: Span) -> bool:
    """The act noun is any one of its kind ('as is standard practice following any death in
    custody', 'every death in custody is investigated'): no incident."""
    act = act_token(span)
    return any(c.dep_ == "det" and c.lower_ in ("any", "every", "each") for c in act.children)


_MANY = frozenset({"dozen", "dozens", "scores", "hundreds", "thousands", "hundred", "thousand"})


def counted_acts(span: Span) -> bool:
    """The act noun counts many acts ('involved in more than 80 fatal shootings last year', 'more
    than a dozen deaths in police custody across the province'): a statistic, no one incident.
    Counts under five may be the incidents of one event ('two fatal shootings on Sunday')."""
    act = act_token(span)
    if act.pos_ not in ("NOUN", "PROPN", "") or not act.lower_.endswith("s"):
        return False
    for c in act.children:
        if c.dep_ != "nummod" or span.start <= c.i < span.end:
            continue  # the rule's own number names the thing ('999 calls')
        if c.lower_ in _MANY or any(q.lower_ in _MANY for q in c.children):
            return True
        try:
            return float(c.text.replace(",", "")) >= 5
        except ValueError:
            return False
    return False


def police_appeal_after(span: Span, police: PoliceFinder) -> bool:
    """The act is what police ask the public about, seek or investigate ('Police seek witnesses
    after 19-year-old shot and killed at house party'): a verb of appealing or investigating
    whose subject is police governs it; not an act with a police subject of its own ('Police are
    investigating after officers shot a man')."""
    act = act_token(span)
    own = _child(act, _SUBJ)
    by = _by_agent(act) or (_by_agent(act.head) if act.dep_ == "conj" else None)
    if (own is not None and police.is_police(own)) or police.is_police(by):
        return False  # 'after officers shot a man', 'after a man was shot by an officer'
    appeal = lexicon()["appeal_verbs"]
    for a in act.ancestors:
        if a.lower_ in appeal:
            subj = _child(a, _SUBJ)
            return subj is not None and police.is_police(subj)
    return False
