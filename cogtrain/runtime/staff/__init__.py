"""The staff screens: log in, the clinic overview, a participant's record and progress,
goals, ratings and notes, accounts and the audit log. Navigation is in :mod:`.nav`."""
