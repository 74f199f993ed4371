"""``python -m cogtrain`` runs the program (same as the ``cogtrain`` command)."""

from cogtrain.cli import main

raise SystemExit(main())
