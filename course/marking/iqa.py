"""Internal quality assurance: which marked submissions go to a second marker.

Each assessor's fully marked submissions are sampled separately, so every assessor is checked:
the sample is ``rate`` of them, rounded up, and never fewer than ``minimum`` (or all of them,
if they have marked fewer). Drawing again later (after more marking) only tops the sample up.
The draw is random so that an assessor cannot tell in advance which of their marking is checked.
"""

from __future__ import annotations

import math
import random
from typing import Iterable, Mapping


def sample_size(marked: int, rate: float, minimum: int) -> int:
    if marked <= 0:
        return 0
    return min(marked, max(minimum, math.ceil(rate * marked - 1e-9)))


def draw(marked_by: Mapping[str, Iterable[str]], already: Mapping[str, set[str]], *, rate: float,
         minimum: int, rng: random.Random | None = None) -> dict[str, list[str]]:
    """New learners to add to the sample, per assessor. ``marked_by`` maps each assessor to the
    learners whose submissions they have finished marking; ``already`` to those already sampled."""
    rng = rng or random.SystemRandom()
    out: dict[str, list[str]] = {}
    for assessor, learners in sorted(marked_by.items()):
        learners = sorted(learners)
        have = already.get(assessor, set()) & set(learners)
        need = sample_size(len(learners), rate, minimum) - len(have)
        pool = [x for x in learners if x not in have]
        if need > 0 and pool:
            out[assessor] = sorted(rng.sample(pool, min(need, len(pool))))
    return out
