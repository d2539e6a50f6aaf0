"""Understanding questions: requests, answer types, names, follow-ups, paragraph references, spelling.

Examples are not gold questions; the real spaCy model and spelling list are used (both load in about a second).
"""

from __future__ import annotations

import pytest

from rag.question import compound_parts, indirect, understand
from rag.reader import has_answer_type
from rag.spelling import SpellingCorrector

CORPUS_WORDS = [
    "economic",
    "economic",
    "economy",
    "the",
    "eu",
    "and",
    "albania",
    "will",
    "support",
    "cyber",
    "resilience",
    "security",
    "hybrid",
    "threats",
    "accession",
    "economic",
]


@pytest.fixture(scope="module")
def speller() -> SpellingCorrector:
    return SpellingCorrector(CORPUS_WORDS)


@pytest.mark.parametrize(
    ("asked", "content"),
    [
        ("Give me three bullets on Albania's cyber resilience", "Albania's cyber resilience"),
        ("I need a short paragraph on hybrid threats", "hybrid threats"),
        ("Summarise for the ambassador what the EU will do on hybrid threats", "what the EU will do on hybrid threats"),
        ("Talking points: EU support to Albania", "EU support to Albania"),
        ("What will the EU do on cyber?", "What will the EU do on cyber?"),
        ("List the hybrid threats named in the text.", "the hybrid threats named in the text"),  # the thing asked
        ("Prepare a summary of the cyber resilience work.", "the cyber resilience work"),  # an artefact of it
        ("Talking points on hybrid threats please.", "hybrid threats"),  # "please" is no verb
        ("Prepare a short note on EU support to the Kosovo police.", "EU support to the Kosovo police"),
        # what the text is to include is content too ("with the key dates": dates are asked for)
        ("Draft a line for the speech on Arctic shipping, with the key dates.", "Arctic shipping with the key dates"),
        ("Could you please list the hybrid threats?", "the hybrid threats"),
        # a participle says what the text holds, on the text or on whom it is for; "set out" is an imperative
        ("Draft a paragraph for the press team summarising our cyber work.", "our cyber work"),
        ("Write one line for the envoy's speech highlighting hybrid threats.", "hybrid threats"),
        ("For the desk, set out the hybrid threats with dates.", "the hybrid threats with dates"),
        ("Write a line for the envoy's remarks on EU support to the Kosovo police.", "EU support to the Kosovo police"),
        # the wh-word a preposition governs from afar stays in front
        (
            "For the COREPER note, summarise in two bullets what the EU commits to on cyber.",
            "what the EU commits to on cyber",
        ),
        # the counted form of the text is no content
        ("Summarise the plan's cyber part in two sentences.", "the plan's cyber part"),
        # a thing someone has, or a clause, is what is asked about, not a text to write
        (
            "Compare the Council's plan on drones with its plan on ports.",
            "the Council's plan on drones with its plan on ports",
        ),
        ("Compare what the plan says on drones versus on ports.", "what the plan says on drones versus on ports"),
    ],
)
def test_a_request_clause_is_removed_and_its_content_kept(speller, asked: str, content: str) -> None:
    assert understand(asked, [], speller).content == content


def test_bullets_are_noticed_outside_the_content(speller) -> None:
    assert understand("Give me bullets on cyber resilience", [], speller).bullets
    assert not understand("What does the EU support?", [], speller).bullets


@pytest.mark.parametrize(
    ("asked", "answer_type"),
    [
        ("When did the talks open?", "date"),
        ("In what year was it adopted?", "date"),
        ("How many declarations are there?", "number"),
        ("How often will they meet?", "frequency"),
        ("Who will monitor the work?", "body"),
        ("In which country is the mission based?", "place"),  # spaCy's gloss of GPE: "Countries, cities, states"
        ("Which agency runs the mission?", "body"),  # of ORG: "Companies, agencies, institutions"
        ("Which bodies of water does it patrol?", "general"),  # a gloss item narrowed by "of" names nothing
        ("Does the EU support Albania?", "yes_no"),
        ("Is Albania a member?", "yes_no"),
        ("What does paragraph 4 say?", "lookup"),
        ("What will the EU support?", "general"),
        ("Is it the EU that funds the exercises?", "yes_no"),  # a cleft: "that" asks nothing
        ("Under the agreement, does the EU fund the exercises?", "yes_no"),
        ("Is there a mission which trains police?", "yes_no"),
        ("According to the agency, has the EU met its goal?", "yes_no"),
        ("wat does the EU do on cyber", "general"),
        ("and the date?", "date"),  # a fragment naming the kind of answer it asks for
        ("the number?", "number"),
        ("What is the aim of the patrols?", "purpose"),  # what it is for, however the paragraph words it
        ("What does OSCE stand for?", "expansion"),  # the words an acronym abbreviates
        ("what's OSCE short for", "expansion"),
        ("With what goal?", "purpose"),
    ],
)
def test_answer_type(speller, asked: str, answer_type: str) -> None:
    assert understand(asked, [], speller).answer_type == answer_type


