"""The answer chain with the real index, the real embedding model and the real bundled LLM."""

from __future__ import annotations

import pytest

from rag.answer import NOT_FOUND_ANSWER, PARTIAL_OPENING, Answer
from rag.chain import AnswerChain
from rag.errors import UsageError
from rag.llm import BACKENDS, create_llm
from rag.question import Term
from rag.reader import MAX_LIST_WORDS
from rag.settings import Settings
from rag.verify import check_support
from tests.fakes import ScriptedLLM

UNANSWERABLE = [
    "What is the partnership's budget in euros?",
    "What does Serbia commit to in its own partnership with the EU?",
    "What does the EU-Moldova partnership commit to on cyber?",
    "Why did Albania leave EU CSDP missions in 2021?",
    "What is the name of Albania's defence minister?",
    "How many Albanian troops are in EUFOR Althea?",
]
MODES = ["extractive", "generative"]


def _cited(answer: Answer) -> set[str]:
    return {f"{c.doc_id}#{c.para_id}" for c in answer.citations}


def _assert_well_formed(answer: Answer) -> None:
    """Every sentence carries a marker, every marker a retrieved paragraph that supports the sentence."""
    retrieved = {f"{c.doc_id}#{c.para_id}" for c in answer.candidates}
    assert _cited(answer) <= retrieved
    by_marker = {c.marker: c for c in answer.citations}
    for sentence in answer.sentences:
        assert sentence.markers and all(m in by_marker for m in sentence.markers)
        assert f"{sentence.text} [{', '.join(sentence.markers)}]" in answer.answer
        assert any(check_support(sentence.text, by_marker[m].text).supported for m in sentence.markers)
    for citation in answer.citations:
        for span in citation.supporting_spans:
            assert citation.text[span.start : span.end] == span.text
    assert len(answer.answer.split()) <= MAX_LIST_WORDS + 40  # the quotes, their markers and a lead


def test_cyber_question_is_answered_from_paragraphs_18_and_19(chain: AnswerChain) -> None:
    answer = chain.ask("What does Albania commit to on cyber?", mode="extractive")
    assert answer.status == "answered"
    assert _cited(answer) == {"eu-albania-sdp#18", "eu-albania-sdp#19"}
    assert "[¶18]" in answer.answer and "[¶19]" in answer.answer
    _assert_well_formed(answer)
    assert {"understand", "retrieve", "judge", "read", "verify"} <= answer.timings.keys()


def test_generative_mode_with_the_bundled_model_cites_only_verified_cyber_paragraphs(chain: AnswerChain) -> None:
    tokens: list[str] = []
    answer = chain.ask("What does Albania commit to on cyber?", mode="generative", on_token=tokens.append)
    assert tokens, "the bundled model streamed a draft"
    assert answer.status == "answered" and answer.mode == "generative"
    assert _cited(answer) and _cited(answer) <= {"eu-albania-sdp#18", "eu-albania-sdp#19", "eu-albania-sdp#2"}
    _assert_well_formed(answer)
    assert "generate" in answer.timings


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("question", UNANSWERABLE)
def test_questions_the_documents_do_not_answer_are_refused(chain: AnswerChain, question: str, mode: str) -> None:
    answer = chain.ask(question, mode=mode)
    assert answer.status in ("not_found", "partial"), answer.answer
    if answer.status == "not_found":
        assert answer.answer == NOT_FOUND_ANSWER
        assert answer.citations == [] and answer.sentences == []
        assert 1 <= len(answer.closest_passages) <= 3
    else:  # what the documents do say, quoted and cited, after the sentence that names the gap
        assert answer.answer.startswith(PARTIAL_OPENING) and answer.yes_no is None
        assert {c.marker for c in answer.citations} == {m for s in answer.sentences for m in s.markers}
        _assert_well_formed(answer)


def test_a_claimed_kind_is_denied_by_the_subjects_own_description(chain: AnswerChain) -> None:
    """ "the military operation EUFOR Althea" denies "a civilian operation" and confirms "a military operation";
    "first-ever" asks for the first, which a sentence on today's operations does not settle."""
    civilian = chain.ask("Is EUFOR Althea a civilian operation?")
    assert civilian.yes_no == "no" and _cited(civilian) == {"eeas-wb-cfsp-csdp#p4"}
    assert chain.ask("Is EUFOR Althea a military operation?").yes_no == "yes"
    assert chain.ask("Was the EU's first-ever CSDP mission a naval operation?").yes_no is None
    # the description denies it whichever sentence ranks first
    concordia = chain.ask("Was Concordia a civilian operation?")
    assert concordia.yes_no == "no" and "first military ESDP operation" in concordia.answer
    # a description after the name, however parsed: "(EULEX KOSOVO) – the Union's largest civilian mission"
    assert chain.ask("Is EULEX Kosovo a military operation?").yes_no == "no"
    assert chain.ask("Is EULEX Kosovo a civilian mission?").yes_no == "yes"


def test_a_claimed_doer_is_denied_by_a_sentence_naming_another_doer_of_the_same_act(chain: AnswerChain) -> None:
    """ "adopted by the European Commission" answers "Has NATO adopted …?" with a no."""
    for question in (
        "Has NATO adopted the Western Balkans Strategy?",
        "Did the European Parliament adopt the Western Balkans Strategy?",
    ):
        answer = chain.ask(question)
        assert answer.yes_no == "no" and _cited(answer) == {"eeas-wb-cfsp-csdp#p1"}, answer.answer
    assert chain.ask("Did the European Commission adopt the Western Balkans Strategy in 2018?").yes_no == "yes"
    assert chain.ask("Does Serbia take part in EU missions?").yes_no is None  # no doer of that act is named
    # "The EU and Albania have adopted strategic documents" does not say who adopted the Strategic Compass
    assert chain.ask("Did the European Commission adopt the Strategic Compass?").yes_no is None


