"""Written answers that are near-copies of another learner's, for the assessor to look at.

A flag, never a penalty: two learners in the same office may describe the same real risk, and
only the assessor can judge. Answers are compared as sets of word 5-grams ("shingles") with the
Jaccard index; word sequences that also appear in the task's brief are ignored (quoting the
question is not copying). A pair is flagged when the index reaches the threshold or when they
share one long passage; the passages they share word for word are shown (:func:`passages`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections import defaultdict
from itertools import combinations
from typing import Mapping

SHINGLE = 5
_NORMAL = re.compile(r"[^\w']+")


@dataclass(frozen=True)
class Tokens:
    shown: tuple[str, ...]   # as the learner wrote them
    words: tuple[str, ...]   # lower case, punctuation removed: what is compared


@dataclass(frozen=True)
class Similar:
    task: str
    learner: str
    other: str
    score: float                   # Jaccard index of the two answers' shingles, 0 to 1
    passages: tuple[str, ...]      # matching passages, as ``learner`` wrote them, longest first

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    def seen_from(self, learner: str) -> "Similar":
        """The same match described from the other learner's side."""
        if learner == self.learner:
            return self
        return Similar(self.task, self.other, self.learner, self.score, self.passages)


def tokens(text: str) -> Tokens:
    pairs = [(tok, _NORMAL.sub("", tok.lower())) for tok in text.split()]
    pairs = [(s, w) for s, w in pairs if w]
    return Tokens(tuple(s for s, _ in pairs), tuple(w for _, w in pairs))


def shingles(words: tuple[str, ...], n: int = SHINGLE) -> set[tuple[str, ...]]:
    return {words[i:i + n] for i in range(len(words) - n + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def passages(a: Tokens, b: Tokens, min_words: int) -> list[str]:
    """Every passage of at least ``min_words`` words that ``a`` and ``b`` share word for word, as
    ``a`` wrote it, longest first. Each run of ``min_words``-word windows of ``a`` found at
    successive places in ``b`` is one passage: linear in the answers' length, where difflib's
    longest-match search was quadratic on answers that repeat themselves (seconds a page)."""
    k = min_words
    at: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j in range(len(b.words) - k + 1):
        at[b.words[j:j + k]].append(j)
    found: list[tuple[int, int]] = []   # (start in a, length in words)
    start, here = None, set()
    for i in range(len(a.words) - k + 1):
        places = at.get(a.words[i:i + k], ())
        follow = {p for p in places if p - 1 in here} if start is not None else set()
        if follow:
            here = follow
            continue
        if start is not None:
            found.append((start, i - 1 - start + k))
        start, here = (i, set(places)) if places else (None, set())
    if start is not None:
        found.append((start, len(a.words) - start))
    found.sort(key=lambda m: -m[1])
    return [" ".join(a.shown[s:s + n]) for s, n in found]


def similar_answers(task: str, answers: Mapping[str, str], *, brief: str = "", threshold: float = 0.3,
                    passage_words: int = 30, min_passage_words: int = 8) -> list[Similar]:
    """Every pair of learners whose answers to ``task`` look copied, most similar first."""
    quoted = shingles(tokens(brief).words)
    toks = {learner: tokens(text) for learner, text in answers.items() if text and text.strip()}
    sets = {learner: shingles(t.words) - quoted for learner, t in toks.items()}
    found = []
    for a, b in combinations(sorted(toks), 2):
        score = jaccard(sets[a], sets[b])
        if score < threshold and not (sets[a] & sets[b]):
            continue
        shared = passages(toks[a], toks[b], min_passage_words)
        longest = max((len(p.split()) for p in shared), default=0)
        if score >= threshold or longest >= passage_words:
            found.append(Similar(task, a, b, score, tuple(shared)))
    return sorted(found, key=lambda s: -s.score)
