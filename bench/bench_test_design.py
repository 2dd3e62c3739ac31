"""Test design: can a unit test be passed without knowing the subject, and does it pass those who do?

For each unit with an online test, by exact calculation over every paper the unit's blueprint can
draw (each outcome's items are a uniform random choice of the blueprint's count, as
``course.exam.draw_paper`` makes a first sitting):

- the pass rate of test-wise strategies that know nothing (pick the longest option; strike
  options with absolute words; answer False to a statement with an absolute word; all of these
  combined, also preferring hedged options; the shortest, second-longest or middle-length
  option, the cues a bank over-corrected for length would give; pure guessing);
- the pass probability of learners who know 40%, 60% or 80% of each outcome's items and guess
  the rest ("fixed": exactly that share of each outcome's bank, which items at random;
  "each item": each item known independently with that chance, a harsher spread).

Targets (the issue that set them): every test-wise strategy passes < 1% of papers; a 40% learner
passes < 5%; an 80% learner passes > 95%. Baseline named: the old 10-item papers drawn at random
from 30 items with a 70% pass mark, where the combined strategy passed 26-35% of papers, a 60%
learner 38% and an 80% learner failed 12%.

    .venv/bin/python bench/bench_test_design.py [--simulate 20000]

``--simulate N`` checks the exact figures against N papers drawn with ``draw_paper`` itself.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from math import comb
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course.content import load_course  # noqa: E402
from course.content.checks import ABSOLUTE_WORDS, HEDGING_WORDS, words  # noqa: E402
from course.content.model import Question, TestSpec  # noqa: E402
from course.exam import draw_paper  # noqa: E402

TARGET_TESTWISE, TARGET_40, TARGET_80 = 0.01, 0.05, 0.95
KNOWLEDGE = (0.4, 0.6, 0.8)

# -- strategies that know nothing ---------------------------------------------------------------
# A strategy ranks a choice item's options (higher first, ties broken at random) and picks as many
# as the prompt asks for; for a true/false item it gives the chance it answers correctly.


def _absolute(text: str) -> bool:
    return bool(ABSOLUTE_WORDS & set(words(text)))


def _hedged(text: str) -> bool:
    return bool(HEDGING_WORDS & set(words(text)))


Rank = Callable[[str, list[str]], tuple]   # (an option's text, all the item's option texts)
TrueFalse = Callable[[Question], float]


def _guess_tf(q: Question) -> float:
    return 0.5


def _false_if_absolute(q: Question) -> float:
    says_false = _absolute(q.prompt)
    return 1.0 if (q.correct == ["false"]) == says_false else 0.0


def _length_rank(text: str, texts: list[str]) -> int:
    return sorted((len(t) for t in texts), reverse=True).index(len(text))


STRATEGIES: dict[str, tuple[Rank, TrueFalse]] = {
    "longest option": (lambda t, ts: (len(t),), _guess_tf),
    "strike absolutes": (lambda t, ts: (not _absolute(t),), _guess_tf),
    "false if absolute": (lambda t, ts: (), _false_if_absolute),
    "combined": (lambda t, ts: (not _absolute(t), _hedged(t), len(t)), _false_if_absolute),
    # the cues an over-corrected bank would give instead
    "shortest option": (lambda t, ts: (-len(t),), _guess_tf),
    "second-longest option": (lambda t, ts: (_length_rank(t, ts) == 1,), _guess_tf),
    "middle-length option": (lambda t, ts: (-abs(_length_rank(t, ts) - (len(ts) - 1) / 2),), _guess_tf),
    "pure guessing": (lambda t, ts: (), _guess_tf),
}


def strategy_chance(q: Question, rank: Rank, tf: TrueFalse) -> float:
    """Exact chance the strategy gets the item right, over every random tie-break."""
    if q.type == "true_false":
        return tf(q)
    keys, k = set(q.correct), len(q.correct)
    texts = [o.text for o in q.options]
    ranks = [rank(t, texts) for t in texts]
    hits = total = 0
    for order in itertools.permutations(range(len(q.options))):  # order = the random tie-break
        top = sorted(range(len(q.options)), key=lambda i: (ranks[i], -order[i]), reverse=True)[:k]
        hits += {q.options[i].id for i in top} == keys
        total += 1
    return hits / total


def guess_chance(q: Question) -> float:
    """A learner who does not know the item guesses: any option (or as many as asked) at random."""
    if q.type == "true_false":
        return 0.5
    return 1 / comb(len(q.options), len(q.correct))


# -- exact score distributions over random papers -----------------------------------------------


def _outcome_scores(p: list[float], draw: int) -> np.ndarray:
    """Score distribution on `draw` items chosen at random from items right with chances `p`."""
    dp = np.zeros((draw + 1, draw + 1))  # [items chosen, score]
    dp[0, 0] = 1.0
    for chance in p:
        new = dp.copy()                                     # not chosen
        new[1:, 1:] += dp[:-1, :-1] * chance                # chosen, right
        new[1:, :] += dp[:-1, :] * (1 - chance)             # chosen, wrong
        dp = new
    return dp[draw] / comb(len(p), draw)


def _outcome_scores_known(g: list[float], draw: int, known: int) -> np.ndarray:
    """As above for a learner who knows exactly `known` of the outcome's items (which, at random)
    and guesses the rest with chances `g`."""
    dp = np.zeros((draw + 1, known + 1, draw + 1))  # [chosen, known so far, score]
    dp[0, 0, 0] = 1.0
    for chance in g:
        new = dp.copy()                                           # not chosen, not known
        new[:, 1:, :] += dp[:, :-1, :]                            # not chosen, known
        new[1:, 1:, 1:] += dp[:-1, :-1, :-1]                      # chosen and known: right
        new[1:, :, 1:] += dp[:-1, :, :-1] * chance                # chosen, guessed right
        new[1:, :, :] += dp[:-1, :, :] * (1 - chance)             # chosen, guessed wrong
        dp = new
    return dp[draw, known] / (comb(len(g), draw) * comb(len(g), known))


def paper_scores(items: list[Question], spec: TestSpec, chance: Callable[[Question], float],
                 known_share: float | None = None) -> np.ndarray:
    total = np.array([1.0])
    for outcome, draw in sorted(spec.blueprint.items()):
        pool = [q for q in items if q.outcome == outcome]
        if known_share is None:
            dist = _outcome_scores([chance(q) for q in pool], draw)
        else:
            dist = _outcome_scores_known([chance(q) for q in pool], draw, round(known_share * len(pool)))
        total = np.convolve(total, dist)
    return total


def pass_rate(scores: np.ndarray, pass_score: int) -> float:
    return float(scores[pass_score:].sum())


# -- report -------------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:7.3f}%"


def _mark(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def report_unit(unit: str, items: list[Question], spec: TestSpec, simulate: int) -> bool:
    print(f"\n== {unit}: {len(items)} items; paper {spec.paper_length}, pass {spec.pass_score}, "
          f"blueprint {dict(sorted(spec.blueprint.items()))}")
    ok = True
    print(f"  {'test-wise strategy (knows nothing)':36} {'mean':>6} {'pass rate':>9}   target < {TARGET_TESTWISE:.0%}")
    chances: dict[str, Callable[[Question], float]] = {}
    for name, (rank, tf) in STRATEGIES.items():
        by_item = {q.id: strategy_chance(q, rank, tf) for q in items}
        chances[name] = lambda q, by_item=by_item: by_item[q.id]
        scores = paper_scores(items, spec, chances[name])
        rate = pass_rate(scores, spec.pass_score)
        ok &= rate < TARGET_TESTWISE
        mean = float((np.arange(len(scores)) * scores).sum())
        print(f"  {name:36} {mean:6.2f} {_pct(rate)}   {_mark(rate < TARGET_TESTWISE)}")
    print(f"  {'learner who knows, of each outcome':36} {'fixed':>9} {'each item':>9}   target")
    for share in KNOWLEDGE:
        fixed = pass_rate(paper_scores(items, spec, guess_chance, share), spec.pass_score)
        each = pass_rate(paper_scores(items, spec, lambda q: share + (1 - share) * guess_chance(q)),
                         spec.pass_score)
        if share == 0.4:
            target, met = f"< {TARGET_40:.0%}", max(fixed, each) < TARGET_40
        elif share == 0.8:
            target, met = f"> {TARGET_80:.0%}", min(fixed, each) > TARGET_80
        else:
            target, met = "", True
        ok &= met
        print(f"  {f'{share:.0%}, guessing the rest':36} {_pct(fixed)} {_pct(each)}   {target} "
              f"{_mark(met) if target else ''}")
    print("  pass score: 40% learner / 80% learner / best test-wise (each-item model)")
    for score in range(spec.pass_score - 2, spec.pass_score + 3):
        low = pass_rate(paper_scores(items, spec, lambda q: 0.4 + 0.6 * guess_chance(q)), score)
        high = pass_rate(paper_scores(items, spec, lambda q: 0.8 + 0.2 * guess_chance(q)), score)
        wise = max(pass_rate(paper_scores(items, spec, c), score) for c in chances.values())
        chosen = "  <- the unit's pass_score" if score == spec.pass_score else ""
        print(f"    {score:2d}: {_pct(low)} {_pct(high)} {_pct(wise)}{chosen}")
    if simulate:
        _simulate(items, spec, chances["combined"], simulate)
    return ok


def _simulate(items: list[Question], spec: TestSpec, chance, n: int) -> None:
    """Cross-check: n papers drawn by draw_paper itself, the combined strategy's mean score."""
    rng = random.Random(1)
    means = [sum(chance(q) for q in draw_paper(items, spec, rng.getrandbits(64)).items) for _ in range(n)]
    exact = float((np.arange(spec.paper_length + 1) * paper_scores(items, spec, chance)).sum())
    print(f"  check: combined strategy's mean score over {n} drawn papers {np.mean(means):.3f}, "
          f"exact {exact:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--simulate", type=int, default=0, help="also draw N papers with draw_paper to check")
    args = ap.parse_args()
    course = load_course(ROOT)
    units = sorted(u for u, unit in course.units.items() if unit.test and u in course.banks)
    results = {u: report_unit(u, course.banks[u].items, course.units[u].test, args.simulate) for u in units}
    print("\n" + "; ".join(f"{u}: {'meets every target' if ok else 'MISSES a target'}" for u, ok in results.items()))


if __name__ == "__main__":
    main()
