"""``python -m cvclassify``: the command line."""

from cvclassify.cli import main

main()
