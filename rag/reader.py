"""Read the relevant paragraphs by answer type: pick the verbatim sentences that hold what was asked.

Sentences are ranked by the question's words (exact or close in meaning) plus their embedding
similarity to the question. A question asking for a date, a number or a frequency only takes
sentences that contain one; when none does, the reading is partial. A sentence that opens by
referring back ("This …", "They …") is read together with the sentence before it; a lead closing its
paragraph with a colon ("… in the following areas:") with the headings of the subsections after it, when
those are asked for.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from rag.nlp import english, parse
from rag.question import (
    NUMBER_NOUNS,
    POSSIBILITY_WORDS,
    TIME_NOUNS,
    VERB_WEIGHT,
    Question,
    Term,
    entity_kind,
    entity_name,
    has_of_phrase,
    mood,
    slot_preposition,
)
from rag.records import ParagraphRecord
from rag.relevance import PARTIAL_SHARE, Judge, Judgement
from rag.text import (
    CARDINALS,
    ORDINALS,
    YEAR,
    Sentence,
    all_stems,
    frequencies,
    is_stop_word,
    name_parts,
    numbers,
    proper_names,
    stem,
    words,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

MAX_SENTENCES = 3
MAX_LIST_SENTENCES = 5
MAX_ANSWER_WORDS = 120
MAX_LIST_WORDS = 200  # "everything the partnership says about trafficking" quotes one long sentence per paragraph
KEEP_RATIO = 0.85  # a further sentence must score this share of the best one
LIST_KEEP_RATIO = 0.7  # … or this share when the question asks for several points
YES_COVERAGE = 0.6  # share of the question's words the paragraph must hold to say "yes"
YES_CANDIDATES = 8  # best-ranked sentences that may settle a yes/no
REPLACED_OWNER_PENALTY = 0.5
SECTION_WEIGHT = 0.15  # fitted on dev: no change in strict score, citation precision 0.763 → 0.772
IDIOM_SIMILARITY = 0.45  # a stop-word verb phrase and a sentence word that say the same ("take part", "participation")
LIGHT_PREDICATES = frozenset(stem(w) for w in ("be", "have", "do"))  # English's primary auxiliaries as main verbs
PREDICATE_DEPS = frozenset({"ROOT", "xcomp", "ccomp", "conj"})  # the verbs a yes/no asks about, not "According to"
# Closed classes of English (number words, frequency words, back-referring openers), not gold words.
NUMBER_WORDS = frozenset(
    [*CARDINALS, *ORDINALS, "thirty", "forty", "fifty", "hundred", "thousand", "million", "billion", "dozen",
     "single", "double", "twice"]
)  # fmt: skip
MONTHS = frozenset(m for m in calendar.month_name if m)  # capitalised: the modal "may" is not May
LIST_ITEM = re.compile(r"^\s*(?:[-–•*]|\(?[a-z0-9]{1,3}[.)])\s+")
REFERS_BACK = frozenset(["this", "that", "these", "those", "it", "its", "they", "them", "their", "such"])


@dataclass(frozen=True)
class Extract:
    record: ParagraphRecord
    sentences: tuple[Sentence, ...]  # one, or a back-referring sentence with the one before it
    score: float
    heading: str = ""  # quotes the heading the paragraph opens, an item of the list a lead names (its sentence: where)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclass(frozen=True)
class Reading:
    status: Literal["answered", "partial"]
    extracts: list[Extract]
    yes_no: Literal["yes", "no"] | None = None
    missing: tuple[str, ...] = ()  # what the documents lack, as the user wrote it


def has_answer_type(answer_type: str, text: str, para_id: str = "") -> bool:
    lowered = {w.lower() for w in words(text)}
    if answer_type == "date":
        return bool(YEAR.search(text)) or bool(set(words(text)) & MONTHS)
    if answer_type == "number":
        return bool(numbers(text) - {para_id}) or bool(lowered & NUMBER_WORDS)
    if answer_type == "frequency":
        return bool(frequencies(text))
    if answer_type in ("body", "place"):
        return bool(proper_names(text))
    if answer_type == "purpose":  # an infinitive saying what for: "… under the EPF to enhance …", "the aim to address"
        return any(
            t.dep_ in ("advcl", "acl") and any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children)
            for t in parse(text)
        )
    return True


def read(question: Question, judged: list[Judgement], judge: Judge) -> Reading:
    relevant = [j for j in judged if j.relevant]
    candidates = _score_sentences(question, relevant, judge)
    if question.answer_type == "yes_no":
        return _yes_no(question, candidates, judge)
    if question.answer_type == "expansion":
        return _expansion(question, candidates)
    typed = [c for c in candidates if has_answer_type(question.answer_type, c.text, c.record.para_id)]
    if question.answer_type in ("date", "number", "frequency", "purpose") and not typed:
        return Reading("partial", candidates[:1], missing=(question.wh_phrase or question.answer_type,))
    if question.located:  # "Where does X come up?": each paragraph's sentence that mentions it, then what else fits
        firsts = _firsts([c for c in candidates if judge.mentions(question, c.record.key, c.text)])
        floor = firsts[0].score * LIST_KEEP_RATIO if firsts else 0.0
        ranked = firsts + [c for c in candidates if c not in firsts and c.score >= floor]
        limit = min(question.count or MAX_LIST_SENTENCES, MAX_LIST_SENTENCES)  # "two points on …": two
        chosen = _choose(ranked, limit, 0.0, MAX_LIST_WORDS)
        return Reading("answered", _cover_rest(question, chosen, candidates, judged, judge))
    if question.requested and question.answer_type == "general" and candidates:
        chosen = _requested(question, candidates)
    elif question.wants_list:
        limit = min(question.count or MAX_LIST_SENTENCES, MAX_LIST_SENTENCES)  # "three bullets": three
        chosen = _choose(_spread(typed or candidates), limit, LIST_KEEP_RATIO, MAX_LIST_WORDS)
    else:
        chosen = _choose(typed or candidates, MAX_SENTENCES, KEEP_RATIO, MAX_ANSWER_WORDS)
    chosen = _cover_rest(question, chosen, candidates, judged, judge)
    if question.answer_type in ("general", "lookup"):
        chosen = _with_listed_sections(question, chosen, judge)
    quoted = " ".join(e.record.text for e in chosen)
    absent = tuple(f for f in question.figures if f not in numbers(quoted))
    if absent:  # "… withdraw from missions in 2023?" answered from a paragraph without 2023
        return Reading("partial", chosen[:1], missing=absent)
    if question.focus and not _holds(question.focus, chosen, judge):  # "What is the budget of …?"
        return Reading("partial", chosen[:1], missing=(question.focus,))
    if _identified_missing(question, chosen, judged, judge):  # "Which EU space programmes …?" from a ¶ on space
        return Reading("partial", chosen[:1])
    asked_for = question.identifies or _focus_of(question)  # "Which projects …?", "What were the recommendations of …?"
    if asked_for and chosen and _only_mentioned(question, chosen[0], judge, asked_for):
        return Reading("partial", chosen[:1])  # "The documents do not say which PESCO projects …"
    return Reading("answered", chosen)


def _listed_sections(lead: ParagraphRecord, records: list[ParagraphRecord]) -> list[tuple[str, ParagraphRecord]]:
    """The subsections right after a paragraph, each heading with the first paragraph under it: what a lead closing
    the paragraph ("… boost cooperation in the following areas:") lists, where the document's headings are the
    items. Hand-written: the section paths are this parser's own."""
    depth = len(lead.section)
    following = [r for r in records if r.doc_id == lead.doc_id and r.char_start > lead.char_start]
    found: dict[str, ParagraphRecord] = {}
    for record in sorted(following, key=lambda r: r.char_start):
        if record.section[:depth] != lead.section or len(record.section) <= depth:
            break
        found.setdefault(record.section[depth], record)
    return list(found.items()) if len(found) > 1 else []


