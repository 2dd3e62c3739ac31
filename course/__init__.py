"""Course notebooks for the Operational Delivery Profession qualifications.

Subpackages, one job each:

- ``course.content``  the content model (qualifications, units, elements, questions,
  scenarios), loading it from YAML and validating it
- ``course.cli``      the ``odp`` command: one module per verb
- ``course.config``   every setting, with its help text
"""

__version__ = "0.1.0"
