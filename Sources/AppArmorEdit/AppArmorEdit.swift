// AppArmorEdit: see the module's files.