def _with_listed_sections(question: Question, chosen: list[Extract], judge: Judge) -> list[Extract]:
    """A quoted lead into a list of sections, followed by those sections' headings, when the list is what is asked:
    the question's own words are the heading's ("What are the areas of cooperation?", not "What consultations
    will they hold in the areas of cooperation?"). The list ends the answer: sentences ranked below the lead would
    only pad it."""
    extended = []
    topic = {t.stem for t in question.terms if t.weight >= 1.0}
    for extract in chosen:
        extended.append(extract)
        lead = extract.sentences[-1]
        paragraph = judge.corpus.sentences[extract.record.key]
        heading = all_stems(" ".join(extract.record.section))
        asked = bool(topic) and topic <= heading
        sections = _listed_sections(extract.record, judge.corpus.records) if asked else []
        if lead.text.rstrip().endswith(":") and lead == paragraph[-1] and sections:
            return extended + [
                Extract(record, judge.corpus.sentences[record.key][:1], extract.score, heading=heading)
                for heading, record in sections
            ]
    return extended


def _expansion(question: Question, candidates: list[Extract]) -> Reading:
    """The sentence introducing the acronym ("… interference (FIMI)"); where only a heading does, the sentence
    under it that repeats most of the words the heading spells out."""
    introduced = [re.compile(rf"\(\s*{re.escape(n)}\b", re.IGNORECASE) for n in question.names if n.isupper()]
    typed = [c for c in candidates if any(p.search(c.text) for p in introduced)]
    if not typed:
        spelled: list[tuple[set[str], Extract]] = []
        for candidate in candidates:
            heading = " ".join(candidate.record.section)
            found = next((m for p in introduced if (m := p.search(heading))), None)
            if found:
                spelled.append(({w.lower() for w in words(heading[: found.start()])}, candidate))
        ranked = sorted(spelled, key=lambda pair: -len(pair[0] & {w.lower() for w in words(pair[1].text)}))
        typed = [candidate for _, candidate in ranked]
    return Reading("answered", typed[:1]) if typed else Reading("partial", candidates[:1])


def _identified_missing(question: Question, chosen: list[Extract], judged: list[Judgement], judge: Judge) -> bool:
    """The noun a "which N" question asks to have named is a kind of thing the documents never mention and none
    of the quoted paragraphs says otherwise ("Which ministry …?"); a noun they use elsewhere ("in what capacity",
    "which document") may be answered by an instance that does not repeat it."""
    if not question.identifies or not chosen:
        return False
    asked = stem(question.identifies.lower())
    if asked in judge.corpus.frequency or question.identifies.lower() in NUMBER_NOUNS | TIME_NOUNS:
        return False
    missing = {j.record.key: {t.stem for t in j.missing_terms} for j in judged}
    return all(asked in missing.get(e.record.key, set()) for e in chosen)


