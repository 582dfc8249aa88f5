import AppArmorSyntax
import XCTest

/// What the typed views read from each construct.
final class ParserTests: XCTestCase {
    private func parse(_ text: String) -> ParseResult {
        let r = Parser.parse(text: text)
        SyntaxTest.assertLossless(r)
        return r
    }

    private func kinds(_ r: ParseResult, in profile: Int = 0) -> [SyntaxKind] {
        r.profiles[profile].items.map(\.kind)
    }

    func testProfileHeaders() {
        let r = parse("""
            profile named /usr/bin/x{,.real} xattrs=(user.a=1) flags=(complain, attach_disconnected.path=/d) {}
            /usr/bin/bare (audit) {}
            "/quoted path" {}
            :ns:name {}
            profile a//b {}
            """)
        XCTAssertFalse(r.hasErrors)
        let p = r.profiles
        XCTAssertEqual(p.count, 5)
        XCTAssertEqual(p[0].name(in: r), "named")
        XCTAssertEqual(p[0].attachmentToken(in: r).map { r.text($0) }, "/usr/bin/x{,.real}")
        XCTAssertEqual(p[0].flags(in: r), ["complain", "attach_disconnected.path=/d"])
        XCTAssertNotNil(p[0].xattrsCondition(in: r))
        XCTAssertEqual(p[1].name(in: r), "/usr/bin/bare")
        XCTAssertEqual(p[1].flags(in: r), ["audit"])
        XCTAssertNil(p[1].attachmentToken(in: r))
        XCTAssertEqual(p[2].name(in: r), "/quoted path")
        XCTAssertEqual(p[3].name(in: r), ":ns:name")
        XCTAssertEqual(p[4].name(in: r), "a//b")
    }

    func testHatsChildrenAndDepth() {
        let r = parse("""
            /p {
              ^h1 { }
              hat h2 { }
              ^old_style,
              profile c1 { profile c2 { profile c3 { } } }
            }
            """)
        XCTAssertFalse(r.hasErrors)
        let top = r.topLevelProfiles
        XCTAssertEqual(top.count, 1)
        XCTAssertEqual(top[0].children.map { $0.name(in: r) }, ["h1", "h2", "c1"])
        XCTAssertEqual(top[0].children.map(\.isHat), [true, true, false])
        XCTAssertEqual(r.profiles.count, 6)
        XCTAssertEqual(kinds(r), [.hat, .hat, .changeHatDecl, .profile])
    }

    func testIncludeForms() {
        let r = parse("""
            include <abstractions/base>
            #include <tunables/global>
            include if exists <local/x>
            include "/abs/path"
            include "rel with space"
            include unquoted/name
            include if exists "q" /a r,
            """)
        let incs = r.root.childNodes(.include).compactMap(IncludeSyntax.init)
        XCTAssertEqual(incs.map { $0.name(in: r) }, ["abstractions/base", "tunables/global", "local/x", "/abs/path", "rel with space", "unquoted/name", "q"])
        XCTAssertEqual(incs.map { $0.isIfExists(in: r) }, [false, false, true, false, false, false, true])
        XCTAssertEqual(incs.map(\.form), [.magic, .magic, .magic, .quoted, .quoted, .unquoted, .quoted])
        // A rule after an include on the same line is its own statement.
        XCTAssertEqual(r.root.childNodes.last?.kind, .fileRule)
        XCTAssertFalse(r.hasErrors)
    }

    func testAssignments() {
        let r = parse("@{A} = a b \"c d\"\n@{A}+=e\n@{B}?=x\n@{C}:={x,y\n${b} = true\n$c=false\n")
        let a = r.root.childNodes.compactMap(AssignmentSyntax.init)
        XCTAssertEqual(a.map { $0.name(in: r) }, ["A", "A", "B", "C", "b", "c"])
        XCTAssertEqual(a.map { r.text($0.operatorToken) }, ["=", "+=", "?=", ":=", "=", "="])
        XCTAssertEqual(a[0].values(in: r), ["a", "b", "c d"])
        XCTAssertEqual(a[3].values(in: r), ["{x,y"])
        XCTAssertEqual(a.map(\.node.kind), [.variableAssignment, .variableAssignment, .variableAssignment, .variableAssignment, .booleanAssignment, .booleanAssignment])
    }

    // Drifts from apparmor_parser that Grammar/apparmor.ebnf once hid; each case as 3.0.8 and
    // 4.1 take it with -Q -K.

    private func errorIDs(_ text: String) -> [String] {
        parse(text).diagnostics.filter { $0.severity == .error }.map(\.id.rawValue)
    }

