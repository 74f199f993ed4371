"""cogtrain: computerised cognitive training for people on their way into work."""

__version__ = "0.1.0"
