"""The whole content tree: the catalogue, every unit folder and every summative item bank.

Layout (relative to the content root):

    catalogue.yaml                      qualifications and the units they list
    level2/<unit-id>/unit.yaml          a unit's content (formative questions, scenarios, ...)
    level2/<unit-id>/<unit-id>.ipynb    the unit's notebook (thin: it calls course.*)
    autograder/banks/<unit-id>.yaml     the unit's summative item bank, with the answer keys
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from course.config import CATALOGUE_FILE
from course.content import checks
from course.content.loader import load
from course.content.model import Catalogue, ItemBank, Qualification, Unit, UnitRef
from course.content.problems import Problem, relative
from course.exceptions import ContentError

UNIT_FILE = "unit.yaml"
BANKS_DIR = Path("autograder") / "banks"
SOURCE_DIR = Path("autograder") / "source"   # nbgrader's source assignments (links to unit folders)
LEVEL_DIRS = ("level2", "level3", "level4", "level5", "level6", "level7")


@dataclass
class UnitEntry:
    """A catalogue unit, with its content where it has some."""

    qualification: Qualification
    ref: UnitRef
    unit: Unit | None = None
    folder: Path | None = None

    @property
    def notebook(self) -> Path | None:
        if self.folder is None or self.unit is None:
            return None
        path = self.folder / f"{self.unit.id}.ipynb"
        return path if path.is_file() else None

    @property
    def status(self) -> str:
        return "available" if self.notebook else "planned"


@dataclass
class CourseContent:
    root: Path
    catalogue: Catalogue | None
    entries: list[UnitEntry] = field(default_factory=list)
    banks: dict[str, ItemBank] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def units(self) -> dict[str, Unit]:
        return {e.unit.id: e.unit for e in self.entries if e.unit}

    @property
    def unit_entries(self) -> list[UnitEntry]:
        """One entry per unit with content (a unit several qualifications share, such as 201 in
        the L2 Award and Certificate, appears once: under its own qualification)."""
        return [self.entry(uid) for uid in self.units]

    def entry(self, unit_id: str) -> UnitEntry:
        """The unit's entry under its own qualification (``unit.yaml``'s ``qualification``)."""
        mine = [e for e in self.entries if e.unit and e.unit.id == unit_id]
        for e in mine:
            if e.qualification.id == e.unit.qualification:
                return e
        if mine:
            return mine[0]
        raise KeyError(f"no unit with id {unit_id!r} in the catalogue")

    def is_complete(self, qual: Qualification) -> bool:
        """A qualification is complete when it lists units and every one is available."""
        units = [e for e in self.entries if e.qualification.id == qual.id]
        return bool(units) and all(e.status == "available" for e in units)

    def qualification(self, qual_id: str) -> Qualification:
        assert self.catalogue is not None
        for q in self.catalogue.qualifications:
            if q.id == qual_id:
                return q
        raise KeyError(f"no qualification with id {qual_id!r}")


def load_course(root: Path, *, with_banks: bool = True) -> CourseContent:
    """Load everything, collecting problems rather than stopping at the first.

    ``with_banks=False`` leaves the item banks (the answer keys) unread: for anything that runs
    in a learner-facing kernel, such as the course home.
    """
    root = root.resolve()
    catalogue, cat_loaded, problems = load(Catalogue, root / CATALOGUE_FILE, root)
    course = CourseContent(root, catalogue, problems=problems)
    if catalogue is None:
        return course
    report = checks.Reporter(cat_loaded)
    qids = [q.id for q in catalogue.qualifications]
    for dup in checks.duplicates(qids):
        problems.append(report(["qualifications"], f"duplicate qualification id {dup!r}"))

    claimed: set[Path] = set()
    listed_by: dict[Path, list[str]] = {}  # unit folder -> ids of the qualifications listing it
    for qi, qual in enumerate(catalogue.qualifications):
        for dup in checks.duplicates([u.code for u in qual.units]):
            problems.append(report(["qualifications", qi, "units"], f"duplicate unit code {dup!r}"))
        for ui, ref in enumerate(qual.units):
            entry = UnitEntry(qual, ref)
            course.entries.append(entry)
            if ref.path is None:
                continue
            loc = ["qualifications", qi, "units", ui, "path"]
            folder = (root / ref.path).resolve()
            if not (folder / UNIT_FILE).is_file():
                problems.append(report(loc, f"{ref.path}/{UNIT_FILE} does not exist"))
                continue
            entry.folder = folder
            listed_by.setdefault(folder, []).append(qual.id)
            shared = next((e for e in course.entries[:-1] if e.folder == folder and e.unit), None)
            if shared is not None:  # a unit several qualifications share is read and checked once
                entry.unit = shared.unit
                problems.extend(_match_ref(shared.unit, report, loc[:-1], ref))
                continue
            if folder in claimed:
                continue  # listed before, and its unit.yaml did not load: reported there
            claimed.add(folder)
            unit, loaded, unit_problems = load(Unit, folder / UNIT_FILE, root)
            problems.extend(unit_problems)
            if unit is None:
                continue
            entry.unit = unit
            problems.extend(checks.check_unit(unit, loaded))
            problems.extend(_match_catalogue(unit, loaded, catalogue, ref, folder))
            problems.extend(_check_notebook(entry, root))
            problems.extend(_check_assignment_source(entry, root))

    for entry in course.unit_entries:
        if entry.unit.qualification not in listed_by[entry.folder]:
            problems.append(Problem(
                relative(entry.folder / UNIT_FILE, root), "qualification",
                f"is {entry.unit.qualification!r} but the catalogue lists this unit under "
                f"{', '.join(repr(q) for q in listed_by[entry.folder])}"))
    ids = [e.unit.id for e in course.entries if e.unit and e.qualification.id == e.unit.qualification]
    for dup in checks.duplicates(ids):
        problems.append(report(["qualifications"], f"unit id {dup!r} is used by more than one unit"))
    problems.extend(_orphans(root, claimed))
    if with_banks:
        _load_banks(course)
    return course


def require_course(root: Path, *, with_banks: bool = True) -> CourseContent:
    """Load everything and raise ContentError if any of it is wrong."""
    course = load_course(root, with_banks=with_banks)
    if course.problems:
        raise ContentError(course.problems)
    return course


def _match_catalogue(unit: Unit, loaded, catalogue: Catalogue, ref: UnitRef, folder: Path):
    report = checks.Reporter(loaded)
    if unit.id != folder.name:
        yield report(["id"], f"must match its folder name {folder.name!r}")
    # Which qualifications list the unit is checked once all are read (load_course).
    own = next((q for q in catalogue.qualifications if q.id == unit.qualification), None)
    if own is not None and unit.level != own.level:
        yield report(["level"], f"is {unit.level} but qualification {own.id!r} is level {own.level}")
    for name in ("code", "title", "assessment"):
        if getattr(unit, name) != getattr(ref, name):
            yield report([name], f"is {getattr(unit, name)!r} but catalogue.yaml says {getattr(ref, name)!r}")


def _match_ref(unit: Unit, report: checks.Reporter, loc: list, ref: UnitRef):
    """A second qualification listing a unit must describe it as unit.yaml does."""
    for name in ("code", "title", "assessment"):
        if getattr(unit, name) != getattr(ref, name):
            yield report([*loc, name], f"is {getattr(ref, name)!r} but {ref.path}/{UNIT_FILE} says "
                                       f"{getattr(unit, name)!r}")


def _read_notebook(path: Path, validate: bool = False):
    # Imported here, not at the top: nbformat brings jsonschema's format checkers (~1 CPU-s),
    # and every unit kernel (a learner's, and each one nbgrader grades in) imports this module.
    import nbformat

    nb = nbformat.read(path, as_version=4)
    if validate:
        nbformat.validate(nb)
    return nb


def _check_notebook(entry: UnitEntry, root: Path):
    path = entry.folder / f"{entry.unit.id}.ipynb"
    if not path.exists():
        return
    name = relative(path, root)
    try:
        nb = _read_notebook(path, validate=True)
    except Exception as exc:  # nbformat raises several unrelated types for a corrupt file
        yield Problem(name, "", f"is not a valid notebook: {str(exc).splitlines()[0][:200]}")
        return
    if any(c.get("outputs") or c.get("execution_count") for c in nb.cells if c.cell_type == "code"):
        yield Problem(name, "", "has outputs: clear them before committing (Kernel > Restart and Clear)")


def _check_source_link(entry: UnitEntry, root: Path, what: str):
    """autograder/source/<unit> must be the unit's folder, so nbgrader releases what learners see."""
    link = root / SOURCE_DIR / entry.unit.id
    # A link keeps the source and the unit one thing; a copied tree (no links) passes while
    # its notebook is the same file.
    same = link.is_dir() and (link.resolve() == entry.folder or (
        (link / entry.notebook.name).is_file()
        and (link / entry.notebook.name).read_bytes() == entry.notebook.read_bytes()))
    if not same:
        yield Problem((SOURCE_DIR / entry.unit.id).as_posix(), "",
                      f"must link to {relative(entry.folder, root)} so nbgrader can release the {what} "
                      f"(ln -s ../../{relative(entry.folder, root)} {SOURCE_DIR / entry.unit.id})")


