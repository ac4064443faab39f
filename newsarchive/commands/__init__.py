"""Sub-commands of the ``newsarchive`` CLI; each module exposes HELP, add_arguments and run."""
