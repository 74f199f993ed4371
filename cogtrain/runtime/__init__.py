"""Runtime: the window, the one loop that owns events and frames, scenes and widgets.

pygame lives here (and in the exercise views). Nothing here writes SQL: records go
through :class:`cogtrain.storage.store.Store` via the training controller.
"""