def _focus_of(question: Question) -> str:
    """The noun a "What were the N of X?" question asks to have spelled out: its focus, with the "of" phrase."""
    nouns = [t for t in parse(question.content) if t.text == question.focus] if question.focus else []
    return question.focus if any(has_of_phrase(t) for t in nouns) else ""


def _only_mentioned(question: Question, extract: Extract, judge: Judge, asked_for: str) -> bool:
    """ "Which PESCO projects will Albania join?" is not answered by "participation in PESCO projects": the
    sentence names the thing asked for with nothing the question lacks, neither in the phrase itself (a
    description: "exchanges at senior official levels") nor elsewhere (a name or number beyond the question's
    and the document's own actors: "the military operation EUFOR Althea"; a year says when, not which)."""
    asked = {stem(w) for w in words(question.asked)} | judge.corpus.document_stems[extract.record.doc_id]
    parsed = parse(extract.text)
    said = [t for t in parsed if stem(t.text) == stem(asked_for)]
    if not said:
        return False
    described = [t for t in said[0].subtree if t is not said[0] and not t.is_stop and not t.is_punct]
    if _indefinite(said[0]) and all(stem(t.text) in asked for t in described if t.i < said[0].i):
        return True  # "in collaboration with an ESDC Network Member": some member, not which ("a clear vision" says)
    # Proper nouns as the parser tags them: a capitalised common noun ("third States") names nothing.
    named = {t.text for t in parsed if t.pos_ == "PROPN" and t.text in proper_names(extract.text)}
    named |= {n for n in numbers(extract.text) if not YEAR.fullmatch(n)}  # a year says when, not which
    return all(stem(t.text) in asked for t in described) and all(stem(n) in asked for n in named)


def _indefinite(noun: Token) -> bool:
    """A noun under "a"/"an" with no apposition naming it introduces one of its kind without saying which."""
    children = list(noun.children)
    indefinite = any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in children)
    return indefinite and not any(c.dep_ == "appos" for c in children)


def _requested(question: Question, ranked: list[Extract]) -> list[Extract]:
    """Writing asked for ("Draft a line on …", "Bullets on …") is drawn from whole paragraphs: prose takes the best
    paragraph's sentences, then the best sentence of each paragraph that scores close; bullets take one point per
    close paragraph first, then the best paragraph's other sentences."""
    best = ranked[0].record.key
    own = [e for e in ranked if e.record.key == best]
    firsts = [e for e in _firsts(ranked) if e.score >= ranked[0].score * LIST_KEEP_RATIO]
    order = firsts + own if question.bullets else own + firsts
    limit = min(question.count or MAX_LIST_SENTENCES, MAX_LIST_SENTENCES)
    chosen = _choose(list({id(e): e for e in order}.values()), limit, 0.0, MAX_LIST_WORDS)
    if question.bullets:  # points of a briefing follow the document, as a reader checking them would
        chosen.sort(key=lambda e: (e.record.doc_id, e.record.char_start, e.sentences[0].start))
    return chosen


def _score_sentences(question: Question, relevant: list[Judgement], judge: Judge) -> list[Extract]:
    items: list[tuple[ParagraphRecord, tuple[Sentence, ...], str]] = []
    open_ended = question.wants_list and question.answer_type in ("general", "lookup")  # else one item settles it
    for judgement in relevant:
        record = judgement.record
        paragraph = judge.corpus.sentences[record.key]
        for position, sentence in enumerate(paragraph):
            group = (sentence,)
            first = words(sentence.text)[:1]
            if position > 0 and first and first[0].lower() in REFERS_BACK:
                group = (paragraph[position - 1], sentence)
            headings = ""
            if open_ended and sentence.text.rstrip().endswith(":"):  # a list's lead says nothing without its items
                listed = [s for s in paragraph[position + 1 :] if LIST_ITEM.match(s.text)]
                group = (*group, *listed)
                if not listed:  # "… in the following areas:" closing the paragraph: the headings after it list them
                    headings = " ".join(h for h, _ in _listed_sections(record, judge.corpus.records))
            items.append((record, group, headings))
    if not items:
        return []
    texts = [" ".join([*(s.text for s in group), headings]).strip() for _, group, headings in items]
    similarity = judge.embedder.vectors(texts) @ judge.embedder.query(question.search_text)
    scored = []
    topic = [t for t in question.terms if t.weight >= 1.0]  # its own words: a carried topic is only context
    for (record, group, _), text, sim in zip(items, texts, similarity, strict=True):
        coverage = max(
            judge.coverage(terms, judge.term_matches(terms, record.key, text)) if terms else 0.0
            for terms in question.readings(with_names=True)
        )
        score = coverage + judge.parameters.sentence_weight * float(sim)
        # A paragraph under a heading on the topic ("Cyber issues") is about it; a preface only mentions it.
        heading = all_stems(" ".join(record.section))
        score += SECTION_WEIGHT * (sum(t.stem in heading for t in topic) / len(topic) if topic else 0.0)
        if any(owner.lower() in text.lower() for owner in question.replaced):
            score *= REPLACED_OWNER_PENALTY  # "and the EU's?" is not answered by Albania's sentence
        scored.append(Extract(record, group, score))
    return sorted(scored, key=lambda e: e.score, reverse=True)


