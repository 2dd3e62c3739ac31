"""Item analysis for test authors: which questions in a bank work, and which do not.

Every learner whose own, verified record shows they sat the attempt counts; a learner with no
record, an unreadable one or another learner's did not see the paper and is left out. For every
item, from the learners whose paper included it:

- **facility**: the share who answered it correctly (0 to 1). Below 0.3 the item is hard;
  above 0.9 it tells the assessor little.
- **discrimination**: facility in the upper 27% of learners by test score minus facility in
  the lower 27% (Kelley's upper-lower method). Learners tied on the score at a group's edge share
  its last places equally (each counts in part), so the index depends on scores alone, never on
  the learners' names or order. Below 0.2 the item does not separate stronger from weaker
  learners; below 0 it favours weaker learners, which often means the key is wrong.
- **point-biserial**: the correlation of the item with the rest of the paper (the score
  without this item).
- **distractor analysis**: how often each option is chosen, overall and in the upper, middle
  and lower groups. A distractor almost nobody picks does no work; one that draws more of the
  upper group than the key does suggests a wrong key or an ambiguous item.

For the test as a whole, **KR-20** (reliability) and the **standard error of measurement**
(in marks). Learners sit different papers drawn to one blueprint, so KR-20's item-variance sum
is each learner's own paper's sum, averaged.

Scores come from the same marking rule as the official result (``course.grading.marking``),
applied to the records in nbgrader's autograded folders. Learners' answers are read on the
grading side only; the output holds no learner's identity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from course.analysis import style
from course.analysis.display import Chart
from course.content.model import ItemBank, TestSpec
from course.grading.marking import TestMark

UPPER_LOWER = 0.27
HARD, EASY, WEAK = 0.3, 0.9, 0.2
MIN_SEEN = 5                 # fewer answers than this: too few to judge an item
RARE_OPTION = 0.05           # a distractor chosen less often than this does no work
MIN_SEEN_OPTIONS = 20        # answers needed before judging distractors
GROUPS = ("upper", "middle", "lower")


def group_weights(scores: np.ndarray, share: float = UPPER_LOWER) -> dict[str, np.ndarray]:
    """Each learner's membership (0 to 1) of the upper, middle and lower score groups. Each outer
    group holds ``share`` of the learners; those tied on the score at its edge share its last
    places equally, so the groups depend on the scores alone."""
    def top(values: np.ndarray) -> np.ndarray:
        weight, left = np.zeros(len(values)), share * len(values)
        for value in sorted(set(values.tolist()), reverse=True):
            if left <= 1e-12:
                break
            at = values == value
            take = min(1.0, left / at.sum())
            weight[at] = take
            left -= take * at.sum()
        return weight

    upper, lower = top(scores), top(-scores)
    return {"upper": upper, "lower": lower, "middle": np.clip(1 - upper - lower, 0, 1)}


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float | None:
    total = weights.sum()
    return float((values * weights).sum() / total) if total > 1e-12 else None


def _correlation(a: np.ndarray, b: np.ndarray) -> float | None:
    if len(a) < 3 or a.std() == 0 or b.std() == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def _reasons(facility: float, discrimination: float | None, seen: int, option_notes: list[str]) -> list[str]:
    if seen < MIN_SEEN:
        return ["too few answers to judge"]
    notes = []
    if discrimination is not None and discrimination < 0:
        notes.append("favours weaker learners: check the key and the wording")
    elif discrimination is not None and discrimination < WEAK:
        notes.append("does not separate stronger from weaker learners")
    if facility < HARD:
        notes.append("hard")
    elif facility > EASY:
        notes.append("very easy")
    return notes + option_notes


@dataclass
class ItemAnalysis:
    unit: str
    learners: int                 # learners whose verified record shows they sat the attempt
    left_out: int                 # learners with no record, an unreadable one or another's
    table: pd.DataFrame           # one row per item
    distractors: pd.DataFrame     # one row per item and option
    reliability: float | None     # KR-20
    sem: float | None             # standard error of measurement, in marks

    @property
    def flagged(self) -> pd.DataFrame:
        return self.table[self.table["verdict"] != "working"]

    def summary(self) -> str:
        rel = "n/a" if self.reliability is None else f"{self.reliability:.2f}"
        sem = "n/a" if self.sem is None else f"{self.sem:.2f} marks"
        return (f"Item analysis for {self.unit}: {self.learners} learners ({self.left_out} left out: no "
                f"verified record of sitting); KR-20 {rel}, standard error of measurement {sem}; "
                f"{len(self.flagged)} of {len(self.table)} items need a look.")

    def _repr_html_(self) -> str:
        return self.table.to_html(index=False, caption=self.summary(), float_format=lambda x: f"{x:.2f}")

    def chart(self) -> Chart:
        fig, (ax,) = style.new_figure(7, 4.5)
        judged = self.table[self.table["seen_by"] >= MIN_SEEN]
        ok = judged["verdict"] == "working"
        ax.scatter(judged.loc[ok, "facility"], judged.loc[ok, "discrimination"], marker="o",
                   color=style.MAIN, label="working")
        ax.scatter(judged.loc[~ok, "facility"], judged.loc[~ok, "discrimination"], marker="X", s=60,
                   color=style.ALERT, label="needs a look")
        for _, row in judged[~ok].iterrows():  # named in words, not only by colour or shape
            ax.annotate(row["item"], (row["facility"], row["discrimination"]), fontsize=8,
                        xytext=(4, 4), textcoords="offset points")
        ax.axhline(WEAK, color=style.LIMIT, linestyle="--", label=f"discrimination {WEAK}")
        ax.set_xlim(0, 1)
        ax.set_xlabel("Facility index (share answering correctly)")
        ax.set_ylabel("Discrimination index")
        ax.set_title(f"Test items for {self.unit}")
        ax.legend(loc="lower left")
        flagged = ", ".join(judged.loc[~ok, "item"]) or "none"
        caption = (f"Facility against discrimination for {len(judged)} items answered by at least {MIN_SEEN} "
                   f"of {self.learners} learners. Items that need a look: {flagged}.")
        return Chart(fig, caption)


def analyse(bank: ItemBank, marks: list[TestMark]) -> ItemAnalysis:
    """``marks``: one per learner (their attempt of interest), from :func:`mark_folder`."""
    sat = [m for m in marks if m.sat]
    scores = np.array([m.score for m in sat], dtype=float)
    weights = group_weights(scores / np.maximum([m.max_score for m in sat], 1)) if sat else {}
    # item id -> (learner index, correct, chosen options) for every trusted answer on a paper
    seen: dict[str, list[tuple[int, float, tuple[str, ...]]]] = {}
    for n, m in enumerate(sat):
        for i in m.items:
            if not i.untrusted:
                seen.setdefault(i.item, []).append((n, i.score, i.response))
    rows, option_rows, facility = [], [], {}
    for q in bank.items:
        answers = seen.get(q.id, [])
        who = np.array([a[0] for a in answers], dtype=int)
        right = np.array([a[1] for a in answers], dtype=float)
        fac = float(right.mean()) if len(right) else float("nan")
        facility[q.id] = fac
        group_fac = {g: (_weighted_mean(right, weights[g][who]) if len(who) else None) for g in GROUPS}
        disc = (group_fac["upper"] - group_fac["lower"]
                if group_fac["upper"] is not None and group_fac["lower"] is not None else None)
        pbis = _correlation(right, scores[who] - right) if len(who) else None
        option_notes = []
        for o in q.options:
            chose = np.array([o.id in a[2] for a in answers], dtype=float)
            share = float(chose.mean()) if len(chose) else float("nan")
            by_group = {g: (_weighted_mean(chose, weights[g][who]) if len(who) else None) for g in GROUPS}
            is_key = o.id in q.correct
            option_rows.append({"item": q.id, "option": o.id, "key": is_key, "text": o.text[:60],
                                "chosen": share, **{f"chosen_{g}": by_group[g] for g in GROUPS}})
            if is_key or len(answers) < MIN_SEEN_OPTIONS:
                continue
            if share < RARE_OPTION:
                option_notes.append(f"option {o.id} is chosen by almost nobody ({share:.0%}): make it plausible")
            upper_key = group_fac["upper"]
            if by_group["upper"] is not None and upper_key is not None and by_group["upper"] > upper_key:
                option_notes.append(f"option {o.id} draws more of the upper group than the key: check the key")
        reasons = _reasons(fac, disc, len(answers), option_notes)
        rows.append({"item": q.id, "outcome": q.outcome, "question": q.prompt[:70], "seen_by": len(answers),
                     "facility": fac, "discrimination": disc, "point_biserial": pbis,
                     "verdict": "; ".join(reasons) or "working"})
    reliability, sem = _kr20(sat, scores, facility)
    return ItemAnalysis(bank.unit, len(sat), len(marks) - len(sat), pd.DataFrame(rows),
                        pd.DataFrame(option_rows), reliability, sem)


def _kr20(sat: list[TestMark], scores: np.ndarray, facility: dict[str, float]) -> tuple[float | None, float | None]:
    k = max((m.max_score for m in sat), default=0)
    variance = float(scores.var()) if len(scores) > 1 else 0.0
    if k < 2 or variance <= 0:
        return None, None
    pq = [sum(facility[i.item] * (1 - facility[i.item]) for i in m.items
              if not math.isnan(facility.get(i.item, float("nan")))) for m in sat]
    kr20 = k / (k - 1) * (1 - float(np.mean(pq)) / variance)
    return kr20, math.sqrt(variance * max(0.0, 1 - kr20))


def marks_from_autograded(course_dir: Path, assignment: str, bank: ItemBank, spec: TestSpec,
                          course_secret: bytes | None, attempt: int) -> list[TestMark]:
    from course.grading.marking import mark_folder

    marks = []
    for folder in sorted((Path(course_dir) / "autograded").glob(f"*/{assignment}")):
        marks.append(mark_folder(folder, bank, spec, learner=folder.parent.name, attempt=attempt,
                                 course_secret=course_secret))
    return marks
