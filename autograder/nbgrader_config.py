"""The nbgrader course for the ODP units. Run nbgrader's own commands from this folder
(see docs/grading.md): generate_assignment, release_assignment, collect, autograde,
generate_feedback, release_feedback, export.

source/<unit>/ links to the unit's folder under level2/ (the unit notebook IS the source
assignment). The item banks in banks/ hold the answer keys; nothing in this folder except
release/ and feedback/ may ever reach a learner.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Under `odp hub` the assessors' course folder is elsewhere (writable by the staff group) and loads
# this file from there: it says where with ODP_COURSE_DIR (docs/hub.md).
COURSE_DIR = Path(os.environ.get("ODP_COURSE_DIR") or HERE)
# The grader (this process) finds the item banks and the course secret through these; the
# grading kernels get none of them (course.grading.sandbox.kernel_env).
os.environ.setdefault("ODP_CONTENT_ROOT", str(HERE.parent))

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearMarkScheme, ClearOutput,
    ClearSolutions, ComputeChecksums, DeduplicateIds, GetGrades, IgnorePattern,
    IncludeHeaderFooter, InstantiateTests, LimitOutput, LockCells, OverwriteCells,
    OverwriteKernelspec, SaveAutoGrades, SaveCells,
)

from course.config import Settings  # noqa: E402
from course.exam import ITEMS_FILE  # noqa: E402
from course.record import RECORD_FILE  # noqa: E402
from course.grading.nbgrader_ext import (  # noqa: E402
    IsolatedExecute, RefuseLeakyFeedback, RestoreCourseCells, SaveMarkingNotes, ScoreFromRecord, WriteTestItems,
)

settings = Settings()
os.environ.setdefault("ODP_DATA_DIR", str(settings.data_path))

c = get_config()  # noqa: F821 (nbgrader provides it)

c.CourseDirectory.root = str(COURSE_DIR)
c.CourseDirectory.course_id = "odp"
if os.environ.get("ODP_GRADEBOOK_URL"):  # e.g. postgresql+psycopg://grader@db/odp
    c.CourseDirectory.db_url = os.environ["ODP_GRADEBOOK_URL"]
# autograde copies every non-notebook file from source/ over the submission: never the record
# (an author who ran a source notebook has one there).
c.Autograde.exclude_overwriting = {
    folder.name: [RECORD_FILE, f".{RECORD_FILE}.lock", ITEMS_FILE] for folder in (HERE / "source").iterdir()
}

exchange = settings.exchange_path
if settings.exchange_dir is None:
    exchange.mkdir(parents=True, exist_ok=True)
    # The course service hands submissions in, as the same OS user as the assessor here: no other
    # local user may enter the exchange, so none can plant or swap a submission (under a hub, the
    # service and the assessors share a group instead, and `odp hub` sets its modes: docs/hub.md).
    exchange.chmod(0o700)
c.Exchange.root = str(exchange)
# Submissions in the inbound folder are made by the service, not by the learner's own OS user.
c.ExchangeCollect.check_owner = False

# generate_assignment: nbgrader's own steps, then the key-free test items into the release.
c.GenerateAssignment.preprocessors = [
    IncludeHeaderFooter, InstantiateTests, LockCells, ClearSolutions, ClearOutput, CheckCellMetadata,
    ComputeChecksums, SaveCells, ClearHiddenTests, ClearMarkScheme, ComputeChecksums, CheckCellMetadata,
    WriteTestItems,
]
c.WriteTestItems.release_directory = str(COURSE_DIR / "release")

# autograde: run the notebook in a private copy of the submission (nothing importable, away from
# other learners' work, a minimal environment, in the grading sandbox when run as root); score
# the test from the collected record here, discarding what the kernel printed; keep the marking
# notes in the gradebook.
c.Autograde.autograde_preprocessors = [
    IsolatedExecute, ScoreFromRecord, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
    "course.grading.written.FillWrittenAnswers",  # written answers from the record into their cells
    "course.grading.inert.MakeInert",  # the learner's markup escaped: the formgrader renders this copy
    SaveAutoGrades, SaveMarkingNotes, AssignLatePenalties, CheckCellMetadata,
]
c.Execute.timeout = 60  # IsolatedExecute is an Execute: it reads this
c.IsolatedExecute.release_directory = str(COURSE_DIR / "release")
# What a sandboxed kernel must not see, besides the nbgrader course folder (covered always).
c.IsolatedExecute.hidden_paths = [str(HERE), str(settings.data_path), str(exchange)]
# A deleted test or read-only cell comes back from the release, so the test is still marked; an
# added code cell is dropped and a course code cell put back as released (RestoreCourseCells).
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, RestoreCourseCells, OverwriteCells, CheckCellMetadata,
]
c.RestoreCourseCells.release_directory = str(COURSE_DIR / "release")

# generate_feedback: nbgrader shows hidden tests in feedback by default (nbgrader #917). A written
# assignment's feedback is the result and the rule, then each task's answer and criteria comments.
# Feedback that would hold a key or the course secret is refused (RefuseLeakyFeedback).
c.GenerateFeedback.preprocessors = [
    "course.marking.learner_feedback.LearnerFeedback", GetGrades, ClearHiddenTests, "course.grading.inert.MakeInert",
    CSSHTMLHeaderPreprocessor, RefuseLeakyFeedback,
]
c.MakeInert.release_directory = str(HERE / "release")
