"""Realistic operational datasets, generated on the learner's machine (never downloaded).

Four datasets, one module each, each with a data dictionary calibrated to published figures:

- ``passport_applications``  processing times against the 3-week standard (HMPO 98.5% KPI)
- ``contact_centre``         calls by 15-minute interval (HMRC 2023-24 speed of answer, handled rate)
- ``benefit_claims``         first payments on time (DWP Universal Credit 89%)
- ``debt_recovery``          a legal-aid-style debt portfolio (LAA receivables, March 2024)

Example:
    >>> from course.datasets import generate, schema
    >>> apps = generate("passport_applications", rows=1_000, seed=1)
    >>> schema("passport_applications").column("processing_days").unit
    'days'

Learners can bring their own data with :func:`load_user_file` (or :func:`upload_widget` in the app).
"""

from course.datasets.errors import DataFileError, UnknownDatasetError
from course.datasets.registry import DATASETS, data_dictionaries_markdown, generate, get, names, schema
from course.datasets.schema import Column, Schema
from course.datasets.userfile import load_user_file


def upload_widget(*args, **kwargs):  # imported lazily: ipywidgets is only needed in the app
    """See :func:`course.datasets.upload.upload_widget`."""
    from course.datasets.upload import upload_widget as _upload_widget

    return _upload_widget(*args, **kwargs)


__all__ = [
    "DATASETS", "Column", "DataFileError", "Schema", "UnknownDatasetError", "data_dictionaries_markdown",
    "generate", "get", "load_user_file", "names", "schema", "upload_widget",
]
