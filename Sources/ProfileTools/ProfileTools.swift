// ProfileTools: see the module's files.