def _cover_rest(
    question: Question, chosen: list[Extract], ranked: list[Extract], judged: list[Judgement], judge: Judge
) -> list[Extract]:
    """A question over several things ("Russia's war and the support for Ukraine") is answered by several
    paragraphs: while a word of the question is in no quoted sentence, quote the best-ranked sentence that
    holds it, from a relevant paragraph or from one near the threshold whose missing names the answer holds."""
    joint = set(question.joint_names)
    topic = tuple(t for t in question.terms if t.weight >= 1.0 and t.stem in question.coordinated) + tuple(
        Term(name.lower(), name, 1.0, is_name=True) for name in question.names
        if {stem(p) for p in name_parts(name)} & joint
    )  # fmt: skip
    if not topic or not chosen:
        return chosen
    lacking = {j.record.key: j.missing_names for j in judged}
    nearby = [j for j in judged if not j.relevant and j.score >= judge.parameters.threshold * PARTIAL_SHARE]
    ranked = ranked + _score_sentences(question, nearby, judge)  # embedded only when there is something to cover
    budget = (MAX_LIST_WORDS if question.wants_list else MAX_ANSWER_WORDS) - sum(len(words(e.text)) for e in chosen)
    chosen = list(chosen)
    limit = min(question.count or MAX_LIST_SENTENCES, MAX_LIST_SENTENCES)
    while len(chosen) < limit:
        # what the quoted sentences say themselves: "defence" in the partnership's title is not its defence point
        covered = {
            k for e in chosen for k, v in judge.term_matches(topic, e.record.key, e.text, with_title=False).items() if v
        }  # fmt: skip
        open_terms = [t for t in topic if t.stem not in covered]
        if not open_terms:
            break
        quoted = {(e.record.key, s.start) for e in chosen for s in e.sentences}
        extra = next(
            (e for e in ranked if not {(e.record.key, s.start) for s in e.sentences} & quoted
             and len(words(e.text)) <= budget
             and all(any(n.lower() in c.text.lower() for c in chosen) for n in lacking.get(e.record.key, ()))
             and any(judge.term_matches(tuple(open_terms), e.record.key, e.text, with_title=False).values())),
            None,
        )  # fmt: skip
        if extra is None:
            break
        chosen.append(extra)
        budget -= len(words(extra.text))
    return chosen


def _holds(word: str, extracts: list[Extract], judge: Judge) -> bool:
    term = Term(stem(word), word, 1.0)
    return any(judge.term_matches((term,), e.record.key).get(term.stem) for e in extracts)


def _firsts(ranked: list[Extract]) -> list[Extract]:
    """Each paragraph's best sentence, best first."""
    return sorted({e.record.key: e for e in reversed(ranked)}.values(), key=lambda e: e.score, reverse=True)


def _spread(ranked: list[Extract]) -> list[Extract]:
    """Each paragraph's best sentence first, then the rest: a list answer covers every relevant paragraph."""
    firsts = _firsts(ranked)
    return firsts + [e for e in ranked if e not in firsts]


def _choose(ranked: list[Extract], limit: int, keep_ratio: float, budget: int) -> list[Extract]:
    chosen: list[Extract] = []
    used: set[tuple[str, int]] = set()
    for extract in ranked:
        if len(extract.sentences) > 1 and (extract.record.key, extract.sentences[0].start) in used:
            extract = replace(extract, sentences=extract.sentences[1:])  # its antecedent is already quoted
        spans = {(extract.record.key, s.start) for s in extract.sentences}
        if spans & used:
            continue
        length = len(words(extract.text))
        if chosen and (extract.score < chosen[0].score * keep_ratio or length > budget):
            continue
        chosen.append(extract)
        used |= spans
        budget -= length
        if len(chosen) == limit:
            break
    order = {key: rank for rank, key in reversed(list(enumerate(e.record.key for e in ranked)))}
    return sorted(chosen, key=lambda e: (order[e.record.key], e.record.char_start, e.sentences[0].start))


