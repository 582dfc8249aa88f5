// SystemAppArmor: see the module's files.