def test_names_are_named_things_not_capitalised_words(speller) -> None:
    question = understand("Bullets please: what does the EU-Moldova partnership say on Cyber?", [], speller)
    assert "Moldova" in question.names and "Bullets" not in question.names


def test_a_follow_up_carries_the_subject_and_reads_ellipsis_against_the_previous_topic(speller) -> None:
    history = ["What will the EU do on hybrid threats with Albania?"]
    elliptical = understand("and when?", history, speller)
    assert elliptical.answer_type == "date" and "Albania" in elliptical.search_text
    assert {t.stem for t in elliptical.readings()[-1]} >= {"hybrid", "threat"}
    new_topic = understand("and what about space?", history, speller)
    assert "Albania" in new_topic.search_text
    assert [t.written for t in new_topic.readings()[0]] == ["space"]


def test_a_new_question_in_a_chat_keeps_its_own_type_and_names(speller) -> None:
    history = ["What is the budget of the partnership?"]
    question = understand("Was the Hybrid Risk Survey completed in 2019?", history, speller)
    assert question.answer_type == "yes_no" and question.carried_terms == ()
    assert question.figures == ("2019",)


@pytest.mark.parametrize(
    ("asked", "number", "last"),
    [("What does paragraph 12 say?", 12, False), ("¶26?", 26, False), ("para 3 of the EEAS page", 3, False),
     ("last paragraph of the web page", None, True), ("What is in point 7 of the plan?", 7, False),
     ("2nd para of the web page?", 2, False), ("the fourth paragraph of the page", 4, False),
     ("the opening paragraph", 1, False)],
)  # fmt: skip
def test_paragraph_references(speller, asked: str, number: int | None, last: bool) -> None:
    reference = understand(asked, [], speller).lookup
    assert reference is not None and (reference.number, reference.last) == (number, last)


def test_the_cover_note_is_looked_up_and_read_by_answer_type(speller) -> None:
    whole = understand("what's on the cover note?", [], speller)
    assert whole.lookup is not None and whole.lookup.cover and whole.answer_type == "lookup"
    number = understand("What is the document number on the cover note?", [], speller)
    assert number.lookup is not None and number.answer_type == "number"


def test_several_points_are_wanted_for_requests_and_plural_questions(speller) -> None:
    assert understand("Which areas does the partnership cover?", [], speller).wants_list
    assert understand("Give me a line on cyber resilience", [], speller).wants_list
    assert not understand("When did the talks open?", [], speller).wants_list


def test_lower_case_chat_words_are_not_taken_for_names(speller) -> None:
    assert understand("hybrid threat stuff btw eu n albania?", [], speller).names == ()


def test_spelling_fixes_typos_but_never_real_words_or_names(speller) -> None:
    assert speller.correct("cyber resilence suport") == "cyber resilience support"
    assert speller.correct("disinformation") == "disinformation"  # an English word the corpus lacks
    assert speller.correct("cybersecurity") == "cyber security"
    assert speller.correct("hybird thretas") == "hybrid threats"  # transpositions
    assert speller.correct("econ") == "economic"  # an abbreviation the corpus spells out
    assert speller.correct("Tirana and Moldova") == "Tirana and Moldova"
    # a typo one letter short of a wh-word is the wh-word, not a corpus word ("wats" was "was": a yes/no question)
    assert speller.correct("wats the plan, whn and wher") == "whats the plan, when and where"
    # of equally close words, the one keeping the first letter ("dressed" is commoner, typists keep first letters)
    assert speller.correct("who is it adressed to") == "who is it addressed to"


def test_mood_and_focus(speller) -> None:
    assert understand("Has Albania joined the projects?", [], speller).mood == "past"
    assert understand("Will Albania join the projects?", [], speller).mood == "future"
    assert understand("Is Albania a member?", [], speller).mood == "present"
    assert understand("What is the budget of the support?", [], speller).focus == "budget"
    assert understand("When was it adopted?", [], speller).focus == ""