def test_a_document_is_named_by_the_head_of_its_kind_not_by_its_modifiers(chain: AnswerChain) -> None:
    """The Council document is "the Council doc", "the document"; "the Council" is a body that acts."""
    nouns = chain.judge.corpus.document_nouns
    assert {"document", "page", "note"} <= nouns and "council" not in nouns and "web" not in nouns


def test_a_question_about_a_name_alone_is_judged_by_the_name(chain: AnswerChain) -> None:
    """No noun but the names: the paragraphs on them answer an open question, not a question for a person."""
    begun = chain.ask("How did CSDP begin in the Western Balkans?")
    assert begun.status == "answered" and "eeas-wb-cfsp-csdp#p3" in _cited(begun)
    assert chain.ask("Who heads EUFOR Althea?").status != "answered"


def test_the_n_of_x_is_not_answered_by_a_sentence_that_only_mentions_it(chain: AnswerChain) -> None:
    """ "the implementation of its recommendations" says there are recommendations, not what they are; the
    Strategy's objectives are spelled out ("outlines as objectives to expand …")."""
    mentioned = chain.ask("What exactly were the recommendations of the Hybrid Risk Survey?")
    assert mentioned.status == "partial" and _cited(mentioned) == {"eu-albania-sdp#15"}
    spelled_out = chain.ask("What are the objectives of the Western Balkans Strategy?")
    assert spelled_out.status == "answered" and _cited(spelled_out) == {"eeas-wb-cfsp-csdp#p1"}


def test_which_things_are_not_named_by_some_one_of_them_or_a_capitalised_common_noun(chain: AnswerChain) -> None:
    """ "an ESDC Network Member" is some member, not which; ¶25's "third States" names no project; "a clear
    vision for a more robust EU role" describes the vision it introduces."""
    member = chain.ask("Which ESDC Network Member will host Albania's training?")
    assert member.status == "partial" and _cited(member) == {"eu-albania-sdp#26"}
    assert chain.ask("Which PESCO projects are open to Albania?").status == "partial"
    vision = chain.ask("What kind of vision does the Strategic Compass set out?")
    assert vision.status == "answered" and "clear vision" in vision.answer


def test_a_which_noun_of_a_named_kind_is_held_by_a_name_of_that_kind(chain: AnswerChain) -> None:
    """WB p4 never says "country"; it names one ("EUFOR Althea in Bosnia and Herzegovina")."""
    where = chain.ask("In which country does EUFOR Althea serve?")
    assert where.status == "answered" and _cited(where) == {"eeas-wb-cfsp-csdp#p4"}


def test_a_covered_topic_with_a_missing_detail_is_a_partial_answer(chain: AnswerChain) -> None:
    answer = chain.ask("When does the EU start its cyber capacity building for Albania?")
    assert answer.status == "partial"
    assert answer.answer.startswith("The documents do not say when the EU starts its cyber capacity building")
    assert _cited(answer) <= {"eu-albania-sdp#19", "eu-albania-sdp#18"} and _cited(answer)


def test_yes_no_questions_get_a_yes_a_no_or_do_not_say_whether(chain: AnswerChain) -> None:
    yes = chain.ask("Does the EU support Albania's cyber resilience?")
    assert (yes.status, yes.yes_no) == ("answered", "yes") and yes.answer.startswith("Yes — ")
    assert "eu-albania-sdp#19" in _cited(yes)
    no = chain.ask("Was the Hybrid Risk Survey completed in 2019?")
    assert (no.status, no.yes_no) == ("answered", "no") and "2020" in no.answer
    ordinal = chain.ask("Was the first Intergovernmental Conference with Albania held in October 2024?")
    assert ordinal.yes_no == "no" and "July 2022" in ordinal.answer  # the second one was in October 2024
    weaker = chain.ask("Has Albania already joined PESCO projects?")  # ¶25: they "will explore" it
    assert weaker.status == "partial" and weaker.yes_no is None
    # "help strengthen": the verb leading to what the sentence says claims nothing more; "fund" is a claim of its own
    led = chain.ask("Will the EU help strengthen Albania's cyber resilience?")
    assert led.yes_no == "yes" and "eu-albania-sdp#19" in _cited(led)
    assert chain.ask("Does the partnership commit the EU to fund Albania's armed forces?").yes_no is None
    # ¶14 "defend" is said of Ukraine's independence, not of Albania, which the sentence names elsewhere
    assert chain.ask("Does the partnership commit the EU to defend Albania militarily?").yes_no is None
    # a stop-word verb is still the claim: ¶27 explores cooperation in EMPACT, ¶13 says "participation"
    assert chain.ask("Does Albania take part in EMPACT?").yes_no is None
    assert chain.ask("Does Albania take part in CSDP missions and operations?").yes_no == "yes"
    unknown = chain.ask("Will the EU pay for Albania's cyber equipment?")
    assert unknown.status == "partial" and unknown.answer.startswith("The documents do not say whether")
    # a claimed qualifier keeps the claim below the threshold; the on-topic ¶9 still says otherwise
    level = chain.ask("Is the Security and Defence Dialogue held at ambassadorial level?")
    assert level.yes_no == "no" and "Directors' level" in level.answer
    assert chain.ask("Is anything said about non-military help to Albania?").yes_no is None  # no claim to deny


