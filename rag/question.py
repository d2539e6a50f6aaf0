"""Understand a question: what it is about, what kind of answer it wants, and what it refers back to.

Decided from the question's grammar (spaCy's parse), not from lists of phrases:
- a request ("Give me three bullets on …", "I need a paragraph on …", "Draft a line for the
  minister's speech on …") is an imperative or first/second-person clause; its own words (the verb,
  the requested artefact, "for …" audiences) are dropped and the content it governs is kept;
- the answer type comes from the wh-word and its head ("when", "how many", "how often", "who");
  an auxiliary opening the question makes it yes/no;
- names are named entities and acronyms, not every capitalised word;
- a follow-up carries the previous turn's names (its subject) for retrieval, and its topic terms
  only as a second reading when the follow-up is elliptical.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from rag.nlp import NAMED_THING_LABELS, SLOT_ANSWER_TYPES, english, entity_label_nouns, governed_place, parse
from rag.text import CARDINALS, ORDINALS, YEAR, frequencies, name_parts, stem, words

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from rag.spelling import SpellingCorrector

Mood = Literal["past", "present", "future", "possible"]
AnswerType = Literal[
    "date", "number", "frequency", "body", "place", "purpose", "expansion", "yes_no", "lookup", "general"
]
# Closed grammatical classes of English, not words taken from questions.
NOMINAL_POS = frozenset({"NOUN", "PROPN", "ADJ"})
DO_TENSES = {"do": "VB", "does": "VBZ", "did": "VBD"}  # the tense "do" lends the verb it supports
TOPIC_PREPOSITIONS = frozenset({"on", "about", "regarding", "concerning", "re", "covering"})
# What writing is about hangs off it by these ("a line on X", "a summary of X", "references to X"); "the
# commitments in the Albania text" is the thing itself, where it is.
ARTEFACT_PREPOSITIONS = TOPIC_PREPOSITIONS | {"of", "to"}
TIME_NOUNS = frozenset({"year", "years", "date", "dates", "month", "months", "day", "days", "time", "decade"})
NUMBER_NOUNS = frozenset({"number", "numbers", "figure", "figures", "amount", "count", "total"})
NAME_NOUNS = frozenset({"name", "names"})  # "What was the name of …": the answer is a name, not the word
# "What does FIMI stand for?", "What is ESDC short for?", "the acronym EULEX": the English idiom and its nouns
EXPANSION_WORDS = frozenset({"stand", "stands", "short", "acronym", "abbreviation", "initials"})
# The English nouns for what something is for: "What is the aim of …?", "With what goal?" ask for a purpose
PURPOSE_NOUNS = frozenset({"aim", "aims", "goal", "goals", "purpose", "purposes", "intention", "rationale"})
SLOT_LABELS = frozenset({"GPE", "LOC", "ORG", "NORP"})
SLOT_PREPOSITIONS = frozenset({"in", "by", "at", "from"})
POSSIBILITY_WORDS = frozenset({"possible", "possibly", "potential", "potentially", "perhaps", "maybe"})
POSSIBILITY_STEMS = frozenset(stem(w) for w in POSSIBILITY_WORDS)  # "the possibility of …" as well
COPULAS = frozenset({"be", "is", "are", "was", "were", "been", "being", "have", "has", "had", "having"})
DISTRIBUTIVE = frozenset({"each", "every", "both", "all"})  # English distributive determiners
# Nouns (stems) that stand for one named before: "the CSDP-related ones", "the EU's equivalent".
PRO_FORMS = frozenset({"one", "other", "equival", "counterpart"})
WH_TAGS = ("WDT", "WP", "WRB")  # Penn tags of wh-determiners, wh-pronouns and wh-adverbs
# The finite auxiliaries of English (a closed class): one still after "whether" was not moved behind its subject.
INVERTED_AUXILIARIES = frozenset(
    ["is", "are", "was", "were", "am", "be", "been", "do", "does", "did", "has", "have", "had", "can", "could",
     "will", "would", "shall", "should", "may", "might", "must"]
)  # fmt: skip
CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "NUM", "X"})
# closed class: parts of a text
DOCUMENT_PARTS = frozenset({"paragraph", "para", "section", "part", "passage", "chapter"})
SCOPE_PREPOSITIONS = frozenset({"across", "throughout"})  # "… across its sections": everywhere in the text
# "every mention of X", "references to X": the places X is named (closed class, with the preposition each takes)
MENTION_NOUNS = {"mention": "of", "mentions": "of", "reference": "to", "references": "to"}
DOCUMENT_PART_STEMS = frozenset(stem(p) for p in DOCUMENT_PARTS)
PLACE_IN_TEXT_STEMS = DOCUMENT_PART_STEMS | {stem(n) for n in MENTION_NOUNS}  # the answer's kind, not its topic
VERB_WEIGHT = 0.5  # verbs say less about the topic than nouns ("commit", "say", "plan")
PARAGRAPH_REFERENCE = re.compile(
    r"(?:¶+|§|\bpara(?:graph)?s?\b\.?|\bpoints?\b|\bp(?=\d))\s*(?:no\.?\s*)?(\d{1,3})\b", re.IGNORECASE
)
# "please" asks nothing; left in, the parser takes "… on cyber please" for a clause whose verb is "please"
POLITENESS = re.compile(r"(?:,\s*)?\bplease\b(?:\s*,)?\s*", re.IGNORECASE)
COVER_NOTE = re.compile(r"\bcover(?:ing)?[\s-]+(?:note|page|sheet|letter)\b", re.IGNORECASE)
ORDINAL_PARAGRAPH = re.compile(
    rf"\b({'|'.join(ORDINALS)}|last|final|opening|closing|\d{{1,2}}(?:st|nd|rd|th))\s+(?:para(?:graph)?|¶|point)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Term:
    stem: str
    written: str  # as the user wrote it, for notes
    weight: float
    is_name: bool = False  # a named thing: matched as a name, never by a merely similar word
    subject: str = ""  # of a verb, its subject's stem: "the partnership says" frames, it asks nothing
    aspect: bool = False  # in a request, a noun only names qualify ("the EU-NATO angle"): how the names are framed


@dataclass(frozen=True)
class ParagraphReference:
    number: int | None  # printed number or position; None with `last` or `cover`
    last: bool
    context: str  # the rest of the question, to tell which document is meant
    cover: bool = False


@dataclass(frozen=True)
class Question:
    asked: str
    content: str  # spelling corrected, request clause removed
    answer_type: AnswerType
    bullets: bool
    wants_list: bool  # a briefing request, bullets, or a plural "which …s": answer with every point, not the best one
    names: tuple[str, ...]
    terms: tuple[Term, ...]
    search_text: str
    requested: bool = False  # wrapped in a request to write something ("Draft a line on …"): the paragraph is wanted
    lookup: ParagraphReference | None = None
    carried_lookup: ParagraphReference | None = None  # the paragraph the previous turn looked up ("that support")
    carried_terms: tuple[Term, ...] = ()  # the previous turn's topic, a second reading for elliptical follow-ups
    carried_names: tuple[str, ...] = ()
    carried_phrases: tuple[tuple[str, ...], ...] = ()  # the previous turn's noun phrases: the document it named
    wh_phrase: str = ""
    subject: str = ""  # grammatical subject of a yes/no question, for the actor check
    negated: bool = False
    mood: Mood = "present"  # of a yes/no question: a "yes" needs a sentence at least as firm
    focus: str = ""  # "What is the budget of …": the thing asked for, which an answer must contain
    figures: tuple[str, ...] = field(default_factory=tuple)
    periods: tuple[str, ...] = ()  # the frequency a yes/no question asks to confirm ("twice yearly")
    count: int | None = None  # points the request asks for ("three bullets")
    slots: tuple[tuple[str, str, str], ...] = ()  # a yes/no question's place or agent: ("Kosovo", "GPE", "in")
    agent: tuple[str, ...] = ()  # a yes/no question's doer, its kind and verb: ("Council", "ORG", "adopt")
    phrases: tuple[tuple[str, ...], ...] = ()  # each noun phrase's word stems, its head first
    set_heads: tuple[str, ...] = ()  # stems of heads of phrases naming a set ("both documents", "each document")
    coordinated: tuple[str, ...] = ()  # stems of coordinated heads ("the war and the support"): several things asked
    identifies: str = ""  # "Which PESCO projects …", "What recommendations …": the noun whose members are asked
    joint_names: tuple[str, ...] = ()  # stems of names coordinated as topics ("cyber, defence and FIMI"), not actors
    alternatives: tuple[tuple[str, ...], ...] = ()  # stems of words joined by "or" ("bodies or agencies"): one will do

    replaced: tuple[str, ...] = ()  # the previous turn's owner that a follow-up swaps out ("and the EU's?")
    documents: tuple[str, ...] = ()  # ids of the documents the question names ("the EEAS page"), if any
    document_words: tuple[str, ...] = ()  # stems of the phrases that name them
    asks_where: Literal["", "where", "part"] = ""  # "Where does X come up …?", "Which paragraphs mention X?"
    located: bool = False  # "Where in the partnership does X come up?": every paragraph that mentions X

    def referring_to(self, documents: set[str], naming: set[str]) -> Question:
        """The question restricted to the documents it names, whose naming words are no longer its topic."""
        located = self.located or self.asks_where == "part" or (self.asks_where == "where" and bool(documents))
        parts = PLACE_IN_TEXT_STEMS if located else frozenset()  # "which paragraphs", "references to"
        keep = lambda terms: tuple(  # noqa: E731
            t for t in terms if t.stem not in naming | parts and t.subject not in naming
        )
        return replace(
            self, terms=keep(self.terms), carried_terms=keep(self.carried_terms), documents=tuple(sorted(documents)),
            document_words=tuple(sorted(naming)),
            # "Where in the partnership does X come up?" asks for places in the text: every paragraph on X
            answer_type="general" if located else self.answer_type, wants_list=self.wants_list or located,
            located=located,
        )  # fmt: skip

    def readings(self, with_names: bool = False) -> list[tuple[Term, ...]]:
        """The term sets the question may be judged by: its own, and with the previous topic carried.
        Names join the terms only to rank sentences; paragraphs are checked for names separately."""
        own = self.terms
        if with_names:
            own += tuple(Term(name.lower(), name, 1.0, is_name=True) for name in self.names)
        if not self.carried_terms:
            return [own]
        return [own, own + tuple(t for t in self.carried_terms if t.stem not in {o.stem for o in own})]


def understand(asked: str, history: list[str], speller: SpellingCorrector) -> Question:
    previous = understand(history[-1], history[:-1], speller) if history else None
    corrected = _sentence_case(speller.correct(_without_politeness(asked)))
    doc = english()(corrected)
    lookup = _paragraph_reference(corrected)
    content_tokens = _content_tokens(doc)
    content = _text(content_tokens) or corrected
    content_doc = english()(content) if content != corrected else doc
    if content != corrected:  # "For the steering brief: two bullets on how …" unwraps twice
        inner = _text(_content_tokens(content_doc)) or content
        start = corrected.find(inner)
        if inner != content and start >= 0:
            content, content_doc = inner, english()(inner)
            content_tokens = [t for t in doc if start <= t.idx < start + len(inner)]
    answer_type, wh_phrase = _answer_type(content_doc)
    if sum(_interrogative(t) for t in content_doc) > 1:
        answer_type, wh_phrase = "general", ""  # several questions in one: none of them sets the type
    names = _names(content_doc)
    focus = _focus(content_doc)
    terms = _terms(content_doc, names, references=lookup is None, requested=content != corrected)
    if focus.lower() in NAME_NOUNS:  # "the name of the envoy" asks for the envoy, by its name
        terms = tuple(t for t in terms if t.written != focus)
        focus = _named_by(content_doc, focus)
    if _asks_expansion(content_doc):  # "What does FIMI stand for?": the words the acronym abbreviates
        terms = tuple(t for t in terms if t.written.lower() not in EXPANSION_WORDS)
        answer_type, wh_phrase = "expansion", ""
    if focus.lower() in PURPOSE_NOUNS:  # "What's the end goal of that support?": what it is for, however worded
        terms = tuple(t for t in terms if t.written != focus)
        answer_type, wh_phrase, focus = "purpose", focus, ""
    periods = frequencies(content) if answer_type == "yes_no" else {}
    if periods:  # the frequency is what the answer confirms or denies, not a topic a paragraph must hold
        said = {stem(w) for written in periods.values() for w in words(written)}
        terms = tuple(t for t in terms if t.stem not in said)
    bullets = _asks_for_bullets(doc, content_tokens)
    question = Question(
        asked=asked, content=content,
        answer_type="lookup" if lookup and (answer_type == "general" or not lookup.cover) else answer_type,
        bullets=bullets, names=names, terms=terms, search_text=_with_acronyms(content, names),
        wants_list=bullets or content != corrected or _asks_for_several(content_doc), requested=content != corrected,
        lookup=lookup, wh_phrase=wh_phrase, subject=_subject(content_doc), negated=_negated(content_doc),
        mood=_asked_mood(content_doc), focus=focus,
        figures=tuple(t.text for t in content_doc if t.like_num and any(c.isdigit() for c in t.text)),
        phrases=_phrases(content_doc), periods=tuple(periods), coordinated=_coordinated(content_doc),
        joint_names=_joint_names(content_doc), alternatives=_alternatives(content_doc),
        identifies=_identified(content_doc),
        set_heads=_set_heads(content_doc), asks_where=_asks_where(content_doc),
        slots=_slots(content_doc) if answer_type == "yes_no" else (),
        agent=_agent(content_doc) if answer_type == "yes_no" else (),
        count=_requested_count(doc, content_tokens) if content != corrected else None,
    )  # fmt: skip
    if previous is None or lookup or not _refers_back(content_doc, names, terms, requested=content != corrected):
        return question
    carried_names = tuple(n for n in (*previous.names, *previous.carried_names) if n not in names)
    # "With what aim?", "In which year?": the noun after the wh-word is what is asked for, not a new topic
    asked_for = {stem(t.nbor(1).text) for t in content_doc if t.tag_ in ("WP", "WDT") and t.i + 1 < len(content_doc)}
    own_topic = tuple(t for t in terms if t.stem not in asked_for)
    carried_terms = previous.terms if _has_no_topic(own_topic) or _uses_pronoun(content_doc) else ()
    owned = _owned(parse(previous.content)) if any(t.tag_ == "POS" for t in content_doc) else None
    replaced: tuple[str, ...] = ()
    if owned:  # "and the EU's equivalent?" after "… Albania's National Security Strategy …": a new owner
        swapped, head = owned
        carried_names = tuple(n for n in carried_names if not any(r in n or n in r for r in swapped))
        carried_terms = (*carried_terms, Term(stem(head), head, 1.0))
        replaced = (swapped[0],)
    inherited_type = answer_type
    if answer_type == "general" and not terms and previous.answer_type not in ("lookup", "yes_no"):
        inherited_type = previous.answer_type  # "and the EU's?" after "When was Albania's strategy adopted?"
    search = " ".join([content, *carried_names, *(t.written for t in carried_terms)])
    if _has_no_topic(own_topic) and not names:  # nothing of its own: the previous subject is what it asks about
        names, carried_names = carried_names, ()
    elif _pronoun_for_topic(content_doc):  # "Could Albania join EU initiatives on that?": that is the previous topic
        names, carried_names = (*names, *carried_names), ()
        if answer_type == "yes_no":  # "Is it a military operation?" claims it of the name: "Is EULEX Kosovo …?"
            content, subject = _with_antecedent(content_doc, parse(previous.content), names)
            question = replace(question, content=content, subject=subject or question.subject)
    return replace(
        question, answer_type=inherited_type, names=names, carried_names=carried_names, carried_terms=carried_terms,
        carried_phrases=previous.phrases + previous.carried_phrases,
        search_text=search, replaced=replaced, carried_lookup=previous.lookup or previous.carried_lookup,
    )  # fmt: skip


def _with_antecedent(doc: Doc, previous: Doc, names: tuple[str, ...]) -> tuple[str, str]:
    """The question with its subject pronoun replaced by the previous question's noun phrase holding every name it
    carries ("What is EULEX Kosovo?" → "Is EULEX Kosovo a military operation?"), and that phrase; unchanged where
    no one phrase holds them."""
    pronoun = next((t for t in doc if t.dep_ == "nsubj" and t.lower_ in ("it", "that", "this")), None)
    phrase = next((c for c in previous.noun_chunks if names and all(n in c.text for n in names)), None)
    if pronoun is None or phrase is None:
        return doc.text, ""
    start, end = pronoun.idx, pronoun.idx + len(pronoun.text)
    return doc.text[:start] + phrase.text + doc.text[end:], phrase.text


def _sentence_case(text: str) -> str:
    """Chat leaves the first word lower-case, and the parser, trained on edited text, then misreads it ("which
    western balkans countries …" makes "which" a pronoun object). A stop word is never a name, so it is safe to
    capitalise."""
    first = re.match(r"[a-z]+", text)
    is_stop = first is not None and english().vocab[first.group(0)].is_stop
    return text[:1].upper() + text[1:] if is_stop else text


def _without_politeness(asked: str) -> str:
    plain = re.sub(r"\s+([.?!])", r"\1", re.sub(r"\s{2,}", " ", POLITENESS.sub(" ", asked))).strip()
    return plain or asked.strip()


def compound_parts(asked: str, known_phrase: Callable[[str], bool] = lambda phrase: False) -> list[str]:
    """ "What agreements underpin X, and when were they signed?" is two questions: a clause joined by a
    conjunction to the main verb that opens with its own wh-word or auxiliary is asked separately, so
    each part is retrieved, judged and read on its own (later parts read as follow-ups of earlier ones)."""
    doc = english()(asked.strip())
    root = next(iter(doc.sents)).root
    for token in root.children:
        if token.dep_ != "cc" or token.i + 1 >= len(doc):
            continue
        opener = doc[token.i + 1]
        clause = next((c for c in root.children if c.dep_ == "conj" and c.i > token.i), None)
        if clause is None or clause.pos_ not in ("VERB", "AUX"):
            continue
        if opener.tag_ in WH_TAGS or opener.pos_ == "AUX":
            first = doc[: token.i].text.strip(" ,;")
            second = doc[token.i + 1 :].text.strip()
            if first and second:
                return [first.rstrip("?") + "?", second[:1].upper() + second[1:]]
    return _coordinated_topics(doc, known_phrase) or [asked]


def _coordinated_topics(doc: Doc, known_phrase: Callable[[str], bool]) -> list[str]:
    """ "What does Albania commit to on cyber and on hybrid threats?" asks about two topics: a phrase
    attached to the main verb whose preposition or object is coordinated ("on X and on Y", "about X and
    the Y") is asked once per conjunct, so each topic gets its own paragraphs. A coordination inside a
    name ("Women, Peace and Security") is one topic; so are coordinated adjectives ("cyber and hybrid
    threats" may mean threats of both kinds)."""
    root = next(iter(doc.sents)).root
    for prep in (t for t in root.children if t.dep_ == "prep"):
        objects = [c for c in prep.children if c.dep_ == "pobj"]
        conjuncts = [c for c in prep.children if c.dep_ == "conj" and c.pos_ == "ADP"]  # "on X and on Y"
        if not conjuncts:  # "on X and Y"
            conjuncts = [c for o in objects for c in o.children if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN")]
            if not conjuncts or _one_name(conjuncts[0].head, conjuncts) or _shared_modifiers(conjuncts[0]):
                continue
            whole = doc[conjuncts[0].head.left_edge.i : conjuncts[-1].right_edge.i + 1].text
            if known_phrase(whole):  # "women, peace and security": the documents use it as one phrase
                continue
        head = conjuncts[0].head
        first_end = min(t.i for t in head.children if (t.dep_ in ("cc", "punct") and t.i > head.i) or t in conjuncts)
        texts = [doc[prep.i : first_end].text.strip(" ,;")]
        for conjunct in conjuncts:
            words = doc[conjunct.left_edge.i : conjunct.right_edge.i + 1].text
            texts.append(words if conjunct.pos_ == "ADP" else f"{prep.text} {words}")
        before, after = doc[: prep.i].text_with_ws, doc[prep.right_edge.i + 1 :].text
        glue = "" if after[:1] in ("", "?", ".", "!", ",") else " "
        return [f"{before[:1].upper()}{before[1:]}{text}{glue}{after}" for text in texts]
    return _coordinated_subjects(doc)


def _coordinated_subjects(doc: Doc) -> list[str]:
    """ "When were the Strategic Compass and the Western Balkans Strategy adopted?": things a passive verb
    says were done, each with its own date or figure, are asked one by one. Read from the surface (a form
    of "be", then noun phrases joined by "and", then the participle), which the parser often splits
    wrongly. Active subjects ("When did France and Spain sign?") act jointly and stay together."""
    be = next((t for t in doc if t.lemma_ == "be" and t.pos_ == "AUX"), None)
    participle = next((t for t in doc if be is not None and t.i > be.i and t.tag_ in ("VBN", "VBD")), None)
    if be is None or participle is None:
        return []
    chunks = [c for c in doc.noun_chunks if be.i < c.start and c.end <= participle.i]
    between = [doc[a.end : b.start].text.strip(" ,") for a, b in itertools.pairwise(chunks)]
    determined = all(c[0].dep_ in ("det", "poss") or c[0].tag_ in ("DT", "PRP$") for c in chunks)
    if len(chunks) < 2 or not determined or any(w not in ("and", "", "as well as") for w in between):
        return []
    if doc[be.i + 1 : chunks[0].start].text.strip() or doc[chunks[-1].end : participle.i].text.strip():
        return []
    before, after = doc[: chunks[0].start].text_with_ws, doc[participle.i :].text
    return [f"{before}{chunk.text} {after}" for chunk in chunks]


def _shared_modifiers(conjunct: Token) -> bool:
    """ "foreign information manipulation and interference": the second noun has no modifier of its own,
    so the first one's ("foreign information") may apply to both; the phrase is kept whole."""
    modifiers = ("amod", "compound", "det", "poss", "nmod")
    own = any(c.dep_ in modifiers for c in conjunct.children)
    return not own and any(c.dep_ in modifiers and c.i < conjunct.head.i for c in conjunct.head.children)


def _one_name(first: Token, conjuncts: list[Token]) -> bool:
    """Capitalised words coordinated inside one name ("Women, Peace and Security"), as opposed to names
    of separate things ("Ukraine and Moldova": two entities)."""
    words = [first, *conjuncts]
    if not all(w.text.istitle() for w in words):
        return False
    entities = {w.i: (w.ent_iob_, w.ent_type_) for w in words}
    separate = all(tag for _, tag in entities.values()) and all(iob == "B" for iob, _ in entities.values())
    return not separate


def _with_acronyms(content: str, names: tuple[str, ...]) -> str:
    """ "United Nations" is also searched as "UN", the form many paragraphs use after the first mention; a
    capital asked about as its country ("Tirana") also as the country."""
    acronyms = [name for name in names if name not in content]
    for name in names:
        capitalised = [p for p in name_parts(name) if p[:1].isupper()]
        if len(capitalised) > 1 and len(capitalised) == len(name.split()):
            acronyms.append("".join(p[0] for p in capitalised))
    return " ".join([content, *acronyms])


def _set_heads(doc: Doc) -> tuple[str, ...]:
    """Heads of noun phrases that name a set: plural ("the texts") or with a distributive determiner."""
    return tuple(
        stem(c.root.text) for c in doc.noun_chunks
        if c.root.tag_ in ("NNS", "NNPS") or any(t.dep_ in ("det", "predet") and t.lower_ in DISTRIBUTIVE for t in c)
    )  # fmt: skip


def _coordinated(doc: Doc) -> tuple[str, ...]:
    """The heads of coordinated words, with or without a conjunction ("relations overall, Albania's participation
    and the exchange"): each conjunct may be answered by a paragraph of its own."""
    nouns = [t for t in doc if t.pos_ in ("NOUN", "PROPN")]
    siblings = [t for t in nouns if any(o is not t and (o.head, o.dep_) == (t.head, t.dep_) for o in nouns)]
    joined = [t for t in doc if t.dep_ == "conj" or any(c.dep_ == "conj" for c in t.children)] + siblings
    joined += [o for t in joined if t.pos_ == "ADP" for o in _objects(t)]  # "on X and on Y"
    return tuple(dict.fromkeys(stem(t.text) for t in joined if t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ")))


def _joint_names(doc: Doc) -> tuple[str, ...]:
    """Names joined by a conjunction as topics ("across cyber, defence and FIMI", "the SA Council and the
    Dialogue"): each may have its own paragraph. Joint actors ("Will Serbia and Albania …") act together."""
    joined = []
    entity_of = {t.i: e.start for e in doc.ents for t in e}
    for first in doc:
        conjuncts = _conjuncts(first)
        if first.dep_ == "conj" or not conjuncts or first.dep_ in ("nsubj", "nsubjpass"):
            continue
        items = [o for t in (first, *conjuncts) for o in ([t] if t.pos_ != "ADP" else _objects(t))]  # "on X and on Y"
        named = [t for t in items if t.pos_ == "PROPN" or t.text.isupper()]
        inside = [entity_of.get(t.i) for t in named]
        if first.head.pos_ == "PROPN" or (len(set(inside)) < len(inside) and None not in inside):
            continue  # conjuncts inside one name: "the Security and Defence Partnership", "Women, Peace and Security"
        joined += [stem(t.text) for t in named]
    return tuple(dict.fromkeys(joined))


def _alternatives(doc: Doc) -> tuple[tuple[str, ...], ...]:
    """Words offered as alternatives ("which bodies or agencies", "arms, drugs or cultural goods"): a paragraph
    holding one of them holds what was asked."""
    groups = []
    for first in doc:
        joined = (first, *_conjuncts(first))
        if first.dep_ != "conj" and len(joined) > 1 and any(c.lower_ == "or" for t in joined for c in t.children):
            groups.append(tuple(dict.fromkeys(stem(t.lower_) for t in joined)))
    return tuple(groups)


def _objects(preposition: Token) -> list[Token]:
    return [c for c in preposition.children if c.dep_ == "pobj"]


def _conjuncts(token: Token) -> list[Token]:
    """The words coordinated with this one, in order ("cyber, defence and FIMI" from "cyber")."""
    return [t for c in token.children if c.dep_ == "conj" for t in (c, *_conjuncts(c))]


def _phrases(doc: Doc) -> tuple[tuple[str, ...], ...]:
    """Each noun phrase's stems, its head first. Read off the surface as well: on lower-case chat the parser splits
    "the albania doc" into "the albania" and "doc", and it takes a last word into a phrase ("What does the EEAS
    page mention?"); the run of nouns and adjectives, and a run without its last noun, still say which document
    is meant (their head is their last word)."""
    spans = [range(chunk.start, chunk.end) for chunk in doc.noun_chunks]
    runs = [list(run) for nominal, run in itertools.groupby(doc, key=lambda t: t.pos_ in NOMINAL_POS) if nominal]
    runs = [r for r in runs if len(r) > 1 and not any(r[0].i in c and r[-1].i in c for c in spans)]
    runs += [r[:-1] for r in runs if len(r) > 2 and r[-2].pos_ in ("NOUN", "PROPN")]

    def parts(tokens: list[Token]) -> list[str]:
        return [stem(p) for t in tokens if not t.is_punct for p in re.split(r"[-/–]", t.text) if p]

    found = [(chunk.root, list(chunk)) for chunk in doc.noun_chunks] + [(run[-1], run) for run in runs]
    # "which Western Balkans document …?" asks which document: a phrase under a wh-determiner names none
    found = [(head, tokens) for head, tokens in found if not any(t.tag_ in ("WDT", "WP$") for t in tokens)]
    return tuple(dict.fromkeys((stem(head.text), *parts(tokens)) for head, tokens in found))


def _text(tokens: list[Token]) -> str:
    """The tokens as written; where tokens were left out between two, a space if the left-out text held one
    ("membership, with" less its comma is "membership with")."""
    parts = []
    for token, following in zip(tokens, [*tokens[1:], None], strict=False):
        skipped = token.doc[token.i : following.i] if following is not None else [token]
        parts.append(token.text + (" " if any(t.whitespace_ for t in skipped) else ""))
    return "".join(parts).strip(" ,;:-–—")


def _is_request(root: Token) -> bool:
    """An imperative ("Give me …") or a clause whose subject is the speaker or the assistant ("I need …")."""
    if root.pos_ not in ("VERB", "AUX"):
        return False
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects:  # an imperative: the verb's base form ("set out …" may be tagged past), first in its clause
        base = root.tag_ == "VB" or (root.tag_ in ("VBD", "VBP") and root.lower_ in _lemmas(root.lower_))
        # a word no English verb has as a form is a name the parser guessed on lower-case chat ("ukraine support …")
        openers = [t for t in root.sent if t.i < root.i and (t.dep_ in ("intj", "advmod", "punct") or t.pos_ == "INTJ")]
        return base and _is_verb_form(root.lower_) and root.i == root.sent.start + len(openers)
    return all(_speaker(s) for s in subjects)


def _content_tokens(doc: Doc) -> list[Token]:
    """The content question: after a label ending in a colon, and without the request clause around it."""
    tokens = list(doc)
    sentences = list(doc.sents)
    asking = [s for s in sentences if not _bare_request(s)]
    if len(sentences) > 1 and 0 < len(asking) < len(sentences):  # "What are the areas? Give me bullets."
        return [t for s in asking for t in s]
    if tokens and tokens[0].lower_ == "for":  # "For a background note, set out …": whom the text is for
        comma = next((t.i for t in doc if t.text == ","), None)
        objects = _objects(tokens[0])
        if comma is not None and comma < len(doc) - 1 and objects and objects[0].pos_ != "PROPN":
            return tokens[comma + 1 :]
    colon = next((t.i for t in doc if t.text == ":" and t.i < len(doc) - 1), None)
    if colon is not None and not any(t.tag_ in WH_TAGS for t in doc[:colon]):
        return tokens[colon + 1 :]
    sentence = next(iter(doc.sents))
    root = sentence.root
    asked_first = any(t.tag_ in WH_TAGS for t in doc[: root.i])  # "how many joint decs on …": a question, no request
    if root.pos_ == "NOUN" and not _owned_by_another(root) and not asked_first:  # "Quick summary for … on what …"
        topic = [c for c in root.subtree if c.dep_ == "prep" and c.lower_ in TOPIC_PREPOSITIONS][:1]
        return _without_purpose(_topic_phrase(topic[0])) if topic else tokens
    if not _is_request(root):
        return tokens
    clause = next(
        (c for c in root.children if c.dep_ in ("ccomp", "xcomp", "advcl") and _has_wh_word(c)),
        None,
    )
    if clause is None:
        clause = next(
            (c for c in root.subtree if (c.dep_ in ("ccomp", "pcomp") and _has_wh_word(c)) or _free_relative(c)), None
        )
    if clause is not None:  # in text order: a wh-word a preposition governs from afar is yielded after its head
        return _without_purpose(sorted(clause.subtree, key=lambda t: t.i))
    dropped: set[int] = {root.i}
    for child in root.children:
        if child.dep_ in ("aux", "nsubj", "dative", "intj", "punct", "advmod", "npadvmod", "prt"):
            dropped |= {t.i for t in child.subtree}
        if child.dep_ in ("dobj", "attr", "oprd", "ccomp") and _is_artefact(child):
            dropped |= _artefact(child)
    for token in doc:
        if token.dep_ == "prep" and token.lower_ == "for" and token.head.i in dropped:
            dropped |= {t.i for t in token.subtree if t.dep_ not in ("prep",) or t is token} - _kept_preps(token)
    kept = [t for t in tokens if t.i not in dropped]
    while kept and (
        (kept[0].dep_ == "prep" and (kept[0].lower_ in TOPIC_PREPOSITIONS or kept[0].head.i in dropped))
        or kept[0].is_punct
    ):  # "a summary of X": the artefact's own preposition goes with it
        kept = kept[1:]
    kept = _without_form(_without_purpose(kept))
    return kept if any(t.pos_ in CONTENT_POS for t in kept) else tokens


def _topic_phrase(preposition: Token) -> list[Token]:
    """The object of a request's "on", with the phrases right after it that the parser hung on the request noun
    instead ("a note on EU support | to the armed forces"); not a "for" or "with" phrase, nor one after a comma."""
    phrase = [t for t in preposition.subtree if t is not preposition]
    following = preposition.right_edge.i + 1
    doc = preposition.doc
    while following < len(doc) and doc[following].dep_ == "prep" and doc[following].lower_ not in ("for", "with"):
        phrase += list(doc[following].subtree)
        following = doc[following].right_edge.i + 1
    return phrase


def _without_form(tokens: list[Token]) -> list[Token]:
    """ "… in two sentences", "… in 100 words": the counted form of the text asked for, not its content."""
    form = {
        t.i for p in tokens if p.dep_ == "prep" and p.lower_ == "in"
        for o in _objects(p) if any(c.dep_ == "nummod" for c in o.children) for t in p.subtree
    }  # fmt: skip
    return [t for t in tokens if t.i not in form]


def _without_purpose(tokens: list[Token]) -> list[Token]:
    """A request's closing "for" phrase says whom or what the text is for, whatever the parser attached it to:
    "… about cyber, for the minister's briefing", "points on arms control for the CONOP working party". Without
    a comma it stays when it names the thing itself ("lines on EU support for Ukraine")."""
    for position, token in enumerate(tokens[1:-1], start=1):
        inside = {t.i for t in token.subtree}
        closing = all(t.i in inside or t.is_punct for t in tokens[position + 1 :])
        if token.lower_ != "for" or token.dep_ != "prep" or not closing or _kept_preps(token):
            continue  # "a paragraph for the steering note on PESCO": the topic is inside
        objects = _objects(token)
        if tokens[position - 1].text == "," or (objects and objects[0].pos_ != "PROPN"):
            return tokens[: position - (tokens[position - 1].text == ",")]
    return tokens


def _bare_request(sentence: Span) -> bool:
    """A request that names only the form of the answer ("Give me bullets.", "Keep it short."): nothing
    hangs off its object."""
    root = sentence.root
    return _is_request(root) and all(
        c.dep_ in ("dative", "punct", "advmod", "npadvmod", "intj", "nsubj", "aux")
        or (c.dep_ in ("dobj", "oprd", "acomp") and not any(g.dep_ == "prep" for g in c.children))
        for c in root.children
    )


def _is_artefact(noun: Token) -> bool:
    """ "Draft a line on X", "a summary of X", "every reference to X" ask for something about X; "List the action
    plans referred to in …" asks for the plans themselves. What is requested is an artefact when a phrase
    ("on X", "of X"; a "for" phrase says whom it is for) or a count hangs off it, or nothing else says what it is."""
    addressee = {t.i for c in noun.children if c.dep_ == "prep" and c.lower_ == "for" for t in c.subtree}
    if (noun.dep_ == "dobj" and noun.pos_ == "VERB") or _owned_by_another(noun):
        return False  # "Compare what EU support covers …", "Compare the EU's support on cyber …": what is asked about
    return (
        noun.dep_ == "ccomp"
        or any((c.dep_ == "prep" and c.lower_ in ARTEFACT_PREPOSITIONS) or c.dep_ == "nummod" for c in noun.children)
        or any(_describing(c) for c in noun.children)
        or not any(c.pos_ in ("NOUN", "PROPN", "ADJ") for c in noun.subtree if c is not noun and c.i not in addressee)
    )


def _owned_by_another(noun: Token) -> bool:
    """ "the EU's support", "its support": a thing someone else has is asked about, not a text to be written."""
    return any(c.dep_ == "poss" and not _speaker(c) for c in noun.children)


def _speaker(token: Token) -> bool:
    """ "my", "your", "our": the person asking or the assistant."""
    return token.pos_ == "PRON" and bool(set(token.morph.get("Person")) & {"1", "2"})


def _artefact(noun: Token) -> set[int]:
    """The requested artefact ("three short bullets", "a line"): the noun and its left modifiers."""
    found = {noun.i}
    for child in noun.children:
        if child.i < noun.i or child.dep_ in ("appos",):
            found |= {t.i for t in child.subtree}
        if _describing(child):  # "a paragraph summarising X": X is the content, the participle the writing
            found.add(child.i)
    return found


def _describing(token: Token) -> bool:
    """A participle clause on the text asked for or on its addressee says what the text is to hold ("a line for
    the speech highlighting X", "a paragraph summarising X")."""
    return token.dep_ == "acl" and token.tag_ == "VBG"


def _kept_preps(for_token: Token) -> set[int]:
    """Inside "for the minister's speech on X", "on X" is content and stays."""
    kept: set[int] = set()
    for token in for_token.subtree:
        if token is not for_token and token.dep_ == "prep" and token.lower_ in TOPIC_PREPOSITIONS:
            kept |= {token.i} | {t.i for t in _topic_phrase(token)}  # "on EU support | to the armed forces"
        if _describing(token):
            kept |= {t.i for t in token.subtree} - {token.i}
    return kept


def _free_relative(token: Token) -> bool:
    """ "bullets what the EU commits to": parsed as a relative clause of "bullets", but "what" and "how" never
    introduce one; the clause is the question asked."""
    return token.dep_ == "relcl" and any(t.lower_ in ("what", "how") and t.tag_ in WH_TAGS for t in token.subtree)


def _has_wh_word(token: Token) -> bool:
    return any(t.tag_ in ("WDT", "WP", "WP$", "WRB") or t.lower_ in ("whether", "if") for t in token.subtree)


def _asks_for_several(doc: Doc) -> bool:
    """ "Which areas …", "What initiatives …": a wh-word governing a plural noun; "… across its sections": every
    place in the text."""
    return any(t.tag_ in ("WDT", "WP") and t.head.tag_ in ("NNS", "NNPS") for t in doc) or bool(_scope_phrase(doc))


def _scope_phrase(doc: Doc) -> list[Token]:
    """ "across its different areas", "throughout the sections of the partnership": a phrase spanning parts of the
    text itself (a part of a text, or what the text's "its" owns) says where to look, not what about; "across
    cyber and defence" names topics. Its words other than names (which pick the document) are no topic."""
    spans = []
    for preposition in doc:
        if preposition.lower_ not in SCOPE_PREPOSITIONS:
            continue
        for place in (c for c in preposition.children if c.dep_ == "pobj"):
            owned = any(c.dep_ == "poss" and c.lower_ in ("its", "their") for c in place.children)
            if owned or stem(place.lower_) in DOCUMENT_PART_STEMS:
                spans += [t for t in preposition.subtree if t.pos_ != "PROPN"]
    return spans


def _requested_count(doc: Doc, content: list[Token]) -> int | None:
    """ "Give me three bullets", "two talking points", "a line": how many points the request asks for; "a
    one-paragraph note", "a 200-word summary" measure the text's length (the counted noun modifies another)."""
    inside = {t.i for t in content}
    for token in doc:
        if token.i in inside or token.dep_ != "nummod" or token.head.i in inside:
            continue
        if token.head.dep_ in ("compound", "amod", "nmod"):
            continue
        word = token.lower_
        if word.isdigit():
            return int(word)
        if word in CARDINALS:
            return CARDINALS.index(word) + 1
    return None


def _asks_for_bullets(doc: Doc, content: list[Token]) -> bool:
    """Bullets (or points, items) requested outside the content question."""
    inside = {t.i for t in content}
    return any(t.i not in inside and t.lower_ in ("bullet", "bullets", "points", "list") for t in doc)


def has_of_phrase(noun: Token) -> bool:
    """ "kinds of trafficking", "bodies of water", "the recommendations of the survey": an "of" phrase narrows it."""
    return any(c.dep_ == "prep" and c.lower_ == "of" for c in noun.children)


def _asks_expansion(doc: Doc) -> bool:
    """ "What does X stand for?", "what's X short for": "stand for" / "short for" with a wh-word (read off the
    surface: the parser hangs "for" on the copula as often as on "short")."""
    return any(t.tag_ in WH_TAGS for t in doc) and any(
        t.lower_ in EXPANSION_WORDS and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "for" for t in doc
    )


def _answer_type(doc: Doc) -> tuple[AnswerType, str]:
    tokens = [t for t in doc if not t.is_punct]
    if not tokens:
        return "general", ""
    for token in tokens:
        if _adverbial_wh(token):
            continue
        word = token.lower_
        following = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
        if word == "when" or (word == "since" and following == "when"):
            return "date", token.text
        if word == "how" and following in ("many", "much"):
            return "number", f"{token.text} {following}"
        if word == "how" and following in ("often", "frequently", "regularly"):
            return "frequency", f"{token.text} {following}"
        asked_about = _wh_noun(token)
        if asked_about in TIME_NOUNS:
            return "date", f"{token.text} {asked_about}"
        if asked_about in NUMBER_NOUNS:
            return "number", f"{token.text} {asked_about}"
        if asked_about in PURPOSE_NOUNS:
            return "purpose", f"{token.text} {asked_about}"
        narrowed = any(has_of_phrase(t) for t in doc if t.lower_ == asked_about)  # "bodies of water" is no body
        if asked_about and not narrowed and (label := entity_label_nouns().get(stem(asked_about))):  # "which country"
            return SLOT_ANSWER_TYPES[label], f"{token.text} {asked_about}"
        if word in ("who", "whom", "whose"):
            return "body", token.text
        if word == "where":
            return "place", token.text
    if _inverted(tokens) and not any(_interrogative(t) and not _adverbial_wh(t) for t in tokens):
        return ("general", "") if _alternative(doc) else ("yes_no", "")
    slot = _fragment_slot(doc)
    if slot is not None:  # "and the date?", "the number?": a fragment naming what it asks for
        return ("date" if slot.lower_ in TIME_NOUNS else "number"), slot.text
    return "general", ""


def _fragment_slot(doc: Doc) -> Token | None:
    """The noun of a verbless fragment that is a kind of answer ("and the date?", "the year?")."""
    if any(t.pos_ in ("VERB", "AUX") for t in doc):
        return None
    root = next(iter(doc.sents)).root
    return root if root.lower_ in TIME_NOUNS | NUMBER_NOUNS else None


def _adverbial_wh(token: Token) -> bool:
    """ "… assistance where relevant?", "… help when crises happen?": a wh-word opening a clause that modifies
    the question asks nothing itself."""
    return token.tag_ in WH_TAGS and token.head is not token and token.head.dep_ in ("relcl", "advcl")


def _alternative(doc: Doc) -> bool:
    """ "Was it civilian or military?", "Are they only hosts, or do they contribute?": a choice between what is
    said of the subject, answered by the sentence that says which, not by yes or no ("… or not?" stays yes/no)."""
    predicate = ("attr", "acomp", "oprd", "ROOT")
    for conjunct in doc:
        head = conjunct.head
        if conjunct.dep_ != "conj" or conjunct.lower_ == "not" or not any(c.lower_ == "or" for c in head.children):
            continue
        if head.dep_ in predicate or (head.dep_ == "amod" and head.head.dep_ in predicate):
            return True
    return False


def _inverted(tokens: list[Token]) -> bool:
    """An auxiliary opening the question, or opening it after an introductory phrase and a comma ("Under the
    partnership, is it Albania that …?", "According to the EEAS, has Albania …?"), makes a yes/no question."""
    doc = tokens[0].doc
    comma = next((t for t in doc if t.text == "," and t.i + 1 < len(doc)), None)
    opening = [tokens[0]] + ([doc[comma.i + 1]] if comma is not None else [])
    if _chat_opener(tokens[0]) and len(tokens) > 1:  # "And does the EU …?", "So is it …?"
        opening.append(tokens[1])
    finite = ("VBZ", "VBP", "VBD", "MD")
    return any(t.pos_ == "AUX" or (t.tag_ in finite and t.dep_ in ("aux", "ROOT")) for t in opening)


def _chat_opener(token: Token) -> bool:
    """ "And", "So", "Also", "Well": a word that joins the question to the chat, not a wh-word."""
    return token.pos_ in ("CCONJ", "INTJ") or (token.pos_ == "ADV" and token.tag_ != "WRB")


def _interrogative(token: Token) -> bool:
    """A wh-word that asks, not one that opens a relative clause ("Is it Albania that …", "a mission which …")."""
    if token.tag_ not in WH_TAGS or token.lower_ == "that":
        return False
    return not (token.i > 0 and token.nbor(-1).pos_ in ("NOUN", "PROPN", "PRON"))


def _asks_where(doc: Doc) -> Literal["", "where", "part"]:
    """Whether the question asks where something is in the text: its first question word is "where" ("where"),
    or it asks which parts of the text ("Which paragraphs mention the UN?") or for the mentions of a thing
    ("What are all the references to the UN?", "Any mention of space?"; not "the EEAS reference of the
    partnership", a reference number): "part"."""
    first = next((t for t in doc if _interrogative(t)), None)
    if first is not None and first.lower_ == "where":
        return "where"
    following = first.nbor(1) if first is not None and first.i + 1 < len(doc) else first
    if following is not None and stem(following.lower_) in DOCUMENT_PART_STEMS:
        return "part"
    mentions = any(c.dep_ == "prep" and c.lower_ == MENTION_NOUNS.get(t.lower_) for t in doc for c in t.children)
    return "part" if mentions else ""


def _slots(doc: Doc) -> tuple[tuple[str, str, str], ...]:
    """Where or by whom something was done, which a yes/no question asks to confirm ("deployed in Kosovo",
    "adopted by the Council")."""
    return tuple((entity_name(e), entity_kind(e), slot_preposition(e)) for e in doc.ents if slot_preposition(e))


def _agent(doc: Doc) -> tuple[str, ...]:
    """Who a yes/no question says did something ("Did the Council adopt the strategy?"): a named body or place
    as the subject of an action verb, which a sentence naming another doer of that verb denies."""
    for entity in doc.ents:
        verb = entity.root.head
        acting = entity.root.dep_ == "nsubj" and verb.pos_ == "VERB" and verb.lower_ not in COPULAS
        if acting and entity.label_ in SLOT_LABELS:
            return (entity_name(entity), entity_kind(entity), stem(verb.lower_))
    return ()


def doers(doc: Doc) -> set[tuple[str, str]]:
    """(verb, kind of doer) for each named body or place a text names as the agent of a passive verb ("adopted by
    the European Commission"): a doer said of that act. An active subject is not enough: "The EU and Albania
    have adopted strategic documents" does not say who adopted the Strategic Compass."""
    return {
        (stem(entity.root.head.head.lower_), entity_kind(entity)) for entity in doc.ents
        if entity.root.dep_ == "pobj" and entity.root.head.dep_ == "agent"
    }  # fmt: skip


def entity_name(entity: Span) -> str:
    """A named thing as a question names it, without its article ("the Council" → "Council")."""
    return re.sub(r"^(?:the|a|an)\s+", "", entity.text, flags=re.IGNORECASE)


def entity_kind(entity: Span) -> str:
    return label_kind(entity.label_)


def label_kind(label: str) -> str:
    """The kind of a named thing, places as one kind: the tagger calls "North Macedonia" a location in one
    sentence and a country in the next."""
    return "GPE" if label == "LOC" else label


def slot_preposition(entity: Span) -> str:
    """The preposition that introduces a named place or body as its object ("in Kosovo", "by the Council",
    "in the former Yugoslav Republic of Macedonia"), or "" for any other named thing. The reader finds the
    filler of a question's slot in a sentence the same way."""
    head = entity.root.head
    introduced = entity.root.dep_ == "pobj" and head.lower_ in SLOT_PREPOSITIONS
    return head.lower_ if entity.label_ in SLOT_LABELS and introduced else ""


def _asked_mood(doc: Doc) -> Mood:
    """A question asking whether something is "possible" or "potential" asks about a possibility."""
    return "possible" if any(stem(t.lower_) in POSSIBILITY_STEMS for t in doc) else mood(doc)


def mood(doc: Doc) -> Mood:
    """How firm a clause is, from its auxiliaries (a closed class): "may/might/could" possible, "will/shall"
    future, "has/had/did/was" past, otherwise present."""
    auxiliaries = {t.lower_ for t in doc if t.tag_ == "MD" or (t.pos_ == "AUX" and t.dep_ in ("aux", "auxpass"))}
    if auxiliaries & {"may", "might", "could"}:
        return "possible"
    if auxiliaries & {"will", "shall", "'ll"}:
        return "future"
    first = next((t for t in doc if not t.is_punct), None)
    if first is not None and first.lower_ in ("has", "have", "had", "did", "was", "were"):
        return "past"
    return "present"


def _named_by(doc: Doc, name_noun: str) -> str:
    """The thing whose name is asked: "the name of the first operation" gives "operation"."""
    noun = next(t for t in doc if t.text == name_noun)
    objects = [o for c in noun.children if c.dep_ == "prep" and c.lower_ == "of" for o in _objects(c)]
    return objects[0].text if objects else ""


def _focus(doc: Doc) -> str:
    """The noun a "What is the X …?" question asks for (the subject of the copula)."""
    for token in doc:
        if token.tag_ in ("WDT", "WP") and token.dep_ == "attr" and token.head.lemma_ == "be":
            subjects = [c for c in token.head.children if c.dep_ == "nsubj" and c.pos_ == "NOUN"]
            return subjects[0].text if subjects else ""
    return ""


def _identified(doc: Doc) -> str:
    """ "Which projects …", "what recommendations …": the noun a wh-determiner asks to have named."""
    found = (t.head.text for t in doc if t.tag_ == "WDT" and t.dep_ == "det" and t.head.pos_ in ("NOUN", "PROPN"))
    return next(found, "")


def _wh_noun(token: Token) -> str:
    """The noun a wh-word asks about: "which year", or "what is the number" (the copula's subject)."""
    if token.tag_ not in ("WDT", "WP"):
        return ""
    if token.dep_ == "det" or (token.head.pos_ == "NOUN" and token.head.i == token.i + 1):  # "With what aim?"
        return token.head.lower_
    if token.dep_ == "attr" and token.head.lemma_ == "be":
        subjects = [c for c in token.head.children if c.dep_ == "nsubj"]
        return subjects[0].lower_ if subjects else ""
    return ""


def _names(doc: Doc) -> tuple[str, ...]:
    """Named things (countries, organisations, missions, named documents) and acronyms."""
    # An entity counts only when the user wrote part of it capitalised: on lower-case chat text the
    # recogniser tags word runs ("btw eu n albania") that name nothing.
    entities = [e for e in doc.ents if e.label_ in NAMED_THING_LABELS and any(t.text[:1].isupper() for t in e)]
    names = [governed_place(ent) or ent.text for ent in entities]
    covered = {t.i for ent in entities for t in ent}
    for token in doc:
        if token.i in covered:
            continue
        parts = [p for p in re.split(r"[-–/]", token.text) if p]
        # acronyms, and capitalised proper nouns inside the sentence ("EU-Kosovo" gives "Kosovo")
        names += [p for p in parts if p.isupper() and len(p) > 1 and p.isalpha()]
        if token.pos_ == "PROPN" and token.i > 0:
            names += [p for p in parts if p[:1].isupper() and not p.isupper() and p.isalpha()]
    cleaned = [re.sub(r"^(?:the|a|an)\s+|['’]s$", "", n, flags=re.IGNORECASE).strip(" '\"‘’“”") for n in names]
    return tuple(dict.fromkeys(n for n in cleaned if n))


def _terms(doc: Doc, names: tuple[str, ...], references: bool = True, requested: bool = False) -> tuple[Term, ...]:
    """Content words other than the names, which the relevance judge checks on their own. A question looking up
    a paragraph or the cover note ("the cover note of 15047/24") uses its numbers to find it, not as a topic."""
    written = [e.text for e in doc.ents if governed_place(e)]  # "Tirana", asked about as "Albania"
    name_stems = {stem(part) for name in (*names, *written) for part in name_parts(name)}
    fragment_slot = _fragment_slot(doc)  # "and the date?": the answer's kind, not a topic
    terms: dict[str, Term] = {}
    scope = {t.i for t in _scope_phrase(doc)}
    for token in doc:
        if token.i in scope:
            continue
        # spaCy's norm table reads "pls" as "please"; an ordinal ("the first mission") is content, not a stop word
        stop = (token.is_stop or token.vocab[token.norm_].is_stop) and token.lower_ not in ORDINALS
        manner = _manner_adverb(token)
        if (token.pos_ not in CONTENT_POS and not manner) or stop or token.is_punct or len(token.text) < 2:
            continue
        if token.dep_ in ("punct", "prep"):  # a chat word attached as punctuation ("whats EUPM lol"); "versus"
            continue
        if stem(token.lower_) in PRO_FORMS | POSSIBILITY_STEMS:  # mood, not topic
            continue
        framing = _aspect_of_name(token, name_stems)
        if stem(token.lower_) in DOCUMENT_PART_STEMS and framing:
            continue  # "the Way Forward section": a part of the text the name picks out, whose heading it is
        if _said_by_part(token):
            continue  # "Does the cyber section mention X?": what a part of the text does is say things, no topic
        if _said_of_the_answer(token):
            continue  # "What is special about X?": what the answer is to be, not what it is about
        if token.tag_ in WH_TAGS or token.dep_ == "aux":
            continue
        asked_about = any(_wh_noun(c) == token.lower_ for c in token.children)
        classifier = has_of_phrase(token)
        if (asked_about and (token.lower_ in TIME_NOUNS | NUMBER_NOUNS | PURPOSE_NOUNS or classifier)) or (
            token == fragment_slot
        ):
            continue  # "in what year", "what kinds of trafficking": the answer's slot, not a topic
        # A number naming something ("is 1325 mentioned?", "Resolution 1325") is a reference the paragraph must
        # hold; one counting something ("3 Joint Declarations") or a year is checked by the reading, not the topic.
        counting = token.dep_ == "nummod" and token.i < token.head.i
        reference = references and not counting and not YEAR.fullmatch(token.text)
        for part in [token.text] if reference and token.like_num else re.split(r"[-/–]", token.text):
            if len(part) > 1 and (reference or not part.isdigit()) and stem(part) not in name_stems:
                key = stem(part)
                weight = VERB_WEIGHT if manner else _weight(token)
                terms.setdefault(
                    key,
                    Term(key, part, weight, subject=_subject_stem(token), aspect=requested and framing),
                )
    return tuple(terms.values())


def _said_of_the_answer(adjective: Token) -> bool:
    """An adjective predicated of the wh-word ("What is special about EULEX?", "What makes it unique?") describes
    the answer, as a wh-noun names its kind."""
    wh_subject = any(c.dep_ == "nsubj" and c.tag_ == "WP" for c in adjective.head.children)
    return adjective.pos_ == "ADJ" and adjective.dep_ in ("acomp", "ccomp", "oprd") and wh_subject


def _said_by_part(token: Token) -> bool:
    """A part of the text as a verb's subject, and that verb: where to look and that it is said there ("the cyber
    paragraph refers to …"); its modifiers ("cyber") stay topics."""
    part = lambda t: t.dep_ in ("nsubj", "nsubjpass") and stem(t.lower_) in DOCUMENT_PART_STEMS  # noqa: E731
    return part(token) or (_verbal(token) and any(part(c) for c in token.children))


def _manner_adverb(token: Token) -> bool:
    """ "fully aligned", "currently run": an -ly adverb on a verb or adjective says how, which a paragraph may say
    with the adjective ("full alignment", "Currently, …"); it weighs as a verb, as hedges ("actually") are -ly too."""
    head_kind = token.head.pos_ in ("VERB", "ADJ")
    return token.tag_ == "RB" and token.dep_ == "advmod" and token.lower_.endswith("ly") and head_kind


def _aspect_of_name(token: Token, name_stems: set[str]) -> bool:
    """ "points on the EU-NATO angle", "a paragraph on our FIMI commitments": a noun that only names compound to."""
    modifiers = [c for c in token.children if c.dep_ in ("compound", "amod", "poss", "nmod") and not c.is_punct]
    return (
        token.pos_ == "NOUN" and bool(modifiers) and all(c.dep_ in ("compound", "nmod") for c in modifiers)
        and all(stem(p) in name_stems for c in modifiers for p in re.split(r"[-/–]", c.text) if p)
    )  # fmt: skip


def _weight(token: Token) -> float:
    """Verbs say less about the topic than nouns; a gerund used as a noun ("about trafficking") is a noun, one
    with its own subject ("of Albania joining PESCO projects") a verb."""
    nominal = (
        token.tag_ == "VBG" and token.dep_ in ("pobj", "pcomp", "dobj", "nsubj", "nsubjpass", "attr", "compound")
        and not any(c.dep_ == "nsubj" for c in token.children)
    )  # fmt: skip
    return VERB_WEIGHT if (_verbal(token) and not nominal) or _with_light_verb(token) else 1.0


def _with_light_verb(noun: Token) -> bool:
    """ "take place", "make use": a bare singular noun as the object of a stop-word verb is part of the verb phrase."""
    light = noun.head.is_stop and noun.head.pos_ in ("VERB", "AUX")
    return noun.dep_ == "dobj" and noun.tag_ == "NN" and light and next(noun.children, None) is None


def _verbal(token: Token) -> bool:
    """A verb, also where the tagger calls it a noun but the parse gives it do-support and a subject ("Where does
    the United Nations feature …?")."""
    return token.pos_ == "VERB" or (
        token.dep_ == "ROOT" and {c.dep_ for c in token.children} >= {"aux", "nsubj"}
        and any(c.dep_ == "aux" and c.lemma_ == "do" for c in token.children)
    )  # fmt: skip


def _subject_stem(token: Token) -> str:
    """The doer of a verb: "the partnership" says, but is reviewed (a passive subject is what the verb is about; "be"
    with a participle is passive however the parser labels it: "When was the partnership signed?")."""
    subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
    be = any(c.dep_ in ("aux", "auxpass") and c.lemma_ == "be" for c in token.children)
    passive = be and token.tag_ in ("VBN", "VBD")
    return stem(subject.lower_) if _verbal(token) and subject is not None and not passive else ""


def _owned(doc: Doc) -> tuple[list[str], str] | None:
    """A thing a named owner has ("Albania's National Security Strategy"): the owner's and the thing's
    words, which a follow-up naming another owner replaces, and the thing's head noun, which it keeps."""
    for token in doc:
        if token.dep_ == "poss" and token.pos_ == "PROPN" and token.head.pos_ in ("NOUN", "PROPN"):
            thing = token.head
            words_of_thing = " ".join(t.text for t in thing.subtree if t.i > token.i + 1 or t is thing)
            return [token.text, words_of_thing], thing.text
    return None


def _subject(doc: Doc) -> str:
    """The grammatical subject; in a cleft ("Is it Albania that will …?") the focused phrase after "it"."""
    subjects = [t for t in doc if t.dep_ in ("nsubj", "nsubjpass")]
    if not subjects:
        return ""
    subject = subjects[0]
    focused = [c for c in subject.head.children if c.dep_ == "attr"] if subject.lower_ == "it" else []
    if focused:
        clause = _hanging(focused[0], ("relcl", "acl"))
        return " ".join(t.text for t in focused[0].subtree if t.i not in clause)
    return " ".join(t.text for t in subject.subtree)


def _hanging(noun: Token, dependencies: tuple[str, ...]) -> set[int]:
    """Positions of what hangs off a noun phrase by these links (its relative clause, its apposition), which
    are not part of the phrase when it is quoted as a subject."""
    return {t.i for c in noun.children if c.dep_ in dependencies for t in c.subtree}


def _negated(doc: Doc) -> bool:
    """Not the "or not" closing a question, which asks both ways ("Is Albania in NATO or not?")."""
    return any(t.dep_ == "neg" and not (t.i > 0 and t.nbor(-1).lower_ == "or") for t in doc)


def _has_no_topic(terms: tuple[Term, ...]) -> bool:
    return all(t.weight < 1.0 for t in terms)


def _uses_pronoun(doc: Doc) -> bool:
    """A third-person or demonstrative pronoun stands for something said before ("it", "they", "that");
    a possessive ("its plans") only when the question names nothing it could refer to."""
    has_names = any(ent.label_ in NAMED_THING_LABELS for ent in doc.ents)
    for token in doc:
        third_person = token.pos_ == "PRON" and "3" in token.morph.get("Person")
        if third_person and (token.dep_ != "poss" or not has_names):
            return True
        if token.lower_ in ("that", "this", "these", "those") and token.dep_ in ("nsubj", "dobj", "pobj", "nsubjpass"):
            return True
        if token.lower_ in ("that", "these", "those") and token.dep_ == "det":  # "How will that support be given?"
            return True
        if token.pos_ == "NOUN" and stem(token.lower_) in PRO_FORMS:  # "the CSDP-related ones"
            return True
        if token.lower_ == "there" and token.dep_ != "expl":  # "any help there?"; not "is there …"
            return True
    return False


def _pronoun_for_topic(doc: Doc) -> bool:
    """A pronoun where the thing talked about goes, the object of a preposition or verb ("initiatives on that",
    "what makes it unique") or the subject "be" describes ("Is that a firm commitment?"); not the subject of
    another verb or a possessive, which is the actor, nor "there", which may point forward to a topic the question
    names itself ("What about cultural heritage - what do they commit to there?")."""
    return any(
        t.lower_ in ("that", "this", "it", "them")
        and (t.dep_ in ("pobj", "dobj") or (t.dep_ == "nsubj" and _lemmas(t.head.lower_) == ("be",)))
        for t in doc
    )


def _refers_back(doc: Doc, names: tuple[str, ...], terms: tuple[Term, ...], requested: bool) -> bool:
    """Elliptical or pronominal: it opens with a conjunction, uses a pronoun, has no verb (a request's content has
    none of its own: "Give me three bullets on cyber cooperation" is a new question) or no topic. A question
    naming its own topic without these ("Which college is involved?") asks afresh, whether or not it names
    anything: the previous turn's names would otherwise steer its search."""
    first = next((t for t in doc if not t.is_punct), None)
    opens_with_conjunction = (
        first is not None and first.i == 0 and (first.pos_ == "CCONJ" or (first.pos_ == "ADV" and first.tag_ != "WRB"))
    )
    elliptical = not requested and not any(t.pos_ == "VERB" for t in doc)
    no_topic = _has_no_topic(terms) and not names
    return opens_with_conjunction or _uses_pronoun(doc) or elliptical or no_topic


def _paragraph_reference(text: str) -> ParagraphReference | None:
    match = PARAGRAPH_REFERENCE.search(text)
    if match:
        rest = (text[: match.start()] + " " + text[match.end() :]).strip()
        return ParagraphReference(int(match.group(1)), False, rest)
    cover = COVER_NOTE.search(text)
    if cover:
        return ParagraphReference(None, False, (text[: cover.start()] + " " + text[cover.end() :]).strip(), True)
    ordinal = ORDINAL_PARAGRAPH.search(text)
    if ordinal:
        rest = (text[: ordinal.start()] + " " + text[ordinal.end() :]).strip()
        word = ordinal.group(1).lower()
        last = word in ("last", "final", "closing")
        if last:
            return ParagraphReference(None, True, rest)
        number = 1 if word == "opening" else ORDINALS.index(word) + 1 if word in ORDINALS else int(word[:-2])
        return ParagraphReference(number, False, rest)
    return None


def indirect(content: str) -> str:
    """ "When will the Dialogue meet?" → "when the Dialogue will meet"; "Is X binding?" → "whether X is binding"."""
    doc = english()(content.strip().rstrip("?").strip())
    comma = next((t.i for t in doc if t.text == ","), None)
    if comma is not None and 0 < comma < len(doc) - 1 and doc[comma + 1].pos_ == "AUX" and doc[0].pos_ != "AUX":
        # "According to the EEAS page, is Albania …" → "whether, according to the EEAS page, Albania is …"
        inner = indirect(doc[comma + 1 :].text)
        intro = doc[:comma].text
        if inner.startswith("whether "):  # not quoted
            return f"whether, {intro[:1].lower() + intro[1:]}, {inner.removeprefix('whether ')}"
    text = _indirect(doc)
    first_after = text.split()[1:2]
    if text.startswith("whether") and first_after and first_after[0].lower() in INVERTED_AUXILIARIES:
        return _quoted(content)  # the parse did not show where the subject ends: quote the question instead
    return text


def _quoted(content: str) -> str:
    return f"the answer to “{content.strip()}”"


def _indirect(doc: Doc) -> str:
    content = doc.text
    tokens = [t for t in doc if not t.is_punct or t.text in ("-", "/", "'")]
    while len(tokens) > 1 and _chat_opener(tokens[0]):
        tokens = tokens[1:]  # "And does the EU …?": the opener joins the chat, not the question
    if not tokens:
        return content
    # a wh-word, not "that" or "which" tagged as one where it points back ("has that been decided")
    wh = [t for t in tokens[:2] if t.tag_ in WH_TAGS and (t.lower_.startswith("wh") or t.lower_ == "how")]
    start = 0 if not wh else tokens.index(wh[-1]) + 1
    if wh:  # the wh-phrase stays together: "how many troops", "how often", "what (EU) recommendations"
        phrase = {a.i for a in wh[-1].ancestors if a.pos_ not in ("VERB", "AUX")} | {c.i for c in wh[-1].children}
        while start < len(tokens) and tokens[start].i in phrase:
            start += 1
        if wh[-1].dep_ == "det" and wh[-1].head.i >= tokens[start - 1].i:
            start = next((n + 1 for n, t in enumerate(tokens) if t.i == wh[-1].head.i), start)
    prefix = " ".join(t.text for t in tokens[:start]) if wh else "whether"
    rest = tokens[start:]
    if rest and rest[0].pos_ == "AUX":
        subject = next((t for t in rest if t.dep_ in ("nsubj", "nsubjpass", "expl")), None) or next(
            (t for t in rest if t.dep_ == "attr" and t.head.i == rest[0].i), None
        )  # "Is anything planned …": the parser makes "anything" the copula's attribute; "Is there …": "there"
        if subject is not None:  # "Is the Dialogue held every year": "held every year" follows the auxiliary
            clause = _hanging(subject, ("acl", "relcl", "appos"))
            span = sorted((t for t in subject.subtree if t.i not in clause), key=lambda t: t.i)
            if span[-1].i == rest[-1].i and rest[0].lemma_ == "be" and subject.i < span[-1].i:
                # "is albania in pesco": the parser hung the predicate on the subject
                span = [t for t in span if t.i <= subject.i]
            elif (
                subject.i == rest[-1].i
                and rest[0].lemma_ == "be"
                and any(c.dep_ == "compound" and c.pos_ == "NOUN" for c in subject.children)
            ):  # "Is the dialogue annual", "… document public": parsed as one noun phrase, its last word the predicate
                span = [t for t in span if t.i < subject.i]
            before = [t.text for t in rest[1:] if t.i <= span[-1].i and t.i not in clause]
            after = [t for t in rest[1:] if t.i > span[-1].i or t.i in clause]
            auxiliary = rest[0].lower_
            if auxiliary in DO_TENSES and after and after[0].tag_ == "VB":
                # "When does the EU start …" → "when the EU starts …", "what did it make" → "what it made"
                words_after = [_inflected(after[0].text, DO_TENSES[auxiliary]), *(t.text for t in after[1:])]
            else:
                words_after = [auxiliary, *(t.text for t in after)]
            text = " ".join([prefix, *before, *words_after])
            text = re.sub(r"\s+(['’]s|n't)\b", r"\1", text)
            return text[:1].lower() + text[1:]
    text = " ".join([prefix, *(t.text for t in rest)])
    text = re.sub(r"\s+(['’]s|n't)\b", r"\1", text)
    return text[:1].lower() + text[1:]


def _lemmas(verb: str) -> tuple[str, ...]:
    from lemminflect import getLemma  # the parser here does not lemmatise

    return getLemma(verb, upos="VERB")


def _is_verb_form(word: str) -> bool:
    from lemminflect import getAllLemmas  # lemminflect's verb tables, without its rules for unknown words

    return bool(getAllLemmas(word, upos="VERB"))


def _inflected(verb: str, tag: str) -> str:
    """The verb in the tense the auxiliary carried ("does … start" → "starts", "did … make" → "made")."""
    if tag == "VB":
        return verb
    from lemminflect import getInflection  # its tables load on first use, not at import

    forms = getInflection(verb.lower(), tag=tag)
    return forms[0] if forms else verb