def test_indirect_question_for_the_partial_note() -> None:
    assert indirect("is moldova in pesco?") == "whether moldova is in pesco"  # the parser hung "in pesco" on it
    assert indirect("When will the Dialogue meet?") == "when the Dialogue will meet"
    assert indirect("Will the EU fund the exercises?") == "whether the EU will fund the exercises"
    assert indirect("When does the EU start its support?") == "when the EU starts its support"
    assert indirect("Does Albania have a strategy?") == "whether Albania has a strategy"
    assert indirect("Is anything planned for drones?") == "whether anything is planned for drones"
    assert indirect("Is there a veto clause in the treaty?") == "whether there is a veto clause in the treaty"
    assert indirect("Is the dialogue annual?") == "whether the dialogue is annual"  # parsed "the dialogue annual"
    assert indirect("Is the treaty document public?") == "whether the treaty document is public"
    assert indirect("What recommendations did the survey make?") == "what recommendations the survey made"
    assert indirect("How many troops does Albania deploy?") == "how many troops Albania deploys"
    assert indirect("How often will the Dialogue meet?") == "how often the Dialogue will meet"
    assert (
        indirect("According to the agency, is the mission armed?")
        == "whether, according to the agency, the mission is armed"
    )
    assert indirect("Has that been decided?") == "whether that has been decided"  # "that" points back, asks nothing
    # where the parse hides the subject's end, the question is quoted rather than garbled ("whether Does …")
    assert indirect("Does the agency page credit Serbia with a record of reform?") == (
        "the answer to “Does the agency page credit Serbia with a record of reform?”"
    )


@pytest.mark.parametrize(
    ("answer_type", "text", "expected"),
    [("date", "It was held in July 2022.", True), ("date", "It was held.", False),
     ("number", "the three Joint Declarations", True), ("number", "the Joint Declarations", False),
     ("frequency", "an annual Security and Defence Dialogue", True), ("frequency", "a Dialogue", False),
     ("date", "This may entail a contribution.", False), ("date", "May 2023 saw a meeting.", True)],
)  # fmt: skip
def test_answer_type_presence(answer_type: str, text: str, expected: bool) -> None:
    assert has_answer_type(answer_type, text) is expected


@pytest.mark.parametrize(
    ("asked", "parts"),
    [("Who hosts the forum, and how often does it convene?", ["Who hosts the forum?", "How often does it convene?"]),
     ("Is Norway a member and does it pay?", ["Is Norway a member?", "Does it pay?"]),
     ("What will France and Spain do on maritime security?", ["What will France and Spain do on maritime security?"]),
     ("How will the parties plan and run joint patrols?", ["How will the parties plan and run joint patrols?"]),
     ("When were the maritime strategy and the cyber agenda adopted?",
      ["When were the maritime strategy adopted?", "When were the cyber agenda adopted?"]),
     ("When did France and Spain sign the treaty?", ["When did France and Spain sign the treaty?"])],
)  # fmt: skip
def test_a_compound_question_is_split_into_its_questions(asked: str, parts: list[str]) -> None:
    assert compound_parts(asked) == parts


def test_a_pro_form_refers_back_to_the_previous_part(speller) -> None:
    follow_up = understand("When were the older ones signed?", ["Which treaties bind the parties?"], speller)
    assert "ones" not in {t.written for t in follow_up.terms}
    assert {t.written for t in follow_up.carried_terms} >= {"treaties"}


def test_a_multiword_name_is_also_searched_and_matched_as_its_acronym(speller) -> None:
    from rag.corpus import name_in
    from rag.text import all_stems

    asked = understand("What does the Arctic Council say about shipping?", [], speller)
    assert asked.search_text.split()[-1] == "AC"
    assert name_in("Arctic Council", all_stems("Talks were held within the AC on shipping."))
    assert not name_in("Arctic Council", all_stems("Talks were held on shipping."))
    # initials never cross a dash, nor stand for a name holding an acronym
    assert not name_in("Arctic Navy", all_stems("The Arctic–Nordic talks"))
    assert not name_in("EUFOR Arctic", all_stems("The EU and Arctic states met."))
    assert name_in("EU-Nordic CFSP/CSDP", all_stems("The EU and Nordic states within CFSP/CSDP"))  # each part