def test_yes_no_checks_frequency_names_possibility_and_who_a_predicate_describes(chain: AnswerChain) -> None:
    twice = chain.ask("Does the Security and Defence Dialogue meet twice a year?")  # ¶9: an annual Dialogue
    assert twice.yes_no == "no" and "annual" in twice.answer and "eu-albania-sdp#9" in _cited(twice)
    assert twice.answer.startswith("No — Establishing")  # the quoted bullet's own dash is not repeated
    yearly = chain.ask("Will there be a Security and Defence Dialogue every year?")
    assert yearly.yes_no == "yes" and "eu-albania-sdp#9" in _cited(yearly)
    possible = chain.ask("Could Albania possibly contribute to the EU Rapid Deployment Capacity?")
    assert possible.yes_no == "yes" and "eu-albania-sdp#13" in _cited(possible)  # ¶13 "may entail"
    cleft = chain.ask("Is it Albania that supports the EU's cyber resilience?")
    assert cleft.yes_no == "no" and "eu-albania-sdp#19" in _cited(cleft)
    other = chain.ask("Is EULEX Kosovo a military operation?")  # WB p4: EUFOR Althea is; EULEX is civilian
    assert other.yes_no != "yes"
    civilian = chain.ask("Is EULEX Kosovo a civilian mission?")
    assert civilian.yes_no == "yes" and "eeas-wb-cfsp-csdp#p4" in _cited(civilian)


def test_a_compound_question_answers_each_part_with_its_own_paragraph(chain: AnswerChain) -> None:
    answer = chain.ask("When was the Hybrid Risk Survey completed, and how often will the Dialogue meet?")
    assert answer.status == "answered" and "2020" in answer.answer and "annual" in answer.answer
    assert {"eu-albania-sdp#15", "eu-albania-sdp#9"} <= _cited(answer)
    half = chain.ask("When was the Hybrid Risk Survey completed, and what budget does the EU give it?")
    assert half.status == "partial" and "2020" in half.answer and "eu-albania-sdp#15" in _cited(half)


def test_the_thing_asked_for_must_be_in_the_answer(chain: AnswerChain) -> None:
    answer = chain.ask("What is the budget of the European Peace Facility support to Albania?")
    assert answer.status == "partial" and "budget" in answer.answer.split(".")[0]


def test_a_paragraph_is_looked_up_by_its_number(chain: AnswerChain) -> None:
    answer = chain.ask("What does paragraph 17 say?")
    assert _cited(answer) == {"eu-albania-sdp#17"} and answer.status == "answered"
    eeas = chain.ask("show me paragraph 5 of the EEAS web page")
    assert _cited(eeas) == {"eeas-wb-cfsp-csdp#p5"}
    # "EEAS" is in the EEAS page's title and only in the Council document's kind ("… EEAS working document")
    assert _cited(chain.ask("eeas para 2")) == {"eeas-wb-cfsp-csdp#p2"}
    assert _cited(chain.ask("Last paragraph of the EEAS text?")) == {"eeas-wb-cfsp-csdp#p7"}
    missions = chain.ask("What CSDP missions does the EEAS page mention?")  # the parser reads "page mention"
    assert missions.status == "answered" and {c.doc_id for c in missions.citations} == {"eeas-wb-cfsp-csdp"}
    missing = chain.ask("What does paragraph 40 say?")
    assert missing.status == "not_found" and missing.closest_passages == []
    assert any("no paragraph 40" in note and "¶1–¶33" in note for note in missing.notes)


def test_a_request_for_bullets_answers_the_content_question_in_bullets(chain: AnswerChain) -> None:
    answer = chain.ask("Give me bullets for the minister on EU support to Albania's cyber resilience")
    assert answer.status == "answered" and answer.answer.startswith("- ")
    assert "eu-albania-sdp#19" in _cited(answer)


def test_an_acronym_the_documents_never_write_is_searched_as_the_words_it_abbreviates(chain: AnswerChain) -> None:
    corpus = chain.judge.corpus
    assert corpus.with_spelled_out("rdc for albania?").endswith("Rapid Deployment Capacity")  # ¶13 spells it out
    assert corpus.with_spelled_out("the sdp on cyber") == "the sdp on cyber"  # names a document: it selects it
    assert corpus.with_spelled_out("EDA and albania") == "EDA and albania"  # written in ¶25 as it is
    # words cut short that begin the words of a name the documents write are that name
    assert (
        corpus.with_names_unabbreviated("the nat sec strategy of albania")
        == "the National Security Strategy of albania"
    )
    assert corpus.with_names_unabbreviated("firearms in albania") == "firearms in albania"  # "in" is no "Inviting"
    # a word cut short before a number is the word the documents write before that number
    assert corpus.unabbreviated("talks on ch 31 and cl 1?") == "talks on Chapter 31 and Cluster 1?"
    assert corpus.unabbreviated("ch 99") == "ch 99"  # no such number in the documents
    rdc = chain.ask("albania's rdc role?")
    assert rdc.status == "answered" and _cited(rdc) == {"eu-albania-sdp#13"}


def test_misspelt_words_are_corrected_and_real_words_kept(chain: AnswerChain) -> None:
    answer = chain.ask("cyber resilence suport for albania?")
    assert answer.status == "answered" and "eu-albania-sdp#19" in _cited(answer)
    assert "resilience support" in answer.search_query


def test_follow_up_keeps_the_subject_of_the_conversation(chain: AnswerChain) -> None:
    history = [("What does Albania commit to on cyber?", "…")]
    answer = chain.ask("and on hybrid threats?", history=history)
    assert answer.status == "answered"
    assert _cited(answer) & {"eu-albania-sdp#15", "eu-albania-sdp#16", "eu-albania-sdp#17"}
    assert _cited(answer) <= {"eu-albania-sdp#15", "eu-albania-sdp#16", "eu-albania-sdp#17", "eu-albania-sdp#2"}
    assert "Albania" in answer.search_query


