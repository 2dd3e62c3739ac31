"""Item analysis for test authors: which questions in a bank work, and which do not.

For every item, from every graded attempt whose paper included it:

- **facility index**: the share of learners who answered it correctly (0 to 1). Below 0.3 the
  item is hard; above 0.9 it tells the assessor little.
- **discrimination index**: facility among the top 27% of learners by test score minus facility
  among the bottom 27% (Kelley's upper-lower method). Below 0.2 the item does not separate
  stronger from weaker learners; below 0 it favours weaker learners, which often means the key
  is wrong or the question is ambiguous.

Scores come from the same marking rule as the official result (``course.grading.marking``),
applied to the records in nbgrader's autograded folders. Learners' answers are read on the
grading side only; the output holds no learner's identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from course.analysis import style
from course.analysis.display import Chart
from course.content.model import ItemBank
from course.grading.marking import TestMark

UPPER_LOWER = 0.27
HARD, EASY, WEAK = 0.3, 0.9, 0.2


def _verdict(facility: float, discrimination: float | None, seen: int) -> str:
    if seen < 5:
        return "too few answers to judge"
    notes = []
    if discrimination is not None and discrimination < 0:
        notes.append("favours weaker learners: check the key and the wording")
    elif discrimination is not None and discrimination < WEAK:
        notes.append("does not separate stronger from weaker learners")
    if facility < HARD:
        notes.append("hard")
    elif facility > EASY:
        notes.append("very easy")
    return "; ".join(notes) or "working"


@dataclass
class ItemAnalysis:
    unit: str
    learners: int
    table: pd.DataFrame

    def _repr_html_(self) -> str:
        caption = (f"Item analysis for {self.unit}: {self.learners} learners; "
                   f"{(self.table['verdict'] != 'working').sum()} of {len(self.table)} items need a look.")
        return self.table.to_html(index=False, caption=caption, float_format=lambda x: f"{x:.2f}")

    def chart(self) -> Chart:
        fig, (ax,) = style.new_figure(7, 4.5)
        judged = self.table[self.table["seen_by"] >= 5]
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
        caption = (f"Facility against discrimination for {len(judged)} items answered by at least 5 of "
                   f"{self.learners} learners. Items that need a look: {flagged}.")
        return Chart(fig, caption)


def analyse(bank: ItemBank, marks: list[TestMark]) -> ItemAnalysis:
    """``marks``: one per learner (their attempt of interest), from :func:`mark_folder`."""
    rows = []
    for m in marks:
        share = m.score / m.max_score if m.max_score else 0.0
        for i in m.items:
            if not i.untrusted:
                rows.append({"learner": m.learner, "item": i.item, "correct": i.score, "total": share})
    answers = pd.DataFrame(rows, columns=["learner", "item", "correct", "total"])
    ranks = answers.drop_duplicates("learner").set_index("learner")["total"].rank(pct=True, method="first")
    answers["rank"] = answers["learner"].map(ranks)
    out = []
    for q in bank.items:
        seen = answers[answers["item"] == q.id]
        facility = float(seen["correct"].mean()) if len(seen) else float("nan")
        upper = seen[seen["rank"] > 1 - UPPER_LOWER]["correct"]
        lower = seen[seen["rank"] <= UPPER_LOWER]["correct"]
        disc = float(upper.mean() - lower.mean()) if len(upper) and len(lower) else None
        out.append({"item": q.id, "question": q.prompt[:70], "seen_by": len(seen), "facility": facility,
                    "discrimination": disc, "verdict": _verdict(facility, disc, len(seen))})
    return ItemAnalysis(bank.unit, len(marks), pd.DataFrame(out))


def marks_from_autograded(course_dir: Path, assignment: str, bank: ItemBank, pass_mark: float,
                          course_secret: bytes | None, attempt: int) -> list[TestMark]:
    from course.grading.marking import mark_folder

    marks = []
    for folder in sorted((Path(course_dir) / "autograded").glob(f"*/{assignment}")):
        marks.append(mark_folder(folder, bank, learner=folder.parent.name, attempt=attempt,
                                 pass_mark=pass_mark, course_secret=course_secret))
    return marks
