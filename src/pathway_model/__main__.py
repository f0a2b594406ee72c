"""Run the ``pathway-model`` command: ``python -m pathway_model COMMAND ...``."""

from pathway_model.cli import main

raise SystemExit(main())