def test_document_filter_limits_evidence(chain: AnswerChain) -> None:
    answer = chain.ask("Which countries have a record of full alignment with the CFSP?", doc_id="eeas-wb-cfsp-csdp")
    assert "eeas-wb-cfsp-csdp#p7" in _cited(answer) and _cited(answer) <= {
        "eeas-wb-cfsp-csdp#p6",
        "eeas-wb-cfsp-csdp#p7",
    }
    assert all(c.doc_id == "eeas-wb-cfsp-csdp" for c in answer.candidates)


def test_a_failing_draft_falls_back_to_the_extractive_answer(chain: AnswerChain) -> None:
    scripted = AnswerChain(
        chain.settings, chain.index, chain.embedding_model(), ScriptedLLM("Albania will pay 5 million EUR.")
    )
    answer = scripted.ask("What does Albania commit to on cyber?", mode="generative")
    assert answer.status == "answered"
    assert _cited(answer) == {"eu-albania-sdp#18", "eu-albania-sdp#19"}
    assert "5 million" not in answer.answer
    assert any("failed verification" in note for note in answer.notes)


def test_backends_are_chosen_by_name_and_unknown_names_are_refused() -> None:
    assert {"llamacpp", "openai"} <= BACKENDS.keys()
    assert create_llm(Settings(llm_backend="none")) is None
    with pytest.raises(
        UsageError, match="RAG_LLM_BACKEND: unknown backend 'gpt9'; choose one of llamacpp, none, openai"
    ):
        create_llm(Settings(llm_backend="gpt9"))
    with pytest.raises(UsageError, match="RAG_LLM_URL: RAG_LLM_BACKEND=openai needs it"):
        create_llm(Settings(llm_backend="openai"))


def test_a_document_named_in_the_question_selects_that_document(chain: AnswerChain) -> None:
    on_page = chain.ask("What does the EEAS page say about Kosovo?")
    assert on_page.status == "answered" and {c.doc_id for c in on_page.citations} == {"eeas-wb-cfsp-csdp"}
    assert chain.ask("What does the partnership say about Kosovo?").status == "not_found"
    assert chain.ask("What does the EEAS page say about cyber?").status == "not_found"  # cyber is ¶18–19 only


def test_a_request_for_everything_on_a_topic_quotes_each_paragraph_that_has_it(chain: AnswerChain) -> None:
    collected = chain.ask("Collect what the partnership says about trafficking.")
    assert collected.status == "answered"
    assert {"eu-albania-sdp#23", "eu-albania-sdp#27", "eu-albania-sdp#30"} <= set(_cited(collected))


def test_where_a_document_mentions_something_is_every_paragraph_that_names_it(chain: AnswerChain) -> None:
    mentions = chain.ask("Which paragraphs mention Ukraine?")  # ¶1 (the war) ranks low on meaning, but names it
    assert _cited(mentions) == {"eu-albania-sdp#1", "eu-albania-sdp#14"}
    assert all("Ukraine" in s.text for s in mentions.sentences if s.markers == ["¶1"])
    where = chain.ask("Where in the partnership is irregular migration mentioned?")
    assert _cited(where) == {"eu-albania-sdp#27"}


def test_writing_asked_for_is_drawn_from_whole_paragraphs(chain: AnswerChain) -> None:
    note = chain.ask("Draft a short note on counter-terrorism cooperation.")  # ¶24's second sentence names the plan
    assert [s.markers for s in note.sentences] == [["¶24"], ["¶24"]] and "Joint Action Plan" in note.answer
    bullets = chain.ask("Give me two bullets on cyber.")  # two points: one from each cyber paragraph
    assert _cited(bullets) == {"eu-albania-sdp#18", "eu-albania-sdp#19"}
    assert [s.markers for s in bullets.sentences] == [["¶18"], ["¶19"]]  # in the document's order


def test_a_document_is_named_by_a_generic_word_and_a_reported_claim_is_read_as_the_claim(chain: AnswerChain) -> None:
    named = chain.ask("When was the Strategic Compass adopted, according to the partnership text?")
    assert named.status == "answered" and "2022" in named.answer  # "text" names the document, it is not a topic
    assert chain.ask("Is Albania described as a NATO Ally?").yes_no == "yes"  # ¶7: "As a NATO Ally, Albania …"
    # "military operation" is said of EUFOR Althea; EULEX Kosovo's own description, "the Union's largest civilian
    # mission", denies it
    assert chain.ask("Is EULEX Kosovo described as a military operation?").yes_no == "no"


def test_once_a_paragraph_answers_others_that_word_the_question_otherwise_join_it(chain: AnswerChain) -> None:
    plans = chain.ask("Which Western Balkans-specific plans guide the partnership?")  # ¶24 says "guided by"
    assert {"eu-albania-sdp#23", "eu-albania-sdp#24", "eu-albania-sdp#27"} <= _cited(plans)  # "roadmap", "context"
    assert chain.ask("What is the partnership's budget for cyber support?").status != "answered"


def test_a_request_for_points_takes_the_section_of_an_answering_paragraph(chain: AnswerChain) -> None:
    commitments = chain.ask("I need a short paragraph on the cyber cooperation commitments for the desk officer.")
    assert {"eu-albania-sdp#18", "eu-albania-sdp#19"} <= _cited(commitments)  # both under "Cyber issues"
    assert chain.ask("When was the cyber dialogue first held?").status != "answered"