def _check_grading(course: CourseContent):
    """A unit assessed by online test is an nbgrader source assignment: autograder/source/<unit>
    must be its folder, and its notebook must end in the test cell worth the items a test draws."""
    for entry in course.entries:
        unit, bank = entry.unit, course.banks.get(entry.unit.id) if entry.unit else None
        if (unit is None or unit.assessment != "online_test" or entry.notebook is None or bank is None
                or unit.test is None):  # a missing test spec is reported with the unit
            continue
        yield from _check_source_link(entry, course.root, "unit")
        try:
            nb = _read_notebook(entry.notebook)
        except Exception:  # a corrupt notebook is reported by _check_notebook
            continue
        tests = [c.metadata["nbgrader"] for c in nb.cells
                 if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
        points = unit.test.paper_length
        if [t.get("points") for t in tests] != [points]:
            yield Problem(relative(entry.notebook, course.root), "",
                          f"needs one autograded test cell worth {points} point(s) (the unit's "
                          f"test.paper_length): run `odp scaffold {relative(entry.folder, course.root)}`")
        yield from _check_scaffolded(entry, nb, course.root, bank)


def _check_assignment_source(entry: UnitEntry, root: Path):
    """A unit assessed by assignment is an nbgrader source assignment too: autograder/source/<unit>
    must be its folder, and its notebook must have each task's answer cell."""
    unit = entry.unit
    if unit.assessment == "online_test" or unit.assignment is None or entry.notebook is None:
        return
    yield from _check_source_link(entry, root, "assignment")
    try:
        nb = _read_notebook(entry.notebook)
    except Exception:  # a corrupt notebook is reported by _check_notebook
        return
    yield from checks.check_assignment_notebook(unit, nb.cells, relative(entry.notebook, root))
    yield from _check_scaffolded(entry, nb, root)


def _check_scaffolded(entry: UnitEntry, nb, root: Path, bank: ItemBank | None = None):
    """The notebook is the one ``odp scaffold`` makes from the unit's content."""
    from course.content.scaffold import unit_notebook  # nbformat: see _read_notebook

    expected = unit_notebook(entry.unit, bank).cells
    yield from checks.check_notebook_matches(expected, nb.cells, relative(entry.notebook, root),
                                             relative(entry.folder, root))


def _orphans(root: Path, claimed: set[Path]):
    for level in LEVEL_DIRS:
        for unit_file in sorted((root / level).glob(f"*/{UNIT_FILE}")):
            if unit_file.parent.resolve() not in claimed:
                yield Problem(
                    relative(unit_file, root), "",
                    "is not listed in catalogue.yaml: add its folder as a unit's path",
                )


def _load_banks(course: CourseContent) -> None:
    units = course.units
    for path in sorted((course.root / BANKS_DIR).glob("*.yaml")):
        bank, loaded, problems = load(ItemBank, path, course.root)
        course.problems.extend(problems)
        if bank is None:
            continue
        report = checks.Reporter(loaded)
        if path.stem != bank.unit:
            course.problems.append(report(["unit"], f"must match the file name {path.stem!r}"))
        if bank.unit not in units:
            course.problems.append(report(["unit"], f"unit {bank.unit!r} is not in the catalogue"))
        course.problems.extend(checks.check_bank(bank, loaded, units.get(bank.unit)))
        course.banks[bank.unit] = bank
    course.problems.extend(_check_grading(course))
    for uid, unit in units.items():
        if unit.assessment == "online_test" and uid not in course.banks:
            entry = course.entry(uid)
            if entry.notebook:
                course.problems.append(Problem(
                    (BANKS_DIR / f"{uid}.yaml").as_posix(), "",
                    "is missing: a unit assessed by online test needs a summative item bank",
                ))