    func testBareCommaInVariableValues() {
        // "Variable declarations do not accept trailing commas".
        for bad in ["@{A} = a,\n", "@{A} = , a\n", "@{A} = a, b\n", "@{A} = a,,b\n", "@{A} = \"a\",\n", "@{A} = a,\"b\"\n", "@{A} = ,\n"] {
            XCTAssertEqual(errorIDs(bad), ["AA1011"], bad)
        }
        // A comma followed by more of a value is part of it; an escaped one too.
        let r = parse("@{A} = a,b ,c d\\, {x,y}\n")
        XCTAssertFalse(r.hasErrors)
        XCTAssertEqual(r.root.childNodes.compactMap(AssignmentSyntax.init).first?.values(in: r), ["a,b", ",c", "d\\,", "{x,y}"])
    }

    func testContinuationEndsAtABlankOrCommentLine() {
        let r = parse("@{A} = a \\\n  b\n@{B} = c \\\n\n@{C} = d \\\n# note\nprofile t { /x r, }\n")
        XCTAssertFalse(r.hasErrors)
        XCTAssertEqual(r.root.childNodes.map(\.kind), [.variableAssignment, .variableAssignment, .variableAssignment, .profile])
        XCTAssertEqual(r.root.childNodes.compactMap(AssignmentSyntax.init).map { $0.values(in: r) }, [["a", "b"], ["c"], ["d"]])
    }

    func testDefinedTakesAVariable() {
        XCTAssertEqual(errorIDs("profile t { if defined @{a} and defined @b and defined ${c} and defined $d {\n} }\n"), [])
        // "unexpected TOK_ID, expecting TOK_SET_VAR or TOK_BOOL_VAR" (or a lexer error).
        for bad in ["foo", "@{a}x", "\"@{a}\"", "@{1a}", "@{a-b}"] {
            XCTAssertEqual(errorIDs("profile t { if defined \(bad) {\n} }\n"), ["AA1009"], bad)
        }
        XCTAssertEqual(errorIDs("profile t { if defined {\n} }\n"), ["AA1009"])
    }

    func testControlBytesInWords() {
        // Inside a word a control byte is a word byte; it cannot start a token.
        let r = parse("@{A} = \u{1} a\u{2}\n/p {\n  /tmp/a\u{1}b\u{7F} r,\n}\n")
        XCTAssertFalse(r.hasErrors)
        XCTAssertEqual(r.text(RuleSyntax(r.profiles[0].items[0])!.plainTokens[0]), "/tmp/a\u{1}b\u{7F}")
        XCTAssertEqual(r.root.childNodes.compactMap(AssignmentSyntax.init).first?.values(in: r), ["\u{1}", "a\u{2}"])
        XCTAssertEqual(errorIDs("/p {\n  \u{1}/a r,\n}\n"), ["AA1012"])
        XCTAssertEqual(errorIDs("/p {\n  /a r,\n}\u{1}\n"), ["AA1012"])
        XCTAssertEqual(errorIDs("/p {\n  capability\u{1} chown,\n}\n"), ["AA1006"])
    }

    func testEveryRuleFamily() {
        let r = parse("""
            /p {
              file, /a r, rw /b, owner /c w, link /d -> /e, capability chown, network inet,
              unix, dbus, signal, ptrace, mount, remount, umount, unmount /x, pivot_root,
              change_profile, set rlimit cpu <= 1, userns, io_uring, mqueue, all,
            }
            """)
        XCTAssertFalse(r.hasErrors)
        XCTAssertEqual(kinds(r), [
            .fileRule, .fileRule, .fileRule, .fileRule, .linkRule, .capabilityRule, .networkRule,
            .unixRule, .dbusRule, .signalRule, .ptraceRule, .mountRule, .remountRule, .umountRule, .umountRule,
            .pivotRootRule, .changeProfileRule, .rlimitRule, .usernsRule, .ioUringRule, .mqueueRule, .allRule,
        ])
    }

    func testQualifiersAndBlocks() throws {
        let r = parse("/p {\n  priority=10 audit deny owner /a w,\n  audit { /b r, }\n  owner {\n /c r,\n }\n}\n")
        XCTAssertFalse(r.hasErrors)
        let rule = try XCTUnwrap(RuleSyntax(r.profiles[0].items[0]))
        XCTAssertEqual(rule.qualifiers(in: r).filter { $0 != "priority=10" }, ["audit", "deny", "owner"])
        XCTAssertEqual(rule.priority(in: r), "10")
        XCTAssertEqual(kinds(r), [.fileRule, .qualifierBlock, .qualifierBlock])
    }