def _yes_no(question: Question, candidates: list[Extract], judge: Judge) -> Reading:
    """Yes when a sentence holds the question's claim; no when it holds it with another figure, another
    actor, or the negation of a word; otherwise the documents do not say whether."""
    if not candidates:
        return Reading("partial", [], missing=("whether",))
    counted = {p.lower() for w in words(question.content) for p in w.split("-")} & NUMBER_WORDS  # "first-ever"
    agreeing = [c for c in candidates if counted <= {w.lower() for w in words(c.text)}]
    if counted and agreeing:  # "Was the first conference held in 2024?" is settled by the "first" sentence
        candidates = agreeing
    timed = [c for c in candidates if frequencies(c.text)]
    if question.periods and timed:  # "… held twice a year?" is settled by a sentence that says how often
        candidates = timed
    own = question.readings(with_names=True)[0]  # a yes needs the question's names too
    scored = []
    for extract in candidates[:YES_CANDIDATES]:
        matches = judge.term_matches(own, extract.record.key, extract.text)
        scored.append((judge.coverage(own, matches), extract, matches))
    coverage, best, matches = max(scored, key=lambda triple: triple[0])
    described = next((e for e in candidates if _described_otherwise(question, e.text)), None)
    if described is not None:  # the subject's own description settles its kind, whichever sentence scores best
        return Reading("answered", [described], yes_no="no")
    filled = _slot_filled(question, best.text)
    if filled is False or _contradicts(question, best, judge) or _other_frequency(question, best):
        return Reading("answered", [best], yes_no="no")
    if not question.slots and _other_named(question, best, matches):
        return Reading("answered", [best], yes_no="no")
    # A yes needs every noun and name of the claim: "Will the EU cover the costs of …?" is not answered by
    # "… exercises", nor "… launched in North Macedonia?" by a sentence that names no place.
    slot_names = {name.lower() for name, _, _ in question.slots} if filled else set()
    missing_nouns = tuple(
        t.written for t in own if t.weight >= 1.0 and not matches.get(t.stem) and t.stem not in slot_names
    )
    if missing_nouns or (question.periods and not set(question.periods) & frequencies(best.text).keys()):
        return Reading("partial", [best], missing=("whether",))
    if counted and best not in agreeing:  # "the very first mission?" is not confirmed by a sentence without "first"
        return Reading("partial", [best], missing=("whether",))
    confirmed = filled or question.periods or question.figures  # the detail asked is what the sentence settles
    claimed = [
        t for t in parse(question.content)
        if t.pos_ == "VERB" and t.dep_ in PREDICATE_DEPS and not _says_it_is(t) and not _leads_to_said(t, matches)
    ]  # fmt: skip
    predicates = {stem(t.lower_) for t in claimed}
    unsaid_verbs = [t for t in own if t.stem in predicates and not matches.get(t.stem)]
    unsaid_verbs += [Term(stem(v), v, VERB_WEIGHT) for v in _unsaid_idioms(claimed, best.text, judge)]
    if unsaid_verbs:  # "offer Albania rapid response assistance" is said by "support … rapid response assistance"
        said_otherwise = judge.said_in_context(question, tuple(unsaid_verbs), best.record)
        unsaid_verbs = [t for t in unsaid_verbs if t.stem not in said_otherwise]
    if unsaid_verbs and not confirmed:  # "commit the EU to fund …?" is not answered yes by "will support"
        return Reading("partial", [best], missing=("whether",))
    if _done_to_another(question, best.text):  # "defend Albania?" against "… defend its (Ukraine's) independence"
        return Reading("partial", [best], missing=("whether",))
    if _manner_unsaid(question, best.text):  # "fully aligned?" is not answered yes by "progressively align"
        return Reading("partial", [best], missing=("whether",))
    if (
        coverage >= YES_COVERAGE and not question.negated and _firm_enough(question.mood, best.sentences[-1].text)
        and not said_of_another(question, best.text) and not _subject_absent(question, best.text)
    ):  # fmt: skip
        return Reading("answered", [best], yes_no="yes")
    return Reading("partial", [best], missing=("whether",))


def _unsaid_idioms(claimed: list[Token], text: str, judge: Judge) -> list[str]:
    """A claim's verb that is a stop word is no topic ("take part in EMPACT" has none), but still the claim: it, with
    the stop words it governs ("take part"), must be in the sentence or close in meaning to one of its words
    ("participation" 0.51; "explore" 0.27 to "take part", MiniLM), unless its object says the claim ("give support").
    """
    said = sorted({w.lower() for w in words(text) if w.isalpha() and not is_stop_word(w)})
    said_stems = all_stems(text)
    unsaid = []
    for verb in claimed:
        if not verb.is_stop or stem(verb.lower_) in LIGHT_PREDICATES:
            continue
        if stem(verb.lower_) in said_stems or not said:
            continue
        if any(t.dep_ == "dobj" and not t.is_stop and stem(t.lower_) in said_stems for t in verb.children):
            continue  # "give Albania support": a light verb, its object says the claim
        governed = [t for t in verb.children if t.is_stop and t.dep_ in ("dobj", "prt")]
        phrase = " ".join(t.lower_ for t in sorted([verb, *governed], key=lambda t: t.i))
        vectors = judge.embedder.vectors([phrase, *said])
        if float((vectors[1:] @ vectors[0]).max()) < IDIOM_SIMILARITY:
            unsaid.append(verb.text)
    return unsaid


def _done_to_another(question: Question, text: str) -> bool:
    """A verb the question applies to a name ("defend Albania", "support Albania's forces") that the sentence uses
    only with other objects: the sentence says it of something else."""
    said = parse(text)
    for verb in parse(question.content):
        uses = [t for t in said if t.pos_ == "VERB" and stem(t.lower_) == stem(verb.lower_)]
        if verb.pos_ != "VERB" or not uses:
            continue
        # a participle modifying its object ("the Strategy, adopted by …") reaches it through its head
        reach = [use.head if use.dep_ in ("acl", "relcl") else use for use in uses]
        for thing in (c for c in verb.children if c.dep_ == "dobj"):
            # the object itself, or its owner ("Albania's institutions", which "its institutions" may say)
            names = [t for t in (thing, *thing.children) if t.pos_ == "PROPN" and (t.i == thing.i or t.dep_ == "poss")]
            marks = {stem(t.text) for t in names} | ({stem(thing.text)} if thing.pos_ != "PROPN" else set())
            if names and not any(marks & {stem(t.text) for t in r.subtree} for r in reach):
                return True
    return False