def test_names_asked_about_together_are_each_answered_from_their_own_paragraph(chain: AnswerChain) -> None:
    both = chain.ask(
        "Where does the partnership say the EU and Albania exchange good practices on WPS and on cultural heritage?"
    )
    assert {"eu-albania-sdp#29", "eu-albania-sdp#30"} <= _cited(both)  # WPS is ¶29's name, cultural heritage ¶30's
    assert (
        chain.ask("What will the EU do on cyber with Albania and Moldova?").status != "answered"
    )  # no paragraph names Moldova


def test_a_noun_that_names_nothing_in_particular_is_not_a_topic(chain: AnswerChain) -> None:
    stuff = chain.ask("hybrid stuff w albania?")
    assert stuff.status == "answered" and _cited(stuff) <= {f"eu-albania-sdp#{n}" for n in (15, 16, 17)}
    assert chain.ask("What's the budget for the cyber stuff?").status != "answered"  # "budget" is not a placeholder


def test_which_things_are_named_only_by_a_sentence_that_names_them(chain: AnswerChain) -> None:
    survey = chain.ask("What recommendations did the Hybrid Risk Survey make?")  # ¶15: "… its recommendations"
    assert survey.status == "partial" and "which" not in survey.answer.split(".")[0].lower().split()[:3]
    operation = chain.ask("Which EU military operation is deployed in Bosnia and Herzegovina?")
    assert operation.status == "answered" and "EUFOR Althea" in operation.answer


def test_the_name_of_something_is_answered_by_a_name(chain: AnswerChain) -> None:
    name = chain.ask("What was the name of the EU's first military ESDP operation?")  # WB p3: "… , Concordia, …"
    assert name.status == "answered" and "Concordia" in name.answer
    assert chain.ask("What is the name of the EU's cyber envoy for Albania?").status != "answered"


def test_a_choice_is_answered_by_the_sentence_that_says_which(chain: AnswerChain) -> None:
    choice = chain.ask("Is EULEX Kosovo civilian or military?")
    assert choice.yes_no is None and "civilian mission" in choice.answer and "eeas-wb-cfsp-csdp#p4" in _cited(choice)


def test_a_value_claimed_of_the_document_is_confirmed_or_denied_by_its_cover_note(chain: AnswerChain) -> None:
    def verdict(question: str) -> str | None:
        found = chain.ask(question)
        assert _cited(found) == {"eu-albania-sdp#cover"}, found.answer
        return found.yes_no

    assert verdict("Does the Albania document carry the marking LIMITE?") == "yes"
    assert verdict("Is the Albania document marked SECRET?") == "no"
    assert verdict("Is the Albania partnership document dated 6 November 2024?") == "yes"
    assert verdict("Was the Albania partnership document dated 3 March 2024?") == "no"
    assert verdict("Was the Albania partnership document dated March 2024?") == "no"
    assert verdict("Was the Albania document sent by the EEAS?") == "yes"
    assert verdict("Is the Albania partnership document LIMITE?") == "yes"  # a value claimed without its label
    assert verdict("Was the Albania document addressed to COELA?") == "yes"  # on the second "To:" line
    assert verdict("Was the Albania document addressed to the Council?") == "no"


def test_a_question_about_the_document_itself_is_answered_from_its_cover_note(chain: AnswerChain) -> None:
    def answer(question: str) -> str:
        found = chain.ask(question)
        assert _cited(found) == {"eu-albania-sdp#cover"}
        return found.answer

    assert "6 November 2024" in answer("What is the date of the document?")
    # what will happen to the document is in its text, not its date; it is what a passive verb is about
    reviewed = chain.ask("When will the partnership's areas be reviewed?")
    assert "eu-albania-sdp#cover" not in _cited(reviewed) and "eu-albania-sdp#32" in _cited(reviewed)
    assert "European External Action Service" in answer("Who sent the Albania partnership document?")
    addressed = answer("Who is the partnership document addressed to?")
    assert "Delegations" in addressed and "CIVCOM" in addressed  # the note's and the working document's "To:"
    assert "European External Action Service" in chain.ask("By whom was the Albania document sent?").answer
    sent_to = answer("Which bodies was the Albania document sent to?")  # the preposition after "sent" decides
    assert "Delegations" in sent_to and "European External Action Service" not in sent_to
    by_whom = chain.ask("To whom?", history=[("What is the date of the Albania document?", "")])
    assert "Delegations" in by_whom.answer and _cited(by_whom) == {"eu-albania-sdp#cover"}
    marking = answer("How is the Albania document classified?")
    assert "LIMITE" in marking and "Limited" in marking  # the Council's marking and the EEAS's
    assert "15047/24" in answer("What's the partnership document's number?")
    assert chain.ask("What does the partnership document say about space?").citations[0].para_id == "2"
    both = answer("Date and reference numbers of the Albania document?")
    assert "6 November 2024" in both and "15047/24" in both
    assert chain.ask("Which official initialled the cover note?").status != "answered"  # no line says so
    # the note's date is the document's, not the day the partnership was signed, which no line gives
    assert chain.ask("When was the partnership signed?").status != "answered"
    issued = answer("When was the Albania partnership document issued?")
    assert "6 November 2024" in issued and "European External Action Service" not in issued  # "when": its date
    maker = answer("Which service drafted the Albania partnership document, and how is it marked?")
    assert "European External Action Service" in maker and "LIMITE" in maker  # the verbs a document is made with
    # chat: a document named in lower case, its "From:" label, words that are not what is asked about
    assert "European External Action Service" in answer("who is the albania doc from")
    assert "Delegations" in answer("who's the albania doc actually addressed to lol")
    assert chain.ask("When was the EU-Kosovo Security and Defence Partnership signed?").status != "answered"
    assert "eu-albania-sdp#24" in _cited(chain.ask("terrorism stuff in the albania doc?"))
    follow_up = chain.ask("And who is it addressed to?", history=[("Who is the cover note from?", "")])
    assert "Delegations" in follow_up.answer and _cited(follow_up) == {"eu-albania-sdp#cover"}
    its = chain.ask("What's its classification?", history=[("Who sent the Albania partnership document?", "")])
    assert "LIMITE" in its.answer
    survey = chain.ask(
        "When was it completed?", history=[("What does the partnership say about the Hybrid Risk Survey?", "")]
    )
    assert "2020" in survey.answer and "eu-albania-sdp#15" in _cited(survey)  # "it" is the survey, not the document