def test_a_real_word_the_corpus_lacks_is_left_alone_when_the_model_vocabulary_knows_it() -> None:
    """pyspellchecker's list lacks "cyber": without the model's vocabulary it became "caber"."""
    from rag.embedding import vocabulary_words
    from rag.settings import Settings

    public_words = ["western", "balkans", "missions", "operations", "alignment", "commitment"]
    speller = SpellingCorrector(public_words, vocabulary_words(Settings()))
    assert speller.correct("what about cyber and nato") == "what about cyber and nato"
    assert speller.correct("the comitment of the westen balkans") == "the commitment of the western balkans"


@pytest.mark.parametrize(
    ("asked", "parts"),
    [
        ("what does albania commit to on cyber and on hybrid threats?",
         ["What does albania commit to on cyber?", "What does albania commit to on hybrid threats?"]),
        ("Tell me about PESCO and the European Defence Agency.",
         ["Tell me about PESCO.", "Tell me about the European Defence Agency."]),
        # one topic: a name, shared modifiers, coordinated adjectives, a coordinated subject
        ("What do the EU and Albania commit to on Women, Peace and Security?", None),
        ("What will they share about foreign information manipulation and interference?", None),
        ("What does Albania commit to on cyber and hybrid threats?", None),
    ],
)  # fmt: skip
def test_coordinated_topics_are_asked_one_by_one(asked: str, parts: list[str] | None) -> None:
    from rag.question import compound_parts

    assert compound_parts(asked) == (parts or [asked])


def test_slot_words_mood_words_and_document_framing_are_not_topics(speller) -> None:
    dated = understand("In what year did the Commission adopt its strategy?", [], speller)
    assert "year" not in {t.written for t in dated.terms} and dated.answer_type == "date"
    possible = understand("Does the plan foresee a potential contribution to the force?", [], speller)
    assert possible.mood == "possible" and "potential" not in {t.written for t in possible.terms}
    often = understand("Is the dialogue held twice a year?", [], speller)
    assert often.periods == ("twice yearly",) and "year" not in {t.written for t in often.terms}
    gerund = understand("Summarise what the plan says about smuggling.", [], speller)
    assert {t.written: t.weight for t in gerund.terms}["smuggling"] == 1.0
    framed = gerund.referring_to({"doc"}, {"plan"})
    assert [t.written for t in framed.terms] == ["smuggling"]  # "the plan says" only frames the question


def test_a_cleft_question_puts_its_focus_in_the_subject(speller) -> None:
    assert understand("Is it Albania that will train the EU's forces?", [], speller).subject == "Albania"


def test_a_follow_up_with_a_new_owner_swaps_out_the_old_one(speller) -> None:
    follow = understand("and the EU's equivalent?", ["When was Albania's defence plan adopted?"], speller)
    assert follow.replaced == ("Albania",) and "Albania" not in follow.carried_names
    assert {"plan", "adopted"} <= {t.written for t in follow.carried_terms} and follow.answer_type == "date"


def test_a_verbless_request_keeps_the_topic_phrase_inside_it(speller) -> None:
    asked = understand("Quick note for a visiting minister on what the EU offers on cyber.", [], speller)
    assert asked.content == "what the EU offers on cyber"


def test_coordinated_things_and_phrases_naming_a_set_are_found(speller: SpellingCorrector) -> None:
    listed = understand("What underpins the relations, the participation and the exchange of information?", [], speller)
    assert set(listed.coordinated) == {"relat", "particip", "exchang"}  # with and without "and"
    joined = understand("What is said about the war and the support for Ukraine?", [], speller)
    assert set(joined.coordinated) == {"war", "support"}
    single = understand("What is said about the support for Ukraine?", [], speller)
    assert single.coordinated == ()
    assert "document" in understand("What do both documents say about space?", [], speller).set_heads
    assert "report" in understand("What does each report say on drones?", [], speller).set_heads
    assert "report" not in understand("What does the report say on drones?", [], speller).set_heads


@pytest.mark.parametrize(
    ("asked", "content", "count"),
    [
        ("Give me two bullets on what the partnership says about drones, for the minister's speech.",
         "what the partnership says about drones", 2),
        ("For the steering brief: three bullets on how the partnership will be reviewed.",
         "how the partnership will be reviewed", 3),
    ],
)  # fmt: skip
def test_the_request_around_a_question_is_removed_whatever_the_parser_attaches_it_to(
    speller: SpellingCorrector, asked: str, content: str, count: int
) -> None:
    question = understand(asked, [], speller)
    assert question.content == content and question.count == count and question.bullets