def _leads_to_said(verb: Token, matches: dict[str, float]) -> bool:
    """ "help build", "end up contributing": a verb whose clausal complements the sentence says carries no claim of
    its own; "commit the EU to fund …" still needs "fund"."""
    complements = [c for c in verb.children if c.dep_ in ("xcomp", "ccomp") and c.pos_ == "VERB"]
    return bool(complements) and all(matches.get(stem(c.lower_)) for c in complements)


def _manner_unsaid(question: Question, text: str) -> bool:
    """A manner adverb of the claimed state ("fully aligned", "formally required": an -ly adverb on a participle
    or adjective) that the sentence does not say in any form ("full", "formal"); "actually contribute" asks
    nothing more, and how often ("annually") is checked as a frequency instead."""
    said = [w.lower() for w in words(text)]
    manner = [
        t.lower_ for t in parse(question.content)
        if t.pos_ == "ADV" and t.dep_ == "advmod" and t.head.tag_ in ("VBN", "JJ") and t.lower_.endswith("ly")
        and len(t.lower_) > 4 and not frequencies(t.text)
    ]  # fmt: skip  # an -ly adverb of five letters or more: "fully", not "only" (no adjective "on")
    return any(not any(w.startswith(adverb[:-2]) for w in said) for adverb in manner)


def _says_it_is(verb: Token) -> bool:
    """ "Is Albania described as an Ally?", "Is it called a mission?": the verb only reports that the subject is
    what follows, which a sentence saying so settles without the verb."""
    return any(c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ == "as") for c in verb.children)


def _root_and_subject(doc: Doc) -> tuple[Token | None, Token | None]:
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None) if root else None
    return root, subject


def _claim(doc: Doc) -> tuple[Token | None, Token | None]:
    """What a question claims something is: "Is X a Y?", "Is X described as a Y?" give X and Y."""
    root, subject = _root_and_subject(doc)
    if root is None or subject is None:
        return None, None
    reporting = [v for v in doc if _says_it_is(v)]
    if root.lemma_ != "be" and root not in reporting:
        return None, None
    predicates = [c for c in [*root.children, *subject.children] if c.dep_ in ("attr", "appos", "oprd")]
    predicates += [g for v in reporting for c in v.children if c.lower_ == "as" for g in c.children if g.dep_ == "pobj"]
    return subject, (predicates[0] if predicates else None)


def _subject_absent(question: Question, text: str) -> bool:
    """ "Is the Partnership legally binding?" is not settled by a sentence about another agreement: what a
    copular question describes must be named in the sentence itself, not only in the document's title."""
    doc = parse(question.content)
    root, subject = _root_and_subject(doc)
    if root is None or root.lemma_ != "be" or subject is None or subject.pos_ not in ("NOUN", "PROPN"):
        return False
    return stem(subject.text) not in all_stems(text)


def said_of_another(question: Question, text: str) -> bool:
    """ "Is EULEX Kosovo a military operation?" against "… the military operation EUFOR Althea … and EULEX
    Kosovo, the largest civilian mission": no mention of the subject reaches the predicate noun without
    another name in between, so the sentence says it of another thing. The draft check uses it too."""
    subject, predicate = _claim(parse(question.content))
    if subject is None or predicate is None or predicate.pos_ != "NOUN":
        return False
    own = {n.lower() for n in proper_names(f"x {' '.join(t.text for t in subject.subtree)}")}
    # the predicate's own words, however the sentence capitalises them ("a non-binding instrument" in a title)
    inside = {t.lower_ for t in predicate.subtree}
    tokens = words(text)
    names = _named_things(text)
    spots = [i for i, w in enumerate(tokens) if w.lower() == predicate.lower_]
    mentions = [i for i, w in enumerate(tokens) if w.lower() in own]
    if not spots or not mentions:
        return False
    asked = {w.lower() for n in question.names for w in n.split()}  # names the question itself uses
    others = [
        i for i, w in enumerate(tokens)
        if w in names and w.lower() not in own | asked and not all(p in inside for p in re.split(r"[-–]", w.lower()))
    ]  # fmt: skip
    # said of the subject when some mention of it and the predicate have no other name between them
    return not any(_apart(m, s, others) for m in mentions for s in spots)


def _named_things(text: str) -> set[str]:
    """The names a sentence uses for things, not a possessor ("the Union's")."""
    return {n for n in proper_names(f"x {text}") if not re.search(r"['’]s$", n)}


def _apart(first: int, second: int, others: list[int]) -> bool:
    """No other name stands between two positions: what is said at one is said of the thing at the other."""
    return not any(min(first, second) < o < max(first, second) for o in others)


