"""The learner's response record: every answer, appended, durable and tamper-evident.

One JSON Lines file per unit, ``responses.jsonl``, in the learner's working folder for the unit
(the folder nbgrader releases and collects). See ``docs/response-record.md`` for the format
and the threat model.
"""

from course.record.format import FORMAT, VERSION, Entry, Header
from course.record.store import RECORD_FILE, ResponseRecord, parse_record, read_record
from course.record.verify import Verification, verify

__all__ = ["FORMAT", "VERSION", "Entry", "Header", "RECORD_FILE", "ResponseRecord",
           "Verification", "parse_record", "read_record", "verify"]
