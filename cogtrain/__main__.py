"""``python -m cogtrain`` runs the program (same as the ``cogtrain`` command)."""

from cogtrain.cli import main

if __name__ == "__main__":  # also keeps export worker processes (spawn) from starting it
    raise SystemExit(main())