def denied_by_description(question: Question, on_topic: list[Judgement], judge: Judge) -> Reading | None:
    """A yes/no claim that no paragraph answers on its words is still denied by an on-topic paragraph that says
    otherwise: a claimed qualifier pulls the claim below the threshold ("held at ministerial level?" against "at
    Directors' level"), and a kind may share only the name ("Was Concordia a civilian mission?" against "the first
    military ESDP operation, Concordia")."""
    if question.answer_type != "yes_no":
        return None
    # "Is anything said about …?", "Does the partnership say anything about …?" ask whether something is said,
    # which neither a contradiction nor another description can deny (English's indefinite pronouns)
    if any(t.lower_ in ("anything", "something") for t in parse(question.content)):
        return None
    claims = not any(t.pos_ == "PRON" for t in parse(question.subject)[:1])  # "Is it …?": described, not claimed
    if on_topic and claims:
        reading = _yes_no(question, _score_sentences(question, on_topic, judge), judge)
        if reading.yes_no == "no":
            return reading
    for judgement in sorted(on_topic, key=lambda j: -j.score):
        for sentence in judge.corpus.sentences[judgement.record.key]:
            if _described_otherwise(question, sentence.text):
                return Reading("answered", [Extract(judgement.record, (sentence,), judgement.score)], yes_no="no")
    return None


def _described_otherwise(question: Question, text: str) -> bool:
    """ "Is EUFOR Althea a civilian mission?" against "the military operation EUFOR Althea": the nearest noun that
    describes the subject (the predicate's own noun, or one the subject stands in apposition to) and reaches a
    mention of it with no other name between carries other qualifiers than the claim's."""
    subject, predicate = _claim(parse(question.content))
    if subject is None or predicate is None or predicate.pos_ != "NOUN":
        return False
    asked = tuple(
        Term(stem(c.text), c.text, 1.0) for c in predicate.children
        if c.dep_ in ("amod", "compound") and c.pos_ == "ADJ" and not c.is_stop
    )  # fmt: skip
    claimed = {t.i for t in predicate.subtree}  # "Concordia the EU's first … mission": the appositive is the claim
    own = [t.lower_ for t in subject.subtree if t.pos_ == "PROPN" and t.i not in claimed]  # "EUFOR Althea"
    doc = parse(text)
    nouns = [t for t in doc if t.pos_ == "NOUN" and t.is_alpha]
    if not asked or not own or not nouns:
        return False
    lowered = [t.lower_ for t in doc]  # a mention is the whole name ("EU" alone is not "the EU Police Mission")
    mentions = [i + len(own) - 1 for i in range(len(doc)) if lowered[i : i + len(own)] == own]
    linked = {t.i for t in doc for m in mentions if (t.head.i == m or doc[m].head.i == t.i) and t.dep_ != "punct"}
    linked |= {i for m in mentions if (i := _appositive_after(doc, m)) is not None}
    # the predicate's own noun, or the noun the subject stands in apposition to ("the military operation EUFOR …")
    kinds = [t for t in nouns if stem(t.text) == stem(predicate.text) or (t.i in linked and t.lower_ not in own)]
    names = _named_things(text)
    others = [t.i for t in doc if t.text in names and t.lower_ not in own]
    for mention in mentions:
        reachable = [k for k in kinds if _apart(mention, k.i, others)]
        if not reachable:
            continue
        nearest = min(reachable, key=lambda k: abs(k.i - mention))
        qualifiers = [c.text for c in nearest.children if c.dep_ == "amod" and c.pos_ == "ADJ" and not c.is_stop]
        # as written: "civilian" and "military" are close in meaning, being kinds of the same thing
        if qualifiers and not {stem(q) for q in qualifiers} & {t.stem for t in asked}:
            return True
    return False


def _appositive_after(doc: Doc, mention: int) -> int | None:
    """ "EULEX Kosovo) – the Union's largest civilian mission": the noun right after a name, past punctuation, an
    article, a possessor and adjectives, stands in apposition to it, however the parser attaches it."""
    i = mention + 1
    if i >= len(doc) or not doc[i].is_punct:
        return None
    while i < len(doc) and (doc[i].is_punct or doc[i].pos_ in ("DET", "ADJ") or doc[i].dep_ in ("poss", "case")):
        i += 1
    return i if i < len(doc) and doc[i].pos_ == "NOUN" else None


def _slot_filled(question: Question, text: str) -> bool | None:
    """Whether the sentence puts the question's subject where the question asks ("EUFOR Althea in Bosnia and
    Herzegovina" against "… deployed in Kosovo?"): the first named thing of the slot's kind after a mention of
    the subject, introduced by the question's preposition, is the one asked about (True), another one (False),
    or none is there (None)."""
    if not question.slots or not question.subject:
        return None
    name, kind, preposition = question.slots[0]
    own = {w.lower() for n in proper_names(f"x {question.subject}") for w in n.split()}
    own |= {t.lower_ for t in parse(question.subject) if t.pos_ == "NOUN"}
    doc = parse(text)
    mentions = [t.i for t in doc if t.lower_ in own]
    if not mentions:
        return None
    fillers = [
        e for e in doc.ents
        if entity_kind(e) == kind and slot_preposition(e) == preposition and e.start > mentions[0]
        and not {w.lower_ for w in e} & own
    ]  # fmt: skip
    if not fillers:
        return None
    filler = fillers[0]
    if filler.end < len(doc) and doc[filler.end].text == "(":  # "… Macedonia (today North Macedonia)"
        closing = next((t.i for t in doc[filler.end :] if t.text == ")"), len(doc))
        filler = doc[filler.start : closing + 1]
    return name.lower() in filler.text.lower()