def test_a_copular_yes_needs_its_subject_in_the_sentence(speller: SpellingCorrector) -> None:
    from rag.reader import _subject_absent

    asked = understand("Is the partnership a binding agreement?", [], speller)
    assert _subject_absent(asked, "The Stabilisation and Association Agreement underlines the joint commitment.")
    assert not _subject_absent(asked, "The partnership is a political agreement.")
    assert not _subject_absent(understand("Does the EU support Albania?", [], speller), "Albania will act.")


def test_another_form_of_a_corpus_word_is_not_corrected(speller: SpellingCorrector) -> None:
    assert speller.correct("threat resiliences") == "threat resiliences"  # "threats", "resilience" are corpus words
    assert speller.correct("hybird") == "hybrid"


def test_where_in_a_named_document_asks_for_every_place_the_topic_comes_up(speller: SpellingCorrector) -> None:
    asked = understand("Where in the partnership does cyber come up?", [], speller)
    where = asked.referring_to({"sdp"}, {"partnership"})
    assert where.answer_type == "general" and where.wants_list
    place = understand("Where is EUFOR Althea deployed?", [], speller).referring_to(set(), set())
    assert place.answer_type == "place" and not place.located
    assert where.located and [t.written for t in where.terms] == ["cyber", "come"]
    parts = understand("In which sections is hybrid warfare discussed?", [], speller).referring_to(set(), set())
    assert parts.located and "sections" not in [t.written for t in parts.terms]
    mentions = understand("Are there any mentions of space?", [], speller).referring_to(set(), set())
    assert mentions.located and [t.written for t in mentions.terms] == ["space"]
    number = understand("What is the EEAS reference of the partnership?", [], speller).referring_to({"sdp"}, set())
    assert not number.located  # a reference number, not the places something is referred to


def test_a_sentence_that_only_asks_for_a_form_leaves_the_question_to_the_other(speller: SpellingCorrector) -> None:
    question = understand("Which threats are named? Give me bullets.", [], speller)
    assert question.content == "Which threats are named?" and question.bullets
    assert (
        understand("Which threats are named? Give me bullets on cyber.", [], speller).content
        != "Which threats are named?"
    )


def test_a_chat_abbreviation_of_a_stop_word_is_not_a_topic(speller: SpellingCorrector) -> None:
    asked = understand("space in the eeas page pls, thx", [], speller)  # spaCy's norms: "please", "thanks"
    assert [t.written for t in asked.terms if t.written in ("pls", "space")] == ["space"]


def test_a_choice_between_two_predicates_is_not_a_yes_no_question(speller: SpellingCorrector) -> None:
    assert understand("Is EULEX Kosovo civilian or military?", [], speller).answer_type == "general"
    assert understand("Are they only observers, or do they contribute?", [], speller).answer_type == "general"
    assert understand("is albania in nato or not", [], speller).answer_type == "yes_no"
    assert understand("Does the partnership cover cyber or space?", [], speller).answer_type == "yes_no"


def test_a_requests_closing_for_phrase_says_whom_it_is_for_unless_it_names_a_thing(speller) -> None:
    asked = "Three quick points on cyber cooperation with Albania for the CONOP working party."
    audience = understand(asked, [], speller)
    assert audience.names == ("Albania",) and {t.written for t in audience.terms} == {"cyber", "cooperation"}
    named = understand("Give me lines on EU support for Ukraine", [], speller)
    assert "Ukraine" in named.names
    inside = understand("Put together a paragraph for the steering note on PESCO and defence prospects", [], speller)
    assert "PESCO" in inside.names  # the topic is inside the "for" phrase


def test_a_capital_used_for_its_government_is_asked_about_as_its_country(speller) -> None:
    acting = understand("What will Tirana do together with Kyiv?", [], speller)
    assert acting.names == ("Albania", "Ukraine") and not acting.terms and "Albania" in acting.search_text
    assert understand("How is Moscow's invasion described?", [], speller).names == ("Russia",)
    assert "Tirana" in understand("Will the dialogue be held in Tirana?", [], speller).names  # the place itself


def test_contractions_and_digit_ordinals_are_written_out(speller) -> None:
    assert speller.correct("ecnmy and scrty") == "economy and security"  # first and last letters kept
    assert speller.correct("the 1st and 3rd threats") == "the first and third threats"


