// AppArmorSyntax: lexer, lossless tree, parser, diagnostics.