def _other_frequency(question: Question, extract: Extract) -> bool:
    """ "Is the Dialogue held twice a year?" against "an annual … Dialogue"."""
    said = frequencies(extract.text)
    return bool(question.periods and said and not set(question.periods) & said.keys())


def _other_named(question: Question, extract: Extract, matches: dict[str, float]) -> bool:
    """A name of the question that the settling sentence lacks, where that sentence names another thing of the
    same kind (place, organisation …) instead: the sentence answers for the other one. Places and bodies
    introduced by a preposition are slots, settled by _slot_filled instead."""
    absent = {n for n in question.names if not matches.get(n.lower())}
    if not absent:
        return False
    kinds = {entity_name(e): entity_kind(e) for e in parse(question.content).ents}
    asked_kinds = {kinds[n] for n in absent if n in kinds}
    named = {n.lower() for n in question.names}
    return any(entity_kind(e) in asked_kinds and e.text.lower() not in named for e in parse(extract.text).ents)


def _firm_enough(asked: str, sentence: str) -> bool:
    """ "Has Albania joined?" is not answered yes by "will explore", nor "Will it take part?" by "may entail"."""
    said = mood(english()(sentence))
    if said == "possible":
        return asked == "possible"
    return not (asked == "past" and said == "future")


QUALIFIER_DEPS = ("amod", "compound", "poss", "nmod")


def _contradicts(question: Question, extract: Extract, judge: Judge) -> bool:
    text = extract.text
    figures = set(question.figures)
    if figures and not figures <= numbers(text) and numbers(text) - {extract.record.para_id}:
        return True  # "adopted in 2024?" against "adopted in 2022"
    lowered, asked = text.lower(), question.content.lower()
    for term in question.terms:
        word = term.written.lower()
        negative = rf"\bnon-?\s*{re.escape(word)}"
        if re.search(negative, asked) or not re.search(negative, lowered):
            continue  # "a non-binding instrument?" claims the negative itself
        if not re.search(rf"(?<!non-)\b{word}", lowered):
            return True  # "binding?" against "Non-Binding"
    if _other_modifier(question, extract, judge):
        return True  # "held at ministerial level?" against "at Directors' level"
    subject_names = proper_names(f"x {question.subject}") if question.subject else set()
    if subject_names and _acts(question):  # "Does Albania support the EU?" against "The EU will support Albania"
        actor = _actor(extract.sentences[-1].text)
        others = {n.lower() for n in question.names} - {n.lower() for n in subject_names}
        if actor is not None and not any(n.lower() in actor.lower() for n in subject_names):
            acting = {n.lower() for n in proper_names(f"x {actor}")}
            return any(n.lower() in lowered for n in subject_names) and bool(acting & others)
    return False


def _other_modifier(question: Question, extract: Extract, judge: Judge) -> bool:
    """The claim's thing said with another qualifier in its place: "at ministerial level?" against "at Directors'
    level", where the sentence says "ministerial" in no form ("biggest" is said by "largest"). Names are checked
    elsewhere (another body, place); "possible" is the claim's mood, checked as its firmness."""
    sentence = extract.sentences[-1].text
    said = parse(sentence)
    named = {stem(p) for name in question.names for p in name_parts(name)}
    for head in parse(question.content):
        qualifiers = [
            Term(stem(c.text), c.text, 1.0) for c in head.children
            if c.dep_ in QUALIFIER_DEPS and c.pos_ in ("ADJ", "NOUN") and not c.is_stop
            and stem(c.text) not in named and c.lower_ not in POSSIBILITY_WORDS
        ]  # fmt: skip
        matches = judge.term_matches(tuple(qualifiers), extract.record.key, sentence, with_title=False)
        if head.pos_ != "NOUN" or not qualifiers or all(matches.values()):
            continue
        same = [t for t in said if t.pos_ == "NOUN" and stem(t.text) == stem(head.text)]
        if any(c.dep_ in QUALIFIER_DEPS and not c.is_stop for t in same for c in t.children):
            return True
    return False


def _acts(question: Question) -> bool:
    """Roles can be swapped unless the question describes its subject in the passive ("Is EULEX presented as the
    largest mission?"), which a sentence naming the EU first can still say."""
    root, _ = _root_and_subject(parse(question.content))
    return root is not None and not _says_it_is(root) and not any(c.dep_ == "auxpass" for c in root.children)


def _actor(text: str) -> str | None:
    """The subject of a sentence's main verb, without what modifies it: in "The areas identified in the
    Partnership will be reviewed", the areas, not the Partnership."""
    doc = parse(text)
    _, subject = _root_and_subject(doc)
    if subject is None:
        return None
    trimmed = {t.i for c in subject.children if c.dep_ in ("prep", "acl", "relcl") for t in c.subtree}
    return " ".join(t.text for t in subject.subtree if t.i not in trimmed)
