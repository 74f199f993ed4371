"""Research export: the clinic's training records, de-identified, as a BIDS dataset.

``export_dataset`` is the one entry point (the CLI's ``cogtrain export`` and the staff
desk call it); the layout and the de-identification rules are described in
:mod:`cogtrain.export.bids`, the data dictionaries in :mod:`cogtrain.export.dictionary`.
"""

from cogtrain.export.bids import ExportError, ExportResult, export_dataset

__all__ = ["ExportError", "ExportResult", "export_dataset"]
