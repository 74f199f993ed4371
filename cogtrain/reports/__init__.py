"""What the consultant sees: pure progress data per participant and clinic, and its charts.

Kept apart from pygame and the database so that the screens, the exports and the tests
read the same numbers, computed from plain facts that the storage layer builds.
"""
