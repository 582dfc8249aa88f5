// AppArmorPolicy: see the module's files.