def test_a_yes_needs_the_manner_the_claim_states(chain: AnswerChain) -> None:
    # WB p6: Serbia is "formally required to progressively align"; "full alignment" is said of others (WB p7)
    assert chain.ask("Is Serbia fully aligned with the CFSP?").yes_no is None
    assert chain.ask("Is Montenegro formally required to align with the CFSP?").yes_no == "yes"


def test_a_place_or_body_asked_about_is_confirmed_or_denied_by_the_one_the_paragraph_names(chain: AnswerChain) -> None:
    elsewhere = chain.ask("Is EUFOR Althea deployed in Kosovo?")  # WB p4: "EUFOR Althea in Bosnia and Herzegovina"
    assert elsewhere.yes_no == "no" and "eeas-wb-cfsp-csdp#p4" in _cited(elsewhere)
    there = chain.ask("Is EUFOR Althea deployed in Bosnia and Herzegovina?")
    assert there.yes_no == "yes"
    unsaid = chain.ask("Will the Security and Defence Dialogue be held in Tirana?")  # no place is given
    assert unsaid.status == "partial" and unsaid.yes_no is None
    other_verb = chain.ask("Does the partnership commit the EU to fund Albania's armed forces?")  # ¶20: "support"
    assert other_verb.yes_no is None
    # ¶19: "The EU will further support Albania's efforts to strengthen cyber resilience"
    assert chain.ask("Does the EU undertake to help Albania strengthen its cyber resilience?").yes_no == "yes"
    assert chain.ask("Does Albania undertake to help the EU strengthen its cyber resilience?").yes_no != "yes"
    # ¶9: the Dialogue is "at Directors' level"; another qualifier of the same thing is a no, a synonym is not
    assert chain.ask("Will the Security and Defence Dialogue meet at ambassador level?").yes_no == "no"
    assert chain.ask("Is EULEX Kosovo the Union's biggest civilian mission to date?").yes_no == "yes"  # "largest"
    assert chain.ask("Was EUFOR Althea the EU's first CSDP mission?").yes_no is None  # WB p4 never says "first"
    # WB p4 names the EU first and EULEX in a dash; a passive claim about EULEX is not a swap of roles
    assert chain.ask("Is EULEX Kosovo presented as the Union's largest civilian mission?").yes_no == "yes"


def test_a_request_gets_the_number_of_points_it_asks_for_and_a_phrase_of_the_documents_stays_whole(
    chain: AnswerChain,
) -> None:
    three = chain.ask("Give me three bullets on hybrid threats.")
    assert len(three.sentences) == 3 and three.answer.startswith("- ")
    whole = chain.ask("What will the EU and Albania do on women, peace and security?")
    assert len(whole.notes) == 0 or not any(note.startswith("part ") for note in whole.notes)
    assert {"eu-albania-sdp#28", "eu-albania-sdp#29"} <= _cited(whole)


def test_a_question_over_several_things_quotes_a_paragraph_for_each(chain: AnswerChain) -> None:
    asked = "What agreements underpin EU-Albania relations, Albania's role in crisis management operations and the "
    several = chain.ask(asked + "handling of classified information?")
    assert several.status == "answered"
    assert {"eu-albania-sdp#3", "eu-albania-sdp#6"} <= _cited(several)  # the SAA (¶3); 2012 and 2016 (¶6)
    _assert_well_formed(several)


def test_a_question_comparing_the_documents_is_answered_document_by_document(chain: AnswerChain) -> None:
    both = chain.ask("What do both documents say about space?")
    assert both.status == "answered"
    assert {"eeas-wb-cfsp-csdp#p1", "eu-albania-sdp#2"} <= _cited(both)
    assert both.answer.count("\n") == 1 and "EEAS Western Balkans CFSP/CSDP: " in both.answer
    each = chain.ask("What does each document say about EULEX Kosovo?")  # only the EEAS page names it
    assert {c.doc_id for c in each.citations} == {"eeas-wb-cfsp-csdp"}
    assert each.answer.endswith("EU–Albania SDP: not covered.")


def test_a_sentence_leading_into_a_list_is_quoted_with_its_items(chain: AnswerChain) -> None:
    lead = chain.ask("Summarise the dialogues and consultations that will steer the partnership.")  # ¶9 "…:" + bullets
    assert lead.status == "answered" and _cited(lead) == {"eu-albania-sdp#9"}
    assert "Directors' level" in lead.answer and "Stabilisation and Association Council" in lead.answer
    _assert_well_formed(lead)
    one = chain.ask("How often does the Security and Defence Dialogue meet, and at what level?")  # one bullet says
    assert one.sentences[0].text.startswith("Establishing an annual") and "Directors' level" in one.answer
    assert not any(s.text.endswith(":") for s in one.sentences)  # not the list's lead with all its items


