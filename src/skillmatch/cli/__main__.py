"""``python -m skillmatch.cli``: the ``skillmatch`` command."""

from . import main

main()
