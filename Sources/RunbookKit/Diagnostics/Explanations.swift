// The long help behind every diagnostic code, printed by `runbook explain CODE`: what it means,
// a runbook that produces it, and the same runbook fixed. The test suite compiles every example:
// the wrong one must produce the code and the fixed one must not.

/// The long explanation of one diagnostic code.
public struct Explanation: Sendable {
  /// What the diagnostic means and why it matters.
  public var summary: String
  /// A runbook that produces the code; nil when it cannot be shown as text (bad bytes, size).
  public var wrong: String?
  /// The same runbook, fixed.
  public var fixed: String?

  /// The wrong and the fixed runbook as Markdown ("Wrong:", a code block, "Fixed:", a code
  /// block), starting with a blank line; empty when there are no examples. The README's common
  /// mistakes and the SARIF rules' help show them so.
  public var examplesMarkdown: String {
    guard let wrong, let fixed else { return "" }
    func block(_ text: String) -> String { "```\n" + (text.hasSuffix("\n") ? text : text + "\n") + "```\n" }
    return "\nWrong:\n\n" + block(wrong) + "\nFixed:\n\n" + block(fixed)
  }
}

extension DiagnosticCode {
  /// The long explanation of this code.
  public var explanation: Explanation {
    switch self {
    // MARK: Lexical
    case .invalidCharacter:
      return Explanation(
        summary: "A character that the language does not use appeared outside a string or comment. Names use letters, digits and `_`; text goes in double quotes; comments start with `#`. Text pasted from Word or Outlook is the common cause, and each such character is named and read for what it means, so the rest of the line is still checked: typographic quotes “…” (straightened), an en or em dash or an ellipsis in a range `3h–5h` (written `..`), a hyphen or dash with spaces around it between the ends of a range `2h - 3h` (written `..` too), `&` between two roles `owner ops & dba` (written `and`; `/` is read as `and` too, but has no fix, since `or` may be meant), a colon after an attribute's keyword as YAML writes it `owner: ops` (deleted), `~2h` for an estimate (written `2h?`), an arrow `→`, `⇒` or `=>`, or a colon, after `go` or `no_go` (written `->`), a bullet or number before a statement as a pasted list has it, `1.`, `2)`, `-`, `•`, `[ ]` (deleted), a dash for the minus sign `T–4h`, a non-breaking or other look-alike space (a space), full-width letters and digits (their plain forms). Each of these has a fix that `runbook check --fix` applies.",
        wrong: work("step \u{201C}Users notified\u{201D}"),
        fixed: work("step \"Users notified\""))
    case .invalidUTF8:
      return Explanation(
        summary: "The file contains bytes that are not valid UTF-8, the only encoding runbook reads. The byte is reported where it stands. Re-save the file as UTF-8 (most editors offer this under \"Save with encoding\").",
        wrong: nil, fixed: nil)
    case .nulByte:
      return Explanation(
        summary: "The file contains a NUL byte (0x00). Text files never do; the file was probably saved as UTF-16 or is not a text file at all. Re-save it as UTF-8.",
        wrong: nil, fixed: nil)
    case .unterminatedString:
      return Explanation(
        summary: "A string was opened with `\"` but not closed on the same line. Strings are one line long; use a `\"\"\"` text block for text over several lines.",
        wrong: work("step \"Users notified"),
        fixed: work("step \"Users notified\""))
    case .unterminatedTextBlock:
      return Explanation(
        summary: "A `\"\"\"` text block was opened but never closed. Close it with `\"\"\"` on a line of its own.",
        wrong: "runbook \"Example\" {\n  description \"\"\"\n    Text that never ends.\n}\n",
        fixed: "runbook \"Example\" {\n  description \"\"\"\n    Text that ends.\n    \"\"\"\n}\n")
    case .invalidEscape:
      return Explanation(
        summary: "A backslash in a string starts an escape; only `\\\\`, `\\\"`, `\\n`, `\\t`, `\\r` and `\\u{…}` are known. Write `\\\\` for a backslash itself, for example in a Windows path.",
        wrong: work("step \"Copy files to C:\\Install\""),
        fixed: work("step \"Copy files to C:\\\\Install\""))
    case .textBlockIndentation:
      return Explanation(
        summary: "In a `\"\"\"` text block the text starts on the line after the opening delimiter, the closing delimiter stands on a line of its own, and every line is indented at least as far as the closing delimiter (that indentation is removed, as in Swift).",
        wrong: "runbook \"Example\" {\n  description \"\"\"\n    First line\n  Second line\n    \"\"\"\n}\n",
        fixed: "runbook \"Example\" {\n  description \"\"\"\n    First line\n    Second line\n    \"\"\"\n}\n")
    case .unknownUnit:
      return Explanation(
        summary: "A duration has a unit the language does not know. The units are `m` (minutes), `h` (hours), `d` (days), `w` (weeks) and `mo` (months of 30 days); they combine as in `1h30m`.",
        wrong: work("step \"Backup\" duration 2hrs"),
        fixed: work("step \"Backup\" duration 2h"))
    case .bidiControl:
      return Explanation(
        summary: "Text contains an invisible character (such as U+202E, right-to-left override) that changes the order in which the text around it is displayed, so a title can read differently on the printout than what the file says. Remove it, or write it as an escape such as `\\u{202E}` so that it is seen.",
        wrong: work("step \"Backup \u{202E}TSET\""),
        fixed: work("step \"Backup TEST\""))
    case .invalidNumber:
      return Explanation(
        summary: "A number or duration could not be read, or a duration is not a whole number of minutes. Decimal durations are fine when they come to whole minutes (`1.5h` is 90 minutes); `1.51h` is 90.6 minutes, and the help names the nearest whole ones. A decimal comma (`1,5h`) is read as the decimal it is and reported with the way to write it (`1h30m`), with a fix.",
        wrong: work("step \"Backup\" duration 1.51h"),
        fixed: work("step \"Backup\" duration 1h30m"))
    // MARK: Syntax
    case .expectedToken:
      return Explanation(
        summary: "The parser expected something else at this point: the message says what it expected and what it found. Each statement is one line: a keyword, an optional id, a title in quotes, then attributes.",
        wrong: work("step \"Backup\" owner customer, engineer"),
        fixed: work("step \"Backup\" owner customer and engineer"))
    case .unknownKeyword:
      return Explanation(
        summary: "A line starts with, or contains, a word that is not a keyword of the language where it stands. Nothing is silently ignored: fix the spelling (the help suggests the closest keyword) or put the text in a `note`. When the rest of the line reads cleanly as the suggested keyword, it is read as that keyword — so a misspelt `no_goo -> rollback restore` still enters its rollback — and the diagnostic carries the fix. A keyword written with hyphens (`no-go`) is read as the keyword it means (`no_go`).",
        wrong: work("step \"Backup\" ownr engineer"),
        fixed: work("step \"Backup\" owner engineer"))
    case .unclosedBlock:
      return Explanation(
        summary: "A `{` is never closed. Counting braces alone would blame the end of the file, and adding `}` there would silently nest the next stage inside this one, giving it this stage's owner. The indentation says where the block was meant to end: the first line after the `{` that is indented no deeper than the `{`'s own line. The diagnostic points at that `{` and at that line; add the `}` before it.",
        wrong: "runbook \"Example\" {\n  role customer \"Customer\"\n  stage work \"Work\" owner customer {\n    step \"Backup\"\n}\n",
        fixed: "runbook \"Example\" {\n  role customer \"Customer\"\n  stage work \"Work\" owner customer {\n    step \"Backup\"\n  }\n}\n")
    case .misleadingIndentation:
      return Explanation(
        summary: "The lines inside a block are indented no deeper than the block's first line, so they read as if they stood beside it, not in it. That is how a stage ends up nested in another one by accident: a `}` is missing above, and another one further down closes both. Indent the inside of each block (`runbook fmt` does it), or close the block where you meant it to end.",
        wrong: "runbook \"Example\" {\n  role customer \"Customer\"\n  stage prep \"Preparation\" owner customer {\n  step \"Backup\"\n  }\n}\n",
        fixed: "runbook \"Example\" {\n  role customer \"Customer\"\n  stage prep \"Preparation\" owner customer {\n    step \"Backup\"\n  }\n}\n")
    case .repeatedName:
      return Explanation(
        summary: "One list names the same role or the same work twice: `owner ops and ops`, `after backup, backup`. It counts once, so the runbook means what it would mean without the repeat; but a repeat is usually a copy-and-paste slip for another name (the second role of a four-eyes step, another step to wait for). Delete the repeat (the fix does), or name the one that was meant.",
        wrong: work("step backup \"Backup\" owner customer and customer"),
        fixed: work("step backup \"Backup\" owner customer and engineer"))
    case .nestingTooDeep:
      return Explanation(
        summary: "Blocks are nested more than 32 levels deep. Real runbooks nest a few levels (stage, section, step); deeper nesting is refused so that no input can exhaust the compiler's stack.",
        wrong: "runbook \"Example\" {\n" + String(repeating: "stage \"S\" {\n", count: 33) + String(repeating: "}\n", count: 33) + "}\n",
        fixed: "runbook \"Example\" {\n  stage \"S\" {\n  }\n}\n")
    case .misplacedStatement:
      return Explanation(
        summary: "A known keyword is used where it does not belong, for example a `step` directly in the runbook (steps belong in stages) or an `anchor` inside a stage.",
        wrong: "runbook \"Example\" {\n  role customer \"Customer\"\n  step \"Backup\" owner customer\n}\n",
        fixed: "runbook \"Example\" {\n  role customer \"Customer\"\n  stage work \"Work\" {\n    step \"Backup\" owner customer\n  }\n}\n")
    case .missingRunbook:
      return Explanation(
        summary: "The file has no `runbook \"Title\" { … }` block; everything in a runbook file lives inside one.",
        wrong: "# nothing here yet\n",
        fixed: "runbook \"Example\" {\n}\n")
    case .extraRunbook:
      return Explanation(
        summary: "A file holds exactly one runbook. Put each runbook in a file of its own.",
        wrong: "runbook \"One\" {\n}\nrunbook \"Two\" {\n}\n",
        fixed: "runbook \"One\" {\n}\n")
    case .duplicateAttribute:
      return Explanation(
        summary: "An attribute that takes one value was given twice on the same element. For several owners, list them in one `owner` attribute.",
        wrong: work("step \"Backup\" owner customer owner engineer"),
        fixed: work("step \"Backup\" owner customer and engineer"))
    case .mixedOwnerOperators:
      return Explanation(
        summary: "An owner list mixes `and` (every role must initial) with `or` (any one may). Say one or the other; split the step if it really needs both.",
        wrong: work("step \"Backup\" owner customer and engineer or customer"),
        fixed: work("step \"Backup\" owner customer or engineer"))
    case .missingID:
      return Explanation(
        summary: "Roles and rollbacks are always referred to by id, so they need one: `role customer \"Customer\"`, `rollback restore \"Restore\"`.",
        wrong: "runbook \"Example\" {\n  role \"Customer\"\n}\n",
        fixed: "runbook \"Example\" {\n  role customer \"Customer\"\n  stage \"Work\" owner customer {\n    step \"Backup\"\n  }\n}\n")
    // MARK: Names
    case .duplicateID:
      return Explanation(
        summary: "Two elements share an id. Stages, steps, gates, rollbacks and sign-offs share one set of ids; roles have their own.",
        wrong: work("step backup \"Backup\"\n    step backup \"Backup TEST\""),
        fixed: work("step backup \"Backup\"\n    step backup_test \"Backup TEST\""))
    case .undefinedRole:
      return Explanation(
        summary: "An owner, decider or signer names a role that is not declared. Declare it with `role id \"Display name\"` or fix the spelling. A name that spells a declared role's display name — `pharmacist` for `role pharm \"Oncology Pharmacist\"`, `change_board` or `cab` for \"Change Advisory Board\" — is matched to that role, above all to one that owns nothing yet, and the help gives its id. A role's display name in quotes (`owner \"Operations\"`) is matched the same way, with the fix that writes its id.",
        wrong: work("step \"Backup\" owner engineeer"),
        fixed: work("step \"Backup\" owner engineer"))
    case .undefinedReference:
      return Explanation(
        summary: "`after`, `verifies`, `go ->` or `covers` names an id that no stage, step or gate has. A step without a written id cannot be referred to: give it one. A title in quotes where the id belongs (`after \"Take a full backup\"`) is matched to the work of that title, with the fix that writes its id.",
        wrong: work("step \"Backup\"\n    step \"Upgrade\" after backup"),
        fixed: work("step backup \"Backup\"\n    step \"Upgrade\" after backup"))
    case .undefinedRollback:
      return Explanation(
        summary: "A gate's `no_go ->` names a rollback that is not declared.",
        wrong: gate(noGo: "no_go -> rollback restor within 1h"),
        fixed: gate(noGo: "no_go -> rollback restore within 1h"))
    case .undefinedAnchor:
      return Explanation(
        summary: "A time such as `T-4h` is counted from the runbook's anchor, which must be declared (`anchor T \"Upgrade starts\"`) and named the same way.",
        wrong: "runbook \"Example\" {\n  role customer \"Customer\"\n  stage work \"Work\" owner customer {\n    window T-4h..T\n    step \"Backup\"\n  }\n}\n",
        fixed: "runbook \"Example\" {\n  anchor T \"Upgrade starts\"\n  role customer \"Customer\"\n  stage work \"Work\" owner customer {\n    window T-4h..T\n    step \"Backup\"\n  }\n}\n")
    case .wrongReferenceKind:
      return Explanation(
        summary: "A reference names the wrong kind of element: `verifies` needs a step, `no_go ->` a rollback, `after` a stage, step or gate. A role named where work belongs (`after vendor`) is said to be a role, with the steps that role owns listed to choose from.",
        wrong: work("step backup \"Backup\"\n    step \"Check\" owner engineer verifies work"),
        fixed: work("step backup \"Backup\"\n    step \"Check\" owner engineer verifies backup"))
    // MARK: Ordering
    case .dependencyCycle:
      return Explanation(
        summary: "Dependencies form a loop, so no order can satisfy them. The message prints the whole cycle and a note at each dependency written in the source; remove one of them.",
        wrong: parallel("step a \"A\" after c\n    step b \"B\" after a\n    step c \"C\" after b"),
        fixed: parallel("step a \"A\"\n    step b \"B\" after a\n    step c \"C\" after b"))
    case .dependsOnLaterStage:
      return Explanation(
        summary: "A step waits for work in a stage that comes later. Stages run in the order written, so this can never happen: move the work, or reorder the stages.",
        wrong: twoStages(first: "step \"Upgrade\" after backup", second: "step backup \"Backup\""),
        fixed: twoStages(first: "step backup \"Backup\"", second: "step \"Upgrade\" after backup"))
    case .forwardAfter:
      return Explanation(
        summary: "In a sequential stage, steps run in the order written; an `after` that names a step written further down contradicts that order. Reorder the steps, or mark the stage `parallel` if they have no fixed order.",
        wrong: work("step \"Upgrade\" after backup\n    step backup \"Backup\""),
        fixed: work("step backup \"Backup\"\n    step \"Upgrade\" after backup"))
    case .windowCannotHold:
      return Explanation(
        summary: "A window or deadline closes before the work that must happen by then can finish in the worst case, counting from the anchor. Only work tied to the anchor counts: preparation with no window is planned backwards from it and never makes a window fail.",
        wrong: windowed("window T..T+2h", "step \"Upgrade\" duration 2h..3h"),
        fixed: windowed("window T..T+4h", "step \"Upgrade\" duration 2h..3h"))
    case .rollbackRejoinsFlow:
      return Explanation(
        summary: "Work inside a rollback runs only after a no-go decision, so the normal flow cannot wait for it, and a gate's go branch cannot lead into it (or out of it).",
        wrong: gate(noGo: "no_go -> rollback restore within 1h", after: "step \"Close\" after reinstall"),
        fixed: gate(noGo: "no_go -> rollback restore within 1h", after: "step \"Close\""))
    case .signoffBeforeWork:
      return Explanation(
        summary: "A sign-off is written before the work it signs, so it would be signed before that work is done. A sign-off in the runbook itself signs everything and belongs after the last stage; one that `covers` a stage belongs after it.",
        wrong: "runbook \"Example\" {\n  role customer \"Customer\"\n  signoff \"Customer representative\" by customer\n  stage work \"Work\" owner customer {\n    step \"Backup\"\n  }\n}\n",
        fixed: "runbook \"Example\" {\n  role customer \"Customer\"\n  stage work \"Work\" owner customer {\n    step \"Backup\"\n  }\n  signoff \"Customer representative\" by customer\n}\n")
    case .unreachableStep:
      return Explanation(
        summary: "No path of the runbook reaches this step: a gate before it sends the go branch past it. After a gate, the flow continues only where `go ->` leads.",
        wrong: gate(noGo: "no_go -> rollback restore within 1h", go: "finish", between: "step \"Skipped\""),
        fixed: gate(noGo: "no_go -> rollback restore within 1h", go: "finish"))
    // MARK: Ownership
    case .missingOwner:
      return Explanation(
        summary: "Every step needs someone to initial it: an `owner` on the step, or a default `owner` on its stage. Every sign-off needs `by role`.",
        wrong: "runbook \"Example\" {\n  role customer \"Customer\"\n  stage work \"Work\" {\n    step \"Backup\"\n  }\n}\n",
        fixed: "runbook \"Example\" {\n  role customer \"Customer\"\n  stage work \"Work\" owner customer {\n    step \"Backup\"\n  }\n}\n")
    case .missingDecider:
      return Explanation(
        summary: "A gate has no `decided_by`: someone must own the go/no-go decision.",
        wrong: gate(noGo: "no_go -> rollback restore within 1h", decider: ""),
        fixed: gate(noGo: "no_go -> rollback restore within 1h"))
    case .sameRoleVerifies:
      return Explanation(
        summary: "A step that `verifies` another is owned by a role that also owns the verified step. The four-eyes principle needs a second person: give the check to another role.",
        wrong: work("step backup \"Backup\" owner engineer\n    step \"Backup verified\" owner engineer verifies backup"),
        fixed: work("step backup \"Backup\" owner engineer\n    step \"Backup verified\" owner customer verifies backup"))
    case .unusedRole:
      return Explanation(
        summary: "A role is declared but owns no step, decides no gate and signs nothing. Remove it, or give it the work it does.",
        wrong: "runbook \"Example\" {\n  role customer \"Customer\"\n  role auditor \"Auditor\"\n  stage work \"Work\" owner customer {\n    step \"Backup\"\n  }\n}\n",
        fixed: "runbook \"Example\" {\n  role customer \"Customer\"\n  role auditor \"Auditor\"\n  stage work \"Work\" owner customer {\n    step \"Backup\"\n  }\n  signoff \"Audit\" by auditor\n}\n")
    // MARK: Gates
    case .missingOutcome:
      return Explanation(
        summary: "A gate must say where both decisions lead: `go -> step` and `no_go -> rollback id within 1h` (or `no_go -> stop` when nothing needs undoing).",
        wrong: gate(noGo: ""),
        fixed: gate(noGo: "no_go -> rollback restore within 1h"))
    case .rollbackTooLong:
      return Explanation(
        summary: "The rollback a gate promises to finish `within` a bound can take longer in the worst case. The message shows the sum of the longest path through the rollback.",
        wrong: gate(noGo: "no_go -> rollback restore within 30m"),
        fixed: gate(noGo: "no_go -> rollback restore within 1h"))
    case .gateWithoutCriteria:
      return Explanation(
        summary: "A gate has no `criterion` and no `no_go_if`: the decider has nothing written to decide by. Add the criteria, in words or as measures such as `availability >= 99.9%`.",
        wrong: gate(noGo: "no_go -> rollback restore within 1h", criterion: ""),
        fixed: gate(noGo: "no_go -> rollback restore within 1h"))
    case .rollbackBoundUnchecked:
      return Explanation(
        summary: "A gate promises that its rollback finishes `within` a bound, but some of the rollback's steps have no duration (or `duration tbd`). Unknown is not zero: until every step has a duration, nobody can tell whether the rollback fits, and the plan says so instead of \"fits\".",
        wrong: gate(noGo: "no_go -> rollback restore within 1h", rollbackDuration: ""),
        fixed: gate(noGo: "no_go -> rollback restore within 1h"))
    case .rollbackNeverEntered:
      return Explanation(
        summary: "A rollback is entered only through a gate's `no_go`, and no gate names this one.",
        wrong: gate(noGo: "no_go -> stop"),
        fixed: gate(noGo: "no_go -> rollback restore within 1h"))
    // MARK: Time
    case .invertedRange:
      return Explanation(
        summary: "A duration range is written longest first. Write the best case first: `3h..5h`.",
        wrong: work("step \"Testing\" duration 5h..3h"),
        fixed: work("step \"Testing\" duration 3h..5h"))
    case .zeroDuration:
      return Explanation(
        summary: "A duration is zero or negative. Leave `duration` out when it is not known, or write `duration tbd`.",
        wrong: work("step \"Testing\" duration 0m"),
        fixed: work("step \"Testing\" duration tbd"))
    case .windowEndsBeforeStart:
      return Explanation(
        summary: "A window's end is before its start. Write the earlier time first: `T-4h..T+2h`.",
        wrong: windowed("window T+2h..T-4h", "step \"Upgrade\""),
        fixed: windowed("window T-4h..T+2h", "step \"Upgrade\""))
    case .missingUnit:
      return Explanation(
        summary: "A duration needs its unit right after the number: `m`, `h`, `d`, `w` or `mo`. Durations typed as in a document — `90 mins`, `2 hours`, `half an hour`, `1h 30m` — are read for what they mean and reported with the way to write them (`90m`, `2h`, `30m`, `1h30m`), which `runbook check --fix` writes. Ranges typed the same way — `2-3h`, `2h -3h`, `2h to 3h`, a lower end without its unit `2..3h`, `2-3 hours` — are read as the range they mean and written `2h..3h`; an estimate written `about 2h` or `approx 2h` is written `2h?`.",
        wrong: work("step \"Testing\" duration 5"),
        fixed: work("step \"Testing\" duration 5h"))
    case .durationTooLarge:
      return Explanation(
        summary: "A duration is longer than 100 years, which is certainly a typo in the number or the unit.",
        wrong: work("step \"Testing\" duration 2000mo"),
        fixed: work("step \"Testing\" duration 2mo"))
    case .invalidDateTime:
      return Explanation(
        summary: "The anchor's `at` gives the date and time that T stands for, so that plans and checklists can show clock times. Write the date (year-month-day), the time on a 24-hour clock and the time zone: `at \"2026-12-05 22:00 Europe/Berlin\"`, or an ISO 8601 time with its UTC offset: `at \"2026-12-05T22:00+01:00\"`. A date that does not exist (30 February), a time past 23:59, a missing zone or an offset the zone does not have at that time is an error. Leave `at` out while the date is not agreed; `--anchor-at` can give it later. Every other time is written from the anchor (`deadline T+1h30m`); a clock time such as `deadline 23:30` is reported with the time from the anchor that the nearest 23:30 is, read as that so the rest is checked, but not fixed for you, since only you know the day.",
        wrong: dated("2026-02-30 22:00"),
        fixed: dated("2026-03-02 22:00 Europe/Berlin"))
    case .unknownTimeZone:
      return Explanation(
        summary: "Time zones are named as in the IANA time zone database, by region and city: `Europe/Berlin`, `America/New_York`, `Asia/Kolkata`. Abbreviations such as `CET` or `EST` are ambiguous and are not accepted; `UTC` and offsets such as `+01:00` are.",
        wrong: dated("2026-12-05 22:00 Europe/Berln"),
        fixed: dated("2026-12-05 22:00 Europe/Berlin"))
    case .clockChange:
      return Explanation(
        summary: "On the night daylight-saving time starts, the clocks skip an hour (in Berlin, 02:00 to 03:00 on the last Sunday of March), so a time in that hour never happens; on the night it ends, an hour happens twice. Choose a time that exists, or for a repeated hour add the UTC offset to say which of the two is meant: `2026-10-25 02:30 +02:00 Europe/Berlin` is the first, `+01:00` the second.",
        wrong: dated("2026-03-29 02:30 Europe/Berlin"),
        fixed: dated("2026-03-29 03:30 Europe/Berlin"))
    // MARK: Limits
    case .fileTooLarge:
      return Explanation(
        summary: "The file is larger than 64 MiB, the largest runbook accepted. Split it into several runbooks.",
        wrong: nil, fixed: nil)
    case .tooManyDiagnostics:
      return Explanation(
        summary: "A file with more than \(RunbookInfo.maximumKeptDiagnostics) problems in one phase (reading the text, or checking the runbook) is most likely not a runbook, or has one mistake repeated everywhere: the first \(RunbookInfo.maximumKeptDiagnostics) are kept and the rest counted, so that every command and format stays fast and small. Fix the problems shown, and run the check again.",
        wrong: nil, fixed: nil)
    case .nameTooLong:
      return Explanation(
        summary: "An id or keyword is longer than 128 characters. Ids are short handles for `after` and `verifies`; the description belongs in the title.",
        wrong: work("step " + String(repeating: "a", count: 129) + " \"Backup\""),
        fixed: work("step backup \"Backup\""))
    case .textTooLong:
      return Explanation(
        summary: "A one-line string is longer than 64 KiB, or a text block longer than 1 MiB. Runbooks hold checklists, not documents: point to the document instead.",
        wrong: nil, fixed: nil)
    case .tooManySteps:
      return Explanation(
        summary: "The runbook has more than 1,048,576 steps and gates; the rest are not checked. Split it into several runbooks.",
        wrong: nil, fixed: nil)
    // MARK: Suppressions
    case .unusedSuppression:
      return Explanation(
        summary: "A `# runbook:ignore CODE` comment silences a warning on the next statement (`runbook:ignore-file` in the whole file), but there is no such warning there. Remove the comment, so that it does not hide a later warning by accident.",
        wrong: suppressed("# runbook:ignore RB0404 the auditor signs later", role: "auditor"),
        fixed: suppressed("# the auditor does the work", role: "auditor"))
    case .unknownSuppressionCode:
      return Explanation(
        summary: "A suppression names a code that runbook does not have. `runbook explain --list` lists every code.",
        wrong: suppressed("# runbook:ignore RB4040", role: "customer"),
        fixed: suppressed("# runbook:ignore RB0404", role: "customer"))
    case .errorNotSuppressible:
      return Explanation(
        summary: "Only warnings can be suppressed. An error means the runbook is wrong or ambiguous: fix it instead.",
        wrong: suppressed("# runbook:ignore RB0202", role: "customer"),
        fixed: suppressed("# runbook:ignore RB0404", role: "customer"))
    case .malformedSuppression:
      return Explanation(
        summary: "A comment starting with `runbook:` is read as an instruction to runbook: `runbook:ignore CODE [reason]` or `runbook:ignore-file CODE [reason]`. Anything else is reported so that a typo does not silently fail to suppress.",
        wrong: suppressed("# runbook:ignroe RB0404", role: "customer"),
        fixed: suppressed("# runbook:ignore RB0404", role: "customer"))
    }
  }
}