def test_a_place_a_document_title_holds_must_still_be_in_the_paragraph(chain: AnswerChain) -> None:
    # "Western Balkans" is in the EEAS page's title, and ¶13 is on crisis management, but not in the region
    in_region = chain.ask("Tell me about crisis management missions in the Western Balkans.")
    assert "eu-albania-sdp#13" not in _cited(in_region)
    in_partnership = chain.ask("What does the EU-Albania partnership say about crisis management?")
    assert "eu-albania-sdp#13" in _cited(in_partnership)


def test_yes_no_reads_places_as_one_kind_and_takes_the_actor_from_the_subject(chain: AnswerChain) -> None:
    # WB p3: "Concordia, was launched in the former Yugoslav Republic of Macedonia (today North Macedonia)"
    assert chain.ask("Was Concordia launched in North Macedonia?").yes_no == "yes"
    assert chain.ask("Was Concordia launched in Serbia?").yes_no == "no"
    assert chain.ask("Was the first military ESDP operation launched in Bosnia and Herzegovina?").yes_no == "no"
    # ¶32 "The areas identified in the Partnership will be reviewed …": the areas act, not the Partnership
    assert chain.ask("Did the Council review the Security and Defence Partnership?").yes_no is None


def test_a_follow_up_pointing_back_at_a_looked_up_paragraph_is_read_from_it(chain: AnswerChain) -> None:
    history = [("What does paragraph 19 say?", "")]
    that = chain.ask("How will that support be delivered?", history=history)
    assert _cited(that) == {"eu-albania-sdp#19"}  # ¶19: capacity building and rapid response assistance
    elsewhere = chain.ask("And what about hybrid threats?", history=history)
    assert "eu-albania-sdp#19" not in _cited(elsewhere)
    # a phrase under "which" asks for a document and names none; the name it holds is in ¶27
    # "and the date?" asks for a date of the previous topic; WB p4's "to date" holds none
    dated = chain.ask("and the date?", history=[("Which body adopted the EU Western Balkans Strategy?", "")])
    assert "2018" in dated.answer and _cited(dated) == {"eeas-wb-cfsp-csdp#p1"}
    which = chain.ask("Which Western Balkans document does it mention?", history=[("What does ¶27 say?", "")])
    assert which.status == "answered" and _cited(which) == {"eu-albania-sdp#27"}


def test_the_llm_may_confirm_a_refused_candidate_only_with_one_of_two_words(chain: AnswerChain) -> None:
    paraphrase = "How will the two sides stop the spread of nuclear and chemical weapons?"  # ¶23: non-proliferation
    assert chain.ask(paraphrase, mode="extractive").status == "not_found"
    for reply, confirmed in [("YES", True), ("no.", False), ("Yes, it does", False), ("Maybe", False)]:
        scripted = ScriptedLLM(reply, reply, "The EU and Albania will deepen exchanges on non-proliferation.")
        confirming = chain.settings.model_copy(update={"llm_confirms": True})
        answer = AnswerChain(confirming, chain.index, chain.embedding_model(), scripted).ask(
            paraphrase, mode="generative"
        )
        assert (answer.status == "answered" and "eu-albania-sdp#23" in _cited(answer)) is confirmed, reply
        assert "Does the paragraph answer the question?" in scripted.received[0][-1]["content"]
        _assert_well_formed(answer)


def test_the_bundled_llm_confirms_a_paraphrase_the_signals_refused(chain: AnswerChain) -> None:
    paraphrase = "What is planned to protect old monuments from looting?"  # ¶30: "protection of cultural heritage"
    assert chain.ask(paraphrase, mode="extractive").status != "answered"
    assert chain.ask(paraphrase, mode="generative").status != "answered"  # off by default: the LLM only phrases
    confirming = chain.settings.model_copy(update={"llm_confirms": True})
    answer = AnswerChain(confirming, chain.index, chain.embedding_model(), chain.language_model()).ask(
        paraphrase, mode="generative"
    )
    assert answer.status == "answered" and _cited(answer) == {"eu-albania-sdp#30"}
    assert any(note.startswith("the LLM confirmed ¶30") for note in answer.notes)
    _assert_well_formed(answer)


def test_words_offered_as_alternatives_need_only_one_in_the_paragraph(chain: AnswerChain) -> None:
    from rag.question import understand
    from rag.search import SearchHit

    record = next(r for r in chain.records() if r.para_id == "26")  # the ESDC: a college, no hospital
    hit = SearchHit(record, 1.0, None, None)
    either = chain.judge.judge(
        understand("Which hospital or college will train Albania's staff?", [], chain.speller), hit
    )
    both = chain.judge.judge(
        understand("Which hospital and college will train Albania's staff?", [], chain.speller), hit
    )
    assert "hospital" not in {t.written for t in either.missing_terms}
    assert "hospital" in {t.written for t in both.missing_terms} and either.coverage > both.coverage


def test_a_question_on_where_a_name_features_quotes_each_paragraph_naming_it(chain: AnswerChain) -> None:
    answer = chain.ask("Where does NATO feature in the Albania partnership?", mode="extractive")
    assert answer.status == "answered" and {"eu-albania-sdp#7", "eu-albania-sdp#11"} <= _cited(answer)


def test_a_bare_generic_document_noun_is_no_topic(chain: AnswerChain) -> None:
    answer = chain.ask("What does the text say about the European Defence Agency?", mode="extractive")
    assert answer.status == "answered" and "eu-albania-sdp#25" in _cited(answer)


