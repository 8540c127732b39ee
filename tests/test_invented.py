"""The invented news corpus (tests/gold/invented): its format is checked on load, and the
extraction is measured on its test split (articles never used to train or tune)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.evaluation.invented import InventedCorpusError, load_invented
from tests.extract_helpers import make_article

# measured after this session's agency changes: 14 of the 16 test-split misconduct articles have
# an incident on a sentence the writer marked; the other two have theirs on sentences the writer
# left unmarked (the officers "lied in their statements ... jailed", the examiner's ruling on a
# death after a Taser), since a writer marks some of the sentences that report it, not all
EVIDENCE_FOUND = 14 / 16
GOOD = {
    "id": "inv-x1",
    "label": "misconduct",
    "kind": "k",
    "text": "An officer hit him.",
    "evidence": [[0, 19]],
}


def _write(tmp_path, *rows) -> object:
    path = tmp_path / "news.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n",
        encoding="utf-8",
    )
    return path


def test_committed_corpus_loads_with_every_split():
    docs = load_invented()
    assert len({d.doc_id for d in docs}) == len(docs)
    assert {d.split for d in docs} == {"train", "dev", "test"}
    for d in docs:
        assert all(d.text[s:e].strip() for s, e in d.evidence)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((GOOD, GOOD), "repeated id"),
        (({**GOOD, "label": "maybe"},), "label"),
        (({**GOOD, "evidence": [[0, 999]]},), "outside the text"),
        (({**GOOD, "label": "police_not_misconduct"},), "only it has any"),
        (({**GOOD, "evidence": []},), "needs evidence"),
        (({**GOOD, "evidence": [["a", 3]]},), "pairs"),
        (({**GOOD, "text": "  "},), "empty text"),
        (("{not json",), "not JSON"),
        (("[1, 2]",), "not a JSON object"),
    ],
)
def test_a_broken_line_is_a_clear_error(tmp_path, rows, message):
    with pytest.raises(InventedCorpusError, match=message):
        load_invented(_write(tmp_path, *rows))


@pytest.mark.parametrize(
    ("label", "bound"),
    [
        # measured when the 200 articles were committed: 2 of 23 police-news articles yield an
        # incident, 16 of 16 misconduct articles do; the bounds leave no room to get worse
        ("police_not_misconduct", 2 / 23),
        ("misconduct", 1.0),
    ],
)
def test_invented_test_split_yield(nlp, label, bound):
    from flows.extract import extract_articles

    docs = [d for d in load_invented() if d.split == "test" and d.label == label]
    assert len(docs) >= 10
    extractions = extract_articles([make_article(d.text, f"{d.doc_id}.txt") for d in docs], nlp)
    share = sum(bool(x.mentions) for x in extractions) / len(docs)
    if label == "misconduct":
        assert share >= bound
        # and the incident is found where the writer marked its evidence
        on_evidence = sum(
            any(m.char_start < e and s < m.char_end for m in x.mentions for s, e in d.evidence)
            for d, x in zip(docs, extractions, strict=True)
        )
        assert on_evidence / len(docs) >= EVIDENCE_FOUND
    else:
        assert share <= bound


PROBES = Path(__file__).parent / "gold" / "invented"


@pytest.mark.parametrize(
    ("probe", "label", "count", "bound"),
    [
        # A probe of 80 further articles written for the project (2026-12-02), never used in
        # training: 40 police news that is not misconduct, 40 misconduct news (US and UK). First
        # run: 9 of 40 police-news articles yielded an incident, 39 of 40 misconduct articles did;
        # the failures found were fixed by general rules (headline passives, concession phrases,
        # case context only in a text's own voice), leaving 3 and 38; since then 2 and 38.
        ("probe.v1.jsonl", "police_not_misconduct", 40, 1 / 40),
        ("probe.v1.jsonl", "misconduct", 40, 40 / 40),
        # A second probe of 90 articles written by three independent writers (2026-12-02), never
        # used in training: 60 police news that is not misconduct, 30 misconduct news, from the
        # US, Canada, Australia, the UK, Ireland, Nigeria, Kenya, South Africa, India, the
        # Philippines and New Zealand, in metro, tabloid and wire styles. First run: 14 of 60
        # police-news articles yielded an incident, 27 of 30 misconduct articles did; general
        # fixes (negated acts, 'he'/'they' read from the sentence before, the one harmed in
        # 'after being shot', nouns that name no act) left 6 and 27: bounds at those.
        ("probe.v2.jsonl", "police_not_misconduct", 60, 5 / 60),
        ("probe.v2.jsonl", "misconduct", 30, 29 / 30),
        # A third probe of 90 articles by three further writers (2026-12-02), written after the
        # fixes above and run once before any change: 9 of 60 police-news articles yielded an
        # incident (0.15), 28 of 30 misconduct articles did. Fixes from it (police only inside a
        # relative clause, headline passives of charge verbs, a coordinated verb continuing the
        # relative clause of its form; an investigator's phrases inside a quote are a police
        # spokesperson's, not an oversight body's voice; police only as the speaker tie no
        # context rule to police; 'him' as the subject of what a video shows, 'one of them')
        # left 3 and 29: bounds at those.
        ("probe.v3.jsonl", "police_not_misconduct", 60, 2 / 60),
        ("probe.v3.jsonl", "misconduct", 30, 29 / 30),
        # A fourth probe of 60 articles by two further writers, run once after all the fixes
        # above: 8 of 40 police-news articles yielded an incident (0.20), 18 of 20 misconduct
        # articles did. A trailing -ing clause read as going on from the relative clause before
        # it ('gunmen who opened fire, killing five') left 6 and 18; the fixes from the fifth
        # probe (below) left 4 and 18: bounds at those.
        ("probe.v4.jsonl", "police_not_misconduct", 40, 1 / 40),
        ("probe.v4.jsonl", "misconduct", 20, 18 / 20),
        # A fifth probe of 80 articles by two further writers (2026-12-03; UK, US, Ireland,
        # Canada, Australia, Nigeria, Kenya, India, South Africa, Jamaica, the Philippines,
        # Singapore), run once before any change: 7 of 60 police-news articles yielded an incident
        # (0.12), 18 of 20 misconduct articles did. General fixes (an act word naming a unit or a
        # crew, a particle's other sense, what officers are honoured for, a participle describing
        # someone else or the event police were harmed in, a list of participles after a passive,
        # a preposition's phrase that does not hold the rest of the match, Irish police nouns,
        # 'wrongly arrested') left 2 and 20: bounds at those.
        ("probe.v5.jsonl", "police_not_misconduct", 60, 2 / 60),
        ("probe.v5.jsonl", "misconduct", 20, 20 / 20),
        # A sixth probe of 80 articles by two further writers (2026-12-03; US local TV, wire and
        # county papers, UK regional, Scotland, Ireland, Australia, Canada, New Zealand, India,
        # Pakistan, Kenya, Ghana), run once before any change: 3 of 60 police-news articles
        # yielded an incident (0.05), 17 of 20 misconduct articles did. General fixes ('he' is
        # never a noun naming a process, 'an investigation found he lied'; a crime word naming a
        # gang; baton charges; malfeasance in office; no participle modifies a pronoun) left 2
        # and 19: bounds at those.
        ("probe.v6.jsonl", "police_not_misconduct", 60, 2 / 60),
        ("probe.v6.jsonl", "misconduct", 20, 19 / 20),
        # A seventh probe of 80 articles by two further writers (2026-12-03), mostly misconduct
        # told in varied words (lawsuits, inquests, victims' accounts, settlements, a passing
        # sentence in a story about something else; US, UK, Australia, Canada, Ireland, India,
        # Nigeria, the Philippines, Jamaica, Brazil, Kenya), run once before any change: 53 of 60
        # misconduct articles yielded an incident (0.88), 3 of 20 police-news articles did.
        # General fixes (a hypothesis only when 'if' or 'whether' opens a clause, not a condition
        # inside one: 'he might have survived if ...'; 'failed to properly check'; ignored pleas
        # for help; vehicles rammed; a sexual assault investigation is no assault) left 57 and 2.
        ("probe.v7.jsonl", "police_not_misconduct", 20, 2 / 20),
        ("probe.v7.jsonl", "misconduct", 60, 58 / 60),
        # An eighth probe by three further writers (2026-12-03, this session's first step), run
        # once before any change. v8: 40 hard police-news articles (officers stabbed, shot, killed
        # in accidents; a councillor's 'misconduct in public office'; false reports; crime
        # statistics; UK tabloid layout, US, 10 other countries) and 20 misconduct articles: 11 of
        # 40 police-news articles yielded an incident (0.28), 18 of 20 misconduct ones did.
        # v8b: short texts: 50 MPV-style deaths (46 found), 40 protest fragments in lower case
        # (23), 25 IOPC summaries (24), 35 police briefs that are not misconduct (2 false alarms).
        # General fixes (police harmed in a dateline's apposition or a coordinated 'he'; a clause
        # with its own conjunction keeps its own subject; an act done to police is theirs to
        # suffer; 'the wounded'; 'the number of murders'; the 'of' object of a harm noun;
        # misconduct in public office needs a police doer; vehicles driven into crowds; guns
        # pointed; hyphenated police weapons; journalists arrested at protests) left 6 / 40,
        # 18 / 20, 99 / 115 and 1 / 35; a false statement needs its police author (not 'a
        # false report to police'): 5 / 40.
        ("probe.v8.jsonl", "police_not_misconduct", 40, 3 / 40),
        ("probe.v8.jsonl", "misconduct", 20, 19 / 20),
        ("probe.v8b.jsonl", "police_not_misconduct", 35, 1 / 35),
        ("probe.v8b.jsonl", "misconduct", 115, 99 / 115),
        # A ninth probe by three further writers (2026-12-03, a later session's first step), run
        # once before any change. v9: 40 UK tabloid/broadsheet and 40 US, Canadian and
        # Australian articles, each 30 hard police news (officers harmed, first aid, awards,
        # funerals, impostors) and 10 misconduct: 13 of 60 police-news articles yielded an
        # incident (0.22), 19 of 20 misconduct ones did. v9b: short texts: 40 MPV-style deaths
        # (39 found), 30 protest reports (28), 15 IOPC summaries (15), 15 police briefs (0 false
        # alarms). General fixes (a headline participle read as a noun; a subject stranded on
        # 'as'; participles listed after 'been'; counterfactuals; a death after first aid;
        # honours however parsed; bodily force while someone attacked police; 'he' is no woman;
        # a dismissed deputy under a dateline; 'covered up'; 'an officer fired, killing him';
        # 'tase', 'drag') left 4 / 60, 20 / 20, 84 / 85 and 0 / 15.
        ("probe.v9.jsonl", "police_not_misconduct", 60, 4 / 60),
        ("probe.v9.jsonl", "misconduct", 20, 20 / 20),
        ("probe.v9b.jsonl", "police_not_misconduct", 15, 0 / 15),
        ("probe.v9b.jsonl", "misconduct", 85, 84 / 85),
        # A tenth probe by two further writers (2026-12-03, later the same session), run once
        # before any change to it: 40 UK and Irish articles (inquests, coroners, prison officers,
        # security guards, impostors, chiefs' speeches on violence against women) and 40 US and
        # world articles (road rage, homeowners, gang shootouts, memorials, police dogs,
        # use-of-force statistics): 17 of 56 police-news articles yielded an incident (0.30), 24
        # of 24 misconduct ones did. General fixes (a harm whose 'when' clause names a doer who is
        # not police; a death after police found someone, or self-inflicted, outside custody; a
        # free relative 'what police are calling'; police told; 'no officers were present when';
        # prison custody; police animals; 'pinned on'; 'fatally shot' with nobody shot is
        # passive; 'No officer fired a shot') left 12 / 56 and 24 / 24; police named inside the
        # speaker's phrase ('Sgt Lomax, of Merseyside Police, said: "Racism has no place ..."')
        # only speak: 10 / 56.
        ("probe.v10.jsonl", "police_not_misconduct", 56, 9 / 56),
        ("probe.v10.jsonl", "misconduct", 24, 24 / 24),
        # An eleventh probe by two further writers (2026-12-03, later the same session): 40 UK,
        # Irish, Australian, Canadian and New Zealand articles and 40 US ones, half misconduct
        # told indirectly (settlements, inquests, hearings, appeals, a passing recall), half hard
        # police news. First run: 10 of 40 police-news articles yielded an incident (0.25), 35 of
        # 40 misconduct ones (0.875). General fixes (any one of its kind, 'following any death in
        # custody'; police seeking witnesses or investigating a crime with no police doer; a police
        # car that struck a tree) left 7 / 40 and 35 / 40.
        ("probe.v11.jsonl", "police_not_misconduct", 40, 6 / 40),
        ("probe.v11.jsonl", "misconduct", 40, 36 / 40),
        # A twelfth probe by a further writer (2026-12-03, next session's first step): 40 hard
        # police-news and 40 misconduct articles from 11 countries, each misconduct article with
        # its publication date and the writer's date, city, country, victim and agency. First run:
        # 8 of 40 police-news articles yielded an incident (0.20), 38 of 40 misconduct ones (0.95).
        # General fixes (an open complement's subject is the 'he' of its 'after' clause; of a
        # verb's two subjects the nearer is its own; a 'with' absolute is passive; someone
        # posing as police is no police; a crime word naming a call or a job; many acts counted
        # are a statistic; a sentence in capitals parsed in lower case; what someone else is
        # charged with; police dogs that bite) left 4 / 40 and 39 / 40.
        ("probe.v12.jsonl", "police_not_misconduct", 40, 3 / 40),
        ("probe.v12.jsonl", "misconduct", 40, 39 / 40),
        # A thirteenth probe by a further writer (2026-12-03, the same session), in the house
        # style of a British online tabloid covering UK and US stories (long headlines, bullet
        # summaries, one-sentence paragraphs, many quotes): 30 police news, 30 misconduct, 20
        # ordinary news with violent or legal words. First run: 6 of 30 police-news articles
        # yielded an incident (0.20), 29 of 30 misconduct, 1 of 20 ordinary. General fixes (a
        # rescue is no force; a verb of saying has no bare complement; a capitalised plural is
        # no name; a unit's remit through its compounds; a surname with its age) left 2 / 30,
        # 29 / 30 and 0 / 20.
        ("probe.v13.jsonl", "police_not_misconduct", 30, 2 / 30),
        ("probe.v13.jsonl", "misconduct", 30, 29 / 30),
        ("probe.v13.jsonl", "no_police", 20, 0 / 20),
        # A fourteenth probe by a further writer (2026-12-03, a later session): 40 hard police
        # news, 30 misconduct and 10 ordinary articles, half UK, half US, Canada, Australia,
        # Ireland, New Zealand, South Africa, India, Nigeria and Kenya, in tabloid, broadsheet,
        # local TV, wire, brief, feature and live-blog styles. First run: 8 of 40 police-news
        # articles yielded an incident (0.20), 29 of 30 misconduct, 0 of 10 ordinary. General
        # fixes (honoured as an object or with a tribute; what someone was saved from; 'those
        # killed'; a prepositional force phrase of someone else's verb; coordinated verbs of one
        # who attacked police while arrested) left 4 / 40 and moved v1, v2, v11 and v12 by one.
        ("probe.v14.jsonl", "police_not_misconduct", 40, 4 / 40),
        ("probe.v14.jsonl", "misconduct", 30, 29 / 30),
        ("probe.v14.jsonl", "no_police", 10, 0 / 10),
        # v12's round also moved earlier probes (bounds above raised to the level reached): v3
        # and v8 police news 3 -> 2 and 5 -> 3, v4 2 -> 1 (impostors, headlines' two clauses),
        # v10 10 -> 9; misconduct v2 28 -> 29, v8 18 -> 19, v11 35 -> 36 (the retrained classifier).
    ],
)
def test_probe_yield(nlp, probe, label, count, bound):
    from flows.extract import extract_articles

    docs = [d for d in load_invented(PROBES / probe) if d.label == label]
    assert len(docs) == count
    extractions = extract_articles([make_article(d.text, f"{d.doc_id}.txt") for d in docs], nlp)
    share = sum(bool(x.mentions) for x in extractions) / len(docs)
    assert share >= bound if label == "misconduct" else share <= bound


# Probes v12 and v13's misconduct articles carry their publication date and the writer's truth
# for the fields. v12, first run (before its round's fixes): year right 29 of 38 yielding
# articles, city 23, country 35, victim's surname 27 of 29 naming one; after: year 35 of 39,
# city 23, country 36, victim 29 of 30 (bylines are nobody; 'Const.' is a rank; a month 'last
# year'; the act's date told further down, in a sentence naming its people). v13 (tabloid
# style, long articles), before the date change: year 14 of 29, city 20, country 29, victim
# 24 of 24; after (a long article's mention takes the date of a sentence of its paragraph or
# one naming its people, never another paragraph's): year 24 of 29.
PROBE_FIELDS = {
    "probe.v12.jsonl": {"year": 35, "city": 24, "country": 36, "victim": 29},
    "probe.v13.jsonl": {"year": 25, "city": 21, "country": 29, "victim": 24},
    # v14, first run: year 19 of 22 stating one, city 22 of 29, country 27, victim 17 of 20; a
    # big city names its country against an agency's home read abroad (Peel, Natal): city 23,
    # country 29 (and v12 city 23 -> 24, v13 city 20 -> 21, year 24 -> 25)
    "probe.v14.jsonl": {"year": 19, "city": 23, "country": 29, "victim": 17},
}


@pytest.mark.parametrize("probe", sorted(PROBE_FIELDS))
def test_probe_fields(nlp, probe):
    import datetime as dt

    from flows.extract import extract_articles, link_mentions

    rows = [
        json.loads(line)
        for line in (PROBES / probe).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rows = [r for r in rows if r["label"] == "misconduct"]
    articles = [
        make_article(
            r["text"],
            f"{r['id']}.txt",
            published_date=dt.date.fromisoformat(r["published"]),
            date_source="metadata",
        )
        for r in rows
    ]
    right = dict.fromkeys(PROBE_FIELDS[probe], 0)
    for r, x in zip(rows, extract_articles(articles, nlp), strict=True):
        if not x.mentions:
            continue
        incidents = link_mentions([x])[0].to_dict("records")
        years = {str(i["date_start"])[:4] for i in incidents if i["date_start"] is not None}
        right["year"] += bool(r["date"]) and r["date"][:4] in years
        places = " ".join(str(i["location"] or "") for i in incidents).lower()
        right["city"] += bool(r["city"]) and r["city"].lower() in places
        right["country"] += any(i["country"] == r["country"] for i in incidents)
        if r["victim"]:
            surname = r["victim"].split()[-1].lower()
            right["victim"] += any(
                s.split()[-1].lower() == surname for i in incidents for s in i["subjects"]
            )
    assert all(right[k] >= v for k, v in PROBE_FIELDS[probe].items()), right