def test_names_coordinated_as_topics_may_each_have_their_own_paragraph(speller) -> None:
    assert "fimi" in understand("What support is promised across cyber, defence and FIMI?", [], speller).joint_names
    assert (
        "wps"
        in understand("Where are good practices exchanged on WPS and on cultural heritage?", [], speller).joint_names
    )
    assert understand("Will Serbia and Albania cooperate on cyber?", [], speller).joint_names == ()  # joint actors
    assert understand("What does the Security and Defence Dialogue discuss?", [], speller).joint_names == ()  # one name


def test_initials_of_a_name_skip_its_joining_words() -> None:
    from rag.text import all_stems

    assert {"wps", "sdp", "epf"} <= all_stems(
        "Women, Peace and Security; Security and Defence Partnership; European Peace Facility"
    )


def test_a_leading_for_phrase_and_a_located_thing_are_not_the_request(speller) -> None:
    note = understand("For a background note, summarise the hybrid threats in the Albania text.", [], speller)
    assert "hybrid" in {t.written for t in note.terms} and "note" not in {t.written for t in note.terms}
    assert "Albania" in understand("For Albania, what will the EU do on cyber?", [], speller).names


def test_a_wh_word_opening_a_modifying_clause_asks_nothing(speller) -> None:
    assert understand("Will the EU send experts where needed?", [], speller).answer_type == "yes_no"
    assert understand("Will the EU help when crises happen?", [], speller).answer_type == "yes_no"
    assert understand("Had the talks ended when the note was issued?", [], speller).answer_type == "yes_no"
    assert understand("Does the text say when the dialogue starts?", [], speller).answer_type == "date"


def test_the_doer_a_yes_no_question_claims(speller) -> None:
    assert understand("Did NATO train the Albanian officers?", [], speller).agent == ("NATO", "ORG", "train")
    assert understand("Is NATO an alliance?", [], speller).agent == ()
    assert understand("Who trains the officers?", [], speller).agent == ()


def test_a_chat_opener_before_the_auxiliary_still_makes_a_yes_no_question(speller) -> None:
    assert understand("And does the EU train the Kosovo police?", [], speller).answer_type == "yes_no"
    assert understand("So is the Arctic dialogue annual?", [], speller).answer_type == "yes_no"
    assert indirect("And does the EU give Kosovo any help there?") == "whether the EU gives Kosovo any help there"


def test_there_refers_back_to_the_previous_topic_unless_it_is_existential(speller) -> None:
    history = ["What will the EU do on hybrid threats with Albania?"]
    there = understand("Does the EU give Albania any specific help there?", history, speller)
    assert {t.stem for t in there.readings()[-1]} >= {"hybrid", "threat"}
    existential = understand("Is there any specific help for Albania?", history, speller)
    assert not existential.carried_terms


def test_a_wh_fragment_follow_up_asks_about_the_previous_subject(speller) -> None:
    history = ["Does the EU support the Kosovo police?"]
    aim = understand("With what aim?", history, speller)
    assert "Kosovo" in " ".join(aim.names) and {t.stem for t in aim.readings()[-1]} >= {"support"}
    new_topic = understand("and what about cyber?", history, speller)
    assert [t.written for t in new_topic.readings()[0]] == ["cyber"] and not new_topic.names


def test_a_chat_word_the_parser_attaches_as_punctuation_is_no_topic(speller) -> None:
    asked = understand("whats EUPM lol", [], speller)
    assert "lol" not in {t.written for t in asked.terms}


def test_a_number_standing_alone_is_a_topic_but_not_a_count_a_year_or_a_looked_up_reference(
    speller: SpellingCorrector,
) -> None:
    def terms(asked: str) -> set[str]:
        return {t.written for t in understand(asked, [], speller).terms}

    assert "1325" in terms("Is resolution 1325 cited anywhere?") and "2510/19" in terms("Does 2510/19 come up?")
    assert not {"3", "2019"} & terms("Were 3 declarations signed in 2019?")
    assert not terms("What does paragraph 12 say?") & {"12"}


def test_possibility_nouns_set_the_mood_and_do_support_makes_a_verb(speller) -> None:
    possible = understand("Does the plan mention the possibility of Serbia joining the projects?", [], speller)
    assert possible.mood == "possible" and "possibility" not in {t.written for t in possible.terms}
    # a gerund with its own subject is a verb of the clause, not a topic noun
    assert {t.written: t.weight for t in possible.terms}["joining"] == 0.5
    # tagged a noun, but with do-support and a subject it is the verb: "feature" frames where the UN comes up
    featured = understand("Where does the United Nations feature in the plan?", [], speller)
    assert {t.written: t.weight for t in featured.terms}["feature"] == 0.5


