"""Pure training logic: adaptive difficulty, blocks, progress maths.

Imports only the standard library and numpy, so every rule runs and is tested without a
window or a database (enforced by tests/test_layers.py).
"""