// MARK: - Example builders

/// A runbook whose `auditor` role is declared under a suppression comment and never used, with
/// `role` owning the work (so the warning is there when `role` is not `auditor`).
private func suppressed(_ comment: String, role: String) -> String {
  """
  runbook "Example" {
    role customer "Customer"
    \(comment)
    role auditor "Auditor"
    stage work "Work" owner \(role) {
      step "Backup"
    }
  }

  """
}

/// A runbook with two roles and one stage owned by `customer` holding `body`.
private func work(_ body: String, parallel: Bool = false) -> String {
  """
  runbook "Example" {
    role customer "Customer"
    role engineer "Engineer"
    stage work "Work" \(parallel ? "parallel " : "")owner customer {
      \(body)
    }
  }

  """
}

/// A runbook whose anchor is at `time`.
private func dated(_ time: String) -> String {
  """
  runbook "Example" {
    anchor T "Go-live" at "\(time)"
    role customer "Customer"
    stage work "Work" owner customer {
      window T-4h..T
      step "Backup"
    }
  }

  """
}

private func parallel(_ body: String) -> String {
  work(body, parallel: true)
}

private func twoStages(first: String, second: String) -> String {
  """
  runbook "Example" {
    role customer "Customer"
    stage one "One" owner customer {
      \(first)
    }
    stage two "Two" owner customer {
      \(second)
    }
  }

  """
}

