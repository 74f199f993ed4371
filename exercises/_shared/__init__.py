"""Code shared by several exercises' views (pygame); not an exercise, never registered."""