def test_a_request_on_a_named_things_angle_quotes_the_paragraphs_naming_them(chain: AnswerChain) -> None:
    from rag.question import understand

    angle = chain.judge.placed(understand("Two points on the NATO angle, please.", [], chain.speller))
    assert angle.located and {t.written: t.weight for t in angle.terms}["angle"] == 0.5
    # the document's own parties are in most paragraphs: framing them marks no place to look
    common = chain.judge.placed(understand("Two points on the EU-Albania angle, please.", [], chain.speller))
    assert not common.located and {t.written: t.weight for t in common.terms}["angle"] == 1.0
    answer = chain.ask("A short note on the NATO dimension, please.", mode="extractive")
    assert answer.status == "answered" and {"eu-albania-sdp#7", "eu-albania-sdp#11"} <= _cited(answer)
    two = chain.ask("Two points on the NATO angle, please.", mode="extractive")  # one from each paragraph
    assert len(two.sentences) == 2 and _cited(two) == {"eu-albania-sdp#7", "eu-albania-sdp#11"}


def test_an_acronym_is_spelled_out_from_where_the_text_introduces_it(chain: AnswerChain) -> None:
    mission = chain.ask("What does EUPM stand for?", mode="extractive")
    assert mission.status == "answered" and "EU Police Mission" in mission.answer
    headed = chain.ask("What does FIMI stand for?", mode="extractive")  # introduced by the section heading
    assert headed.status == "answered" and "foreign information manipulation and interference" in headed.answer
    assert chain.ask("What does NATO stand for?", mode="extractive").status == "partial"  # never spelled out


def test_a_section_is_found_by_its_heading_and_addressees_by_what_they_are(chain: AnswerChain) -> None:
    way = chain.ask("Give me the gist of the Way Forward section in three sentences.", mode="extractive")
    assert way.status == "answered" and _cited(way) <= {"eu-albania-sdp#32", "eu-albania-sdp#33"}
    bodies = chain.ask("Which Council bodies is the working document addressed to?", mode="extractive")
    assert bodies.status == "answered" and "PMG" in bodies.answer and _cited(bodies) == {"eu-albania-sdp#cover"}


def test_a_partial_note_names_the_users_phrase_around_the_missing_words() -> None:
    from rag.chain import _phrases_holding

    assert _phrases_holding("What is the legal basis of the plan?", ("legal", "basis")) == ["the legal basis"]
    assert _phrases_holding("budget?", ("budget",)) == ["budget"]
    assert _phrases_holding("What is Chad's navy budget?", ("budget",)) == ["Chad's navy budget"]  # spacing as written


def test_a_paragraph_writing_a_defined_acronym_holds_its_words(chain: AnswerChain) -> None:
    from rag.text import stem

    corpus = chain.judge.corpus
    alignment = next(r for r in corpus.records if "record of full alignment with the CFSP" in r.text)
    assert {stem("foreign"), stem("policy")} <= corpus.stems[alignment.key]  # CFSP: Common Foreign and Security Policy
    # and so does each of its sentences, which the reader ranks: a one-line request quotes it, not "align … policy"
    foreign = Term(stem("foreign"), "foreign", 1.0)
    sentence = corpus.sentences[alignment.key][0].text
    assert chain.judge.term_matches((foreign,), alignment.key, sentence)[foreign.stem] == 1.0


def test_which_n_for_a_kind_of_thing_the_documents_never_mention_is_partial(chain: AnswerChain) -> None:
    answer = chain.ask("Which ministry coordinates Albania's cyber capacity building?", mode="extractive")
    assert answer.status == "partial" and "which ministry" in answer.answer


def test_a_lead_into_the_sections_that_follow_is_quoted_with_their_headings(chain: AnswerChain) -> None:
    # ¶12 ends "… boost cooperation in the following areas:" and the items are the subsections' headings
    areas = chain.ask("What are the areas of cooperation in the partnership?")
    assert areas.status == "answered" and areas.sentences[0].text.endswith("following areas:")
    assert "\n- Cyber issues [¶18]" in areas.answer
    assert areas.answer.endswith("\n- External aspects of economic security [¶31]")
    by_marker = {c.marker: c for c in areas.citations}
    assert all(by_marker[s.markers[0]].section[-1] == s.text for s in areas.sentences[1:])  # each its ¶'s heading
    assert {"eu-albania-sdp#12", "eu-albania-sdp#13", "eu-albania-sdp#31"} <= _cited(areas)
    # a question about something else in those areas is not answered with the list
    held = chain.ask("What consultations will the EU and Albania hold in the areas of cooperation?")
    assert "Support to Ukraine" not in held.answer


def test_a_frequency_asked_of_a_name_with_a_verb_the_paragraph_lacks_is_answered(chain: AnswerChain) -> None:
    often = chain.ask("How often is the Security and Defence Dialogue going to be convened?")  # ¶9 never says convene
    assert often.status == "answered" and "annual" in often.answer and "eu-albania-sdp#9" in _cited(often)


def test_whether_anything_is_said_is_not_denied_by_another_description(chain: AnswerChain) -> None:
    # ¶23's "conventional arms" describes other weapons; it does not say that chemical weapons go unmentioned
    asked = chain.ask("Does the partnership say anything about chemical weapons?")
    assert asked.yes_no is None and asked.status != "answered"


def test_a_follow_up_claims_of_its_pronoun_what_the_previous_question_named(chain: AnswerChain) -> None:
    # WB p4 calls EUFOR Althea a military operation and EULEX the largest civilian mission, in one sentence
    history = [("What is EULEX Kosovo?", "")]
    assert chain.ask("Is it a military operation?", history=history).yes_no == "no"
    assert chain.ask("Is it a civilian mission?", history=history).yes_no == "yes"