private func windowed(_ window: String, _ body: String) -> String {
  """
  runbook "Example" {
    anchor T "Upgrade starts"
    role customer "Customer"
    stage work "Work" owner customer {
      \(window)
      \(body)
    }
  }

  """
}

/// A day-of-upgrade runbook with a gate and a 45-minute rollback; parts can be swapped out.
private func gate(
  noGo: String, go: String = "finish", decider: String = "decided_by customer",
  criterion: String = "criterion \"All checks passed\"", between: String = "", after: String = "",
  rollbackDuration: String = " duration 45m"
) -> String {
  let lines = [decider, criterion, "go -> \(go)", noGo].filter { !$0.isEmpty }
    .map { "      " + $0 }.joined(separator: "\n")
  let middle = between.isEmpty ? "" : "    \(between)\n"
  let tail = after.isEmpty ? "" : "    \(after)\n"
  return """
    runbook "Example" {
      role customer "Customer"
      role engineer "Engineer"
      stage day "Day" owner engineer {
        step backup "Backup"
        gate decision "Go / No-Go" {
    \(lines)
        }
    \(middle)    step finish "Finish"
    \(tail)  }
      rollback restore "Restore" owner engineer {
        step reinstall "Re-install the backup"\(rollbackDuration)
      }
    }

    """
}