    func testConditionsListsAndArrows() throws {
        let r = parse("/p {\n  dbus send bus=session member={A,B} peer=(name=org.x, label=y),\n  /x Px -> other//child,\n  mount options in (ro bind) /dev -> /mnt,\n}\n")
        XCTAssertFalse(r.hasErrors)
        let dbus = try XCTUnwrap(RuleSyntax(r.profiles[0].items[0]))
        XCTAssertEqual(dbus.conditions.map { $0.key(in: r) }, ["bus", "member", "peer"])
        XCTAssertEqual(dbus.conditions[1].values(in: r), ["{A,B}"])
        let peer = try XCTUnwrap(dbus.conditions[2].list)
        XCTAssertEqual(ListSyntax(peer).items.compactMap(ConditionSyntax.init).map { $0.key(in: r) }, ["name", "label"])
        let exec = try XCTUnwrap(RuleSyntax(r.profiles[0].items[1]))
        XCTAssertEqual(exec.arrowTarget.map { r.text($0) }, "other//child")
        let mount = try XCTUnwrap(RuleSyntax(r.profiles[0].items[2]))
        XCTAssertEqual(mount.conditions.first.map { r.text($0.operatorToken!) }, "in")
        XCTAssertEqual(mount.conditions.first?.values(in: r), ["ro", "bind"])
    }

    func testRulesOverLinesAndManyOnOneLine() {
        let r = parse("/p {\n  signal\n    (send)\n    set=(hup),\n  /a r, /b w,   /c k,\n}\n")
        XCTAssertFalse(r.hasErrors)
        XCTAssertEqual(kinds(r), [.signalRule, .fileRule, .fileRule, .fileRule])
    }

    func testPathsKeepCommasBracesAndEscapes() {
        let r = parse("/p {\n  /foo,bar r,\n  /a/@{X},b} r,\n  /esc\\ aped\\,x r,\n  /c/{a,b}/** rw,\n}\n")
        XCTAssertFalse(r.hasErrors)
        let paths = r.profiles[0].items.compactMap(RuleSyntax.init).map { r.text($0.plainTokens[0]) }
        XCTAssertEqual(paths, ["/foo,bar", "/a/@{X},b}", "/esc\\ aped\\,x", "/c/{a,b}/**"])
    }

    func testConditionalExpressions() throws {
        let r = parse("if not defined @{a} and (${b} or @{c} == x) {\n} else if b in @{l} {\n} else {\n}\n")
        XCTAssertFalse(r.hasErrors)
        let cond = try XCTUnwrap(r.root.firstChild(.conditional))
        let expr = try XCTUnwrap(cond.firstChild(.andExpr))
        XCTAssertEqual(expr.childNodes.map(\.kind), [.notExpr, .parenExpr])
        XCTAssertEqual(cond.childNodes(.elseClause).count, 2)
        XCTAssertNotNil(cond.childNodes(.elseClause)[0].firstChild(.comparisonExpr))
    }

    func testCommentsStayWithTheirTokens() throws {
        let r = parse("# head\n/p { # open\n  /a r, # trailing\n  # before b\n  /b r,\n}\n")
        let b = try XCTUnwrap(r.profiles[0].items.last?.firstToken)
        let leading = Trivia.pieces(in: b.leadingTrivia, of: r.source.bytes)
        XCTAssertTrue(leading.contains { if case .comment(let c) = $0 { r.source.text(c) == "# before b" } else { false } })
        let a = try XCTUnwrap(r.profiles[0].items.first?.lastToken)
        XCTAssertEqual(r.source.text(a.trailingTrivia), " # trailing\n")
    }

    func testCRLF() {
        let r = parse("/p {\r\n  /a r,\r\n}\r\n")
        XCTAssertFalse(r.hasErrors)
        XCTAssertEqual(kinds(r), [.fileRule])
    }

    func testLegacyHashKeywordsVersusComments() {
        let r = parse("#include <a>\n# include <b>\n#abi <abi/3.0>,\n#includes are comments\n")
        XCTAssertEqual(r.root.childNodes.map(\.kind), [.include, .abi])
    }

    func testDiagnosticRendering() throws {
        let r = parse("/p {\n  /a r\n}\n")
        let d = try XCTUnwrap(r.diagnostics.first)
        XCTAssertEqual(d.rendered(in: r.source), "<input>:2:7: error: missing ',' at the end of the rule [AA1002]\n    /a r\n        ^\n")
    }

    func testQuotedStrings() {
        XCTAssertEqual(QuotedString.unquote(ArraySlice("\"a\\\"b\\\\c\\040d\"".utf8)), Array("a\"b\\\\c d".utf8))
        let weird: [UInt8] = Array("/x y,\"#{}->\n\\*\\\\".utf8) + [0xFF, 0x00]
        let quoted = QuotedString.quote(weird)
        let r = parse("/p {\n  \(quoted) r,\n}\n")
        XCTAssertFalse(r.hasErrors)
        let tok = RuleSyntax(r.profiles[0].items[0])!.plainTokens[0]
        XCTAssertEqual(r.valueBytes(tok), weird)
    }
}