def test_words_offered_as_alternatives_are_grouped(speller) -> None:
    asked = understand("Which offices or agencies will the Council consult?", [], speller)
    assert asked.alternatives == (("offic", "agenc"),)
    assert understand("Which offices and agencies will it consult?", [], speller).alternatives == ()
    assert "versus" not in {t.written for t in understand("ports versus airports", [], speller).terms}


def test_chat_abbreviations_are_written_out_from_a_general_slang_table(speller, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # reading the table leaves nothing behind (importing its module writes a pickle)
    assert speller.correct("strategy - yr adopted? abt cyber") == "strategy - year adopted? about cyber"
    assert speller.correct("hw often") == "how often"  # a wh-word with a letter left out comes first
    assert speller.correct("pls") == "please"  # spaCy's norm table
    assert "tldr" not in speller.slang  # its expansion would add topics ("long", "read")
    assert list(tmp_path.iterdir()) == []


def test_a_wh_fragment_is_a_question_not_a_request(speller) -> None:
    asked = understand("how many joint exercises on cyber in 2023", [], speller)
    assert asked.content.lower() == "how many joint exercises on cyber in 2023" and not asked.requested


def test_a_purpose_is_an_infinitive_saying_what_for() -> None:
    from rag.reader import has_answer_type

    assert has_answer_type("purpose", "The Council funds the patrols to protect the coast.")
    assert has_answer_type("purpose", "They act with the aim to reduce the risks.")
    assert not has_answer_type("purpose", "The Council will continue to fund the patrols.")  # "continue to": no aim
    assert "aim" not in {
        t.written for t in understand("What is the aim of the patrols?", [], SpellingCorrector([])).terms
    }


def test_a_pronoun_standing_for_the_topic_makes_the_previous_names_required(speller) -> None:
    follow = understand("Could the EU fund projects on that?", ["What does the plan say about Moldova?"], speller)
    assert "Moldova" in follow.names and "Moldova" not in follow.carried_names
    actor = understand("Will they train the police?", ["Which missions does the EU run in Moldova?"], speller)
    assert "Moldova" not in actor.names  # a subject pronoun is the actor: the police may be trained elsewhere


def test_a_named_part_of_the_text_is_picked_out_by_its_heading_not_a_topic(speller) -> None:
    asked = understand("What does the Preface section say?", [], speller)
    assert asked.names == ("Preface",) and "section" not in {t.written for t in asked.terms}
    assert understand("Which body oversees the plan?", [], speller).answer_type == "body"  # "body" as ORG's gloss


def test_an_ordinal_is_content_though_spacy_lists_it_as_a_stop_word(speller) -> None:
    assert "first" in {t.written for t in understand("Which was the first mission?", [], speller).terms}


def test_acronyms_defined_in_brackets_are_read_with_their_words() -> None:
    from rag.text import defined_acronyms

    text = "the Organisation for Security and Co-operation in Europe (OSCE) and irregular maritime arrivals (IMA)"
    assert defined_acronyms(text) == {"OSCE": "Organisation for Security and Co-operation in Europe",
                                      "IMA": "irregular maritime arrivals"}  # fmt: skip
    assert defined_acronyms("a mission (EUPM) in Bosnia") == {}  # the words before do not spell it


def test_a_phrase_spanning_the_text_says_where_to_look_not_what_about(speller) -> None:
    spanning = understand("What is said on drills across its different chapters?", [], speller)
    assert [t.written for t in spanning.terms if t.weight >= 1.0] == ["drills"] and spanning.wants_list
    topics = understand("What support is promised across cyber and hybrid threats?", [], speller)
    assert {"cyber", "threats"} <= {t.written for t in topics.terms}  # topics, not parts of the text


def test_a_count_measuring_the_text_is_no_number_of_points(speller) -> None:
    assert understand("Give me three talking points on drones.", [], speller).count == 3
    assert understand("Draft a one-paragraph note on drones.", [], speller).count is None
    assert understand("Write a 200-word summary on drones.", [], speller).count is None


def test_a_predicate_capitalised_in_a_title_is_not_another_name(speller) -> None:
    from rag.reader import said_of_another

    asked = understand("Is the Charter a non-binding treaty?", [], speller)
    assert not said_of_another(asked, "Subject: The Charter – Non-Binding Treaty (Step 2)")
    assert said_of_another(asked, "The Charter and the Accord, a Non-Binding Treaty, were signed.")


def test_a_passive_subject_is_what_the_verb_is_about_however_parsed(speller) -> None:
    """spaCy reads "was … signed" as active with "the partnership" its doer; "be" with a participle is passive."""
    signed = understand("When was the partnership signed?", [], speller)
    assert next(t for t in signed.terms if t.written == "signed").subject == ""
    signing = understand("What has the partnership signed?", [], speller)  # active: the partnership signs
    assert next(t for t in signing.terms if t.written == "signed").subject == "partnership"


def test_a_lower_case_name_the_parser_takes_for_a_verb_is_no_request(speller) -> None:
    # spaCy tags "ukraine" an imperative here; no English verb has that form, so nothing is being requested
    question = understand("ukraine training in the partnership - how long", [], speller)
    assert not question.requested
    assert {"ukrain", "train"} <= {t.stem for t in question.terms}
    assert understand("outline the hybrid threats", [], speller).requested  # a real imperative still is


def test_a_chat_question_is_parsed_as_a_question_once_its_first_word_is_capitalised(speller) -> None:
    question = understand("which western balkans countries are negotiating accession?", [], speller)
    assert question.identifies == "countries" and question.answer_type == "place"
    assert understand("eulex kosovo - still there?", [], speller).asked == "eulex kosovo - still there?"


def test_or_not_asks_both_ways_and_negates_nothing(speller) -> None:
    assert not understand("is serbia a candidate or not?", [], speller).negated
    assert understand("Is Serbia not a candidate?", [], speller).negated


def test_a_pronoun_subject_of_be_in_a_follow_up_is_the_previous_topic(speller) -> None:
    history = ["What does the partnership say about the Strategic Compass?"]
    follow_up = understand("Is that a binding commitment?", history, speller)
    assert "Compass" in " ".join(follow_up.names)
    actor = understand("Does it commit money?", history, speller)  # the subject of another verb is the actor
    assert "Compass" not in " ".join(actor.names)


def test_a_manner_adverb_is_a_lesser_topic_word(speller) -> None:
    question = understand("Which partners are fully aligned with the EU?", [], speller)
    terms = {t.written: t.weight for t in question.terms}
    assert terms["fully"] == 0.5 and terms["partners"] == 1.0


def test_lone_letters_are_chat_shorthand_but_not_inside_y_n_or_names(speller) -> None:
    assert speller.correct("r u sure n when") == "are you sure and when"
    assert speller.correct("exec powers y/n") == "exec powers y/n"
    assert speller.correct("annex b and e.g. a list") == "annex b and e.g. a list"


def test_an_ly_adverb_stems_with_its_adjective() -> None:
    from rag.text import stem

    assert stem("fully") == stem("full") and stem("formally") == stem("formal") and stem("currently") == stem("current")


def test_a_part_of_the_text_as_subject_says_where_to_look_not_what_about(speller) -> None:
    question = understand("Does the hybrid section mention exercises?", [], speller)
    assert [t.written for t in question.terms] == ["hybrid", "exercises"]


def test_a_bare_object_of_a_light_verb_weighs_as_the_verb(speller) -> None:
    weights = {t.written: t.weight for t in understand("When will the review take place?", [], speller).terms}
    assert weights["place"] == 0.5 and weights["review"] == 1.0
    support = {t.written: t.weight for t in understand("Will the EU give Albania its support?", [], speller).terms}
    assert support["support"] == 1.0  # a determiner makes it a thing given


def test_an_adjective_said_of_the_wh_word_describes_the_answer_not_the_topic(speller) -> None:
    assert understand("What is remarkable about the Hybrid Risk Survey?", [], speller).terms == ()
    assert "notable" not in {t.written for t in understand("What makes it notable?", [], speller).terms}
    assert "hybrid" in {t.written for t in understand("Which threats are hybrid?", [], speller).terms}


def test_a_request_with_its_own_topic_in_a_chat_is_asked_afresh(speller) -> None:
    history = ["Is Albania a member of NATO?"]
    fresh = understand("Give me three bullets on cyber resilience", history, speller)
    assert "NATO" not in fresh.search_text and not fresh.carried_names
    assert "Albania" in understand("Give me three bullets on that", history, speller).search_text  # a pronoun
