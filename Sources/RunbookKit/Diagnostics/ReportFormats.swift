// Diagnostics for machines: a documented JSON array, GitHub Actions workflow commands, and a
// SARIF 2.1.0 log for code scanning. Like the human renderer these only format; the tool decides
// paths, reads files and prints.

/// One checked file: the path as it should be shown, its source, and its diagnostics.
public struct FileReport: Sendable {
  /// The path shown: as given on the command line, or relative to the working directory.
  public var path: String
  /// The file checked.
  public var source: SourceFile
  /// Its diagnostics, in order.
  public var diagnostics: [Diagnostic]

  /// Creates a report.
  public init(path: String, source: SourceFile, diagnostics: [Diagnostic]) {
    self.path = path
    self.source = source
    self.diagnostics = diagnostics
  }
}

/// What a SARIF log says about the run itself.
public struct SARIFRun: Sendable {
  /// The category code scanning keeps alerts under (`runs[].automationDetails.id`).
  public var category: String
  /// The folder `%SRCROOT%` stands for, absolute; relative URIs are relative to it.
  public var sourceRoot: String?
  /// Problems that kept files from being checked: a missing or unreadable input.
  public var notifications: [(path: String?, message: String)]
  /// Where runbook's documentation is kept (`--docs-url`), if anywhere: `tool.driver.informationUri`
  /// and each rule's `helpUri`. runbook has no address of its own to put there, and a made-up one
  /// would put a dead link on every alert, so both are left out unless this is given.
  public var documentation: DocumentationURL?

  public init(
    category: String = "runbook", sourceRoot: String? = nil, notifications: [(path: String?, message: String)] = [],
    documentation: DocumentationURL? = nil
  ) {
    self.category = category
    self.sourceRoot = sourceRoot
    self.notifications = notifications
    self.documentation = documentation
  }
}

/// The address of runbook's documentation, as a team publishes it (a wiki, an internal copy of
/// the README), and the address of each code's explanation within it.
public struct DocumentationURL: Sendable, Equatable {
  /// The address as given: `https://wiki.example.org/runbook` or `https://…/runbook/{code}`.
  public let template: String

  /// Reads an absolute `http` or `https` address with no spaces or controls; nil otherwise.
  public init?(_ text: String) {
    let lower = text.lowercased()
    guard lower.hasPrefix("https://") || lower.hasPrefix("http://"),
      text.unicodeScalars.count > (lower.hasPrefix("https://") ? 8 : 7),
      !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\"" || $0 == "<" || $0 == ">" })
    else { return nil }
    template = text
  }

  /// The tool's documentation: the address without its `{code}` placeholder.
  public var information: String { template.replacingOccurrences(of: "{code}", with: "") }

  /// A code's explanation: `{code}` replaced by the code (`RB0203`), or, without a placeholder,
  /// the address with the lowercase code as its fragment (`…#rb0203`).
  public func help(for code: DiagnosticCode) -> String {
    if template.contains("{code}") { return template.replacingOccurrences(of: "{code}", with: code.rawValue) }
    let base = template.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? template
    return base + "#" + code.rawValue.lowercased()
  }
}

/// Machine-readable renderings of diagnostics.
public enum ReportFormat {
  // MARK: - JSON

  /// A JSON array, one object per diagnostic (described in the README):
  /// `{path, severity, code, message, range: {start: {line, column, offset}, end: …}, notes, help}`.
  public static func json(_ reports: [FileReport]) -> String {
    var w = JSONWriter()
    w.array { w in
      for report in reports {
        for diagnostic in report.diagnostics {
          w.object { w in
            w.field("path", report.path)
            w.field("severity", diagnostic.severity.rawValue)
            w.field("code", diagnostic.code.rawValue)
            w.field("message", diagnostic.message)
            range("range", diagnostic.range, report.source, &w)
            w.array("notes") { w in
              for note in diagnostic.notes {
                w.object { w in
                  w.field("message", note.message)
                  if let noteRange = note.range {
                    range("range", noteRange, report.source, &w)
                  } else {
                    w.key("range")
                    w.null()
                  }
                }
              }
            }
            w.field("help", diagnostic.help)
            w.key("fix")
            if let fix = diagnostic.fix {
              w.object { w in
                w.field("description", fix.description)
                w.array("edits") { w in
                  for edit in fix.edits {
                    w.object { w in
                      range("range", edit.range, report.source, &w)
                      w.field("replacement", edit.replacement)
                    }
                  }
                }
              }
            } else {
              w.null()
            }
          }
        }
      }
    }
    return w.finishText()
  }

  private static func range(_ name: StaticString, _ range: SourceRange, _ source: SourceFile, _ w: inout JSONWriter) {
    func position(_ name: StaticString, _ offset: Int, _ w: inout JSONWriter) {
      let at = source.lineColumn(of: offset)
      w.object(name) { w in
        w.field("line", at.line)
        w.field("column", at.column)
        w.field("offset", offset)
      }
    }
    w.object(name) { w in
      position("start", range.start, &w)
      position("end", range.end, &w)
    }
  }

  // MARK: - GitHub Actions

  /// One workflow command per diagnostic:
  /// `::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=RB0102::message`.
  /// Messages escape `%`, CR and LF; parameters also escape `:` and `,`. Each command is one
  /// line, so runbook text inside a message can never start a command of its own.
  public static func github(_ reports: [FileReport], annotationsPerSeverity: Int = 10) -> String {
    var output = ""
    var shown: [Severity: Int] = [:]
    var unshown: [Severity: Int] = [:]
    for report in reports {
      for diagnostic in report.diagnostics {
        let start = report.source.lineColumn(of: diagnostic.range.start)
        var end = report.source.lineColumn(of: diagnostic.range.end)
        if end.line != start.line || end.column <= start.column { end = LineColumn(line: start.line, column: start.column + 1) }
        let command: String
        switch diagnostic.severity {
        case .error: command = "error"
        case .warning: command = "warning"
        case .note: command = "notice"
        }
        var message = diagnostic.message
        for note in diagnostic.notes { message += "\nnote: " + note.message }
        if let help = diagnostic.help { message += "\nhelp: " + help }
        // GitHub shows only so many annotations of each kind per step: the rest go to the log
        // as plain lines (one line each, so no text can start a workflow command).
        guard shown[diagnostic.severity, default: 0] < annotationsPerSeverity else {
          unshown[diagnostic.severity, default: 0] += 1
          output += githubData("\(report.path):\(start.line):\(start.column): \(command)[\(diagnostic.code.rawValue)]: \(message)") + "\n"
          continue
        }
        shown[diagnostic.severity, default: 0] += 1
        output += "::\(command) file=\(githubProperty(report.path)),line=\(start.line),col=\(start.column),"
        output += "endLine=\(end.line),endColumn=\(end.column),title=\(githubProperty(diagnostic.code.rawValue + " " + diagnostic.code.title))"
        output += "::" + githubData(message) + "\n"
      }
    }
    let more = [(Severity.error, "error"), (.warning, "warning"), (.note, "notice")].compactMap { severity, name -> String? in
      guard let count = unshown[severity], count > 0 else { return nil }
      return "\(count) more \(name)\(count == 1 ? "" : "s")"
    }
    if !more.isEmpty {
      output += "::notice title=runbook::" + githubData(more.joined(separator: " and ") + " than GitHub shows as annotations; they are listed in this step's log") + "\n"
    }
    return output
  }

  /// A Markdown summary of a check for `$GITHUB_STEP_SUMMARY`: the counts, and a table of the
  /// first diagnostics.
  public static func githubSummary(_ reports: [FileReport], files: Int, errors: Int, warnings: Int, limit: Int = 50) -> String {
    var text = "### runbook check\n\n| files | errors | warnings |\n|---:|---:|---:|\n| \(files) | \(errors) | \(warnings) |\n"
    let all = reports.flatMap { report in report.diagnostics.map { (report, $0) } }
    guard !all.isEmpty else { return text + "\nNo problems found.\n" }
    text += "\n| where | severity | code | message |\n|---|---|---|---|\n"
    for (report, diagnostic) in all.prefix(limit) {
      let at = report.source.lineColumn(of: diagnostic.range.start)
      text += "| " + escapeCell("\(report.path):\(at.line):\(at.column)") + " | \(diagnostic.severity.rawValue) | \(diagnostic.code.rawValue) | " + escapeCell(diagnostic.message) + " |\n"
    }
    if all.count > limit { text += "\n… and \(all.count - limit) more in the log.\n" }
    return text
  }


  /// Escapes a workflow command's message: `%`, CR and LF; other controls and bidi controls are
  /// shown as `<U+XXXX>`.
  static func githubData(_ text: String) -> String { githubEscaped(text, parameter: false) }

  /// Escapes a workflow command's parameter value: also `:` and `,`.
  static func githubProperty(_ text: String) -> String { githubEscaped(text, parameter: true) }

  private static func githubEscaped(_ text: String, parameter: Bool) -> String {
    var output = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "%": output += "%25"
      case "\r": output += "%0D"
      case "\n": output += "%0A"
      case ":" where parameter: output += "%3A"
      case "," where parameter: output += "%2C"
      case "\t": output += " "
      default:
        // The log shows what it is sent: no escape sequence, C1 control or bidi control acts.
        if isNeutralised(scalar.value) {
          output += "<U+\(hex(Int(scalar.value), width: 4))>"
        } else {
          output.unicodeScalars.append(scalar)
        }
      }
    }
    return output
  }

  // MARK: - SARIF

  /// A SARIF 2.1.0 log with one run, made for GitHub code scanning: the tool with a rule per
  /// diagnostic code (with its help in Markdown, precision, severity and tags), a result per
  /// diagnostic with its file (a URI relative to `%SRCROOT%`, which `originalUriBaseIds` names
  /// when the root is known), full region, fingerprint, fixes, and notes as related locations
  /// linked from the message; and an invocation that says whether the run succeeded — a file
  /// that could not be read makes it fail, with a notification, so that an incomplete run never
  /// looks clean. Columns count Unicode code points.
  public static func sarif(_ reports: [FileReport], run: SARIFRun = SARIFRun()) -> String {
    let codes = DiagnosticCode.allCases
    var ruleIndex: [DiagnosticCode: Int] = [:]
    for (index, code) in codes.enumerated() { ruleIndex[code] = index }
    var w = JSONWriter()
    w.object { w in
      w.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
      w.field("version", "2.1.0")
      w.array("runs") { w in
        w.object { w in
          w.object("automationDetails") { w in w.field("id", run.category + "/") }
          if let root = run.sourceRoot {
            w.object("originalUriBaseIds") { w in
              w.object("%SRCROOT%") { w in w.field("uri", "file://" + uri(root.hasSuffix("/") ? root : root + "/")) }
            }
          }
          w.array("invocations") { w in
            w.object { w in
              w.field("executionSuccessful", run.notifications.isEmpty)
              w.array("toolExecutionNotifications") { w in
                for notification in run.notifications {
                  w.object { w in
                    w.field("level", "error")
                    w.object("message") { w in w.field("text", notification.message) }
                    if let path = notification.path {
                      w.array("locations") { w in
                        w.object { w in
                          w.object("physicalLocation") { w in artifactLocation(path, &w) }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
          w.object("tool") { w in
            w.object("driver") { w in
              w.field("name", "runbook")
              w.field("version", RunbookInfo.version)
              w.field("semanticVersion", RunbookInfo.version)
              if let documentation = run.documentation { w.field("informationUri", documentation.information) }
              w.array("rules") { w in
                for code in codes {
                  let explanation = code.explanation
                  w.object { w in
                    w.field("id", code.rawValue)
                    w.field("name", ruleName(code))
                    w.object("shortDescription") { w in w.field("text", code.title) }
                    w.object("fullDescription") { w in w.field("text", explanation.summary) }
                    if let documentation = run.documentation { w.field("helpUri", documentation.help(for: code)) }
                    w.object("help") { w in
                      w.field("text", explanation.summary + " Run `runbook explain \(code.rawValue)` for a wrong and a fixed example.")
                      w.field("markdown", explanation.summary + "\n" + explanation.examplesMarkdown + "\n`runbook explain \(code.rawValue)` says the same in a terminal.")
                    }
                    w.object("defaultConfiguration") { w in w.field("level", level(code.defaultSeverity)) }
                    w.object("properties") { w in
                      // Every diagnostic is exact about what it reports: errors are certain,
                      // warnings are what a reviewer would still want to look at.
                      w.field("precision", code.defaultSeverity == .error ? "very-high" : "high")
                      w.field("problem.severity", code.defaultSeverity == .error ? "error" : "warning")
                      w.field("tags", strings: ["runbook", ruleGroup(code)])
                    }
                  }
                }
              }
            }
          }
          w.field("columnKind", "unicodeCodePoints")
          w.array("results") { w in
            for report in reports {
              let fingerprints = fingerprints(report)
              for (position, diagnostic) in report.diagnostics.enumerated() {
                w.object { w in
                  w.field("ruleId", diagnostic.code.rawValue)
                  w.field("ruleIndex", ruleIndex[diagnostic.code] ?? 0)
                  w.field("level", level(diagnostic.severity))
                  w.object("message") { w in
                    var text = diagnostic.message
                    if let help = diagnostic.help { text += " (help: \(help))" }
                    // Notes are linked to their related locations: `[text](id)`.
                    for (index, note) in diagnostic.notes.enumerated() where note.range != nil {
                      text += " See [\(sarifLinkText(note.message))](\(index))."
                    }
                    w.field("text", text)
                  }
                  w.array("locations") { w in location(report, diagnostic.range, &w) }
                  w.object("partialFingerprints") { w in
                    w.key(text: fingerprintName)
                    w.string(fingerprints[position])
                  }
                  if let fix = diagnostic.fix {
                    w.array("fixes") { w in
                      w.object { w in
                        w.object("description") { w in w.field("text", fix.description) }
                        w.array("artifactChanges") { w in
                          w.object { w in
                            artifactLocation(report, &w)
                            w.array("replacements") { w in
                              for edit in fix.edits {
                                w.object { w in
                                  let start = report.source.lineColumn(of: edit.range.start)
                                  let end = report.source.lineColumn(of: edit.range.end)
                                  w.object("deletedRegion") { w in
                                    w.field("startLine", start.line)
                                    w.field("startColumn", start.column)
                                    w.field("endLine", end.line)
                                    w.field("endColumn", end.column)
                                  }
                                  w.object("insertedContent") { w in w.field("text", edit.replacement) }
                                }
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                  if diagnostic.notes.contains(where: { $0.range != nil }) {
                    w.array("relatedLocations") { w in
                      for (index, note) in diagnostic.notes.enumerated() {
                        guard let range = note.range else { continue }
                        location(report, range, &w, id: index, message: note.message)
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return w.finishText()
  }

  private static func location(_ report: FileReport, _ range: SourceRange, _ w: inout JSONWriter, id: Int? = nil, message: String? = nil) {
    let start = report.source.lineColumn(of: range.start)
    var end = report.source.lineColumn(of: range.end)
    if end <= start { end = LineColumn(line: start.line, column: start.column + 1) }
    w.object { w in
      if let id { w.field("id", id) }
      w.object("physicalLocation") { w in
        artifactLocation(report, &w)
        w.object("region") { w in
          w.field("startLine", start.line)
          w.field("startColumn", start.column)
          w.field("endLine", end.line)
          w.field("endColumn", end.column)
        }
      }
      if let message { w.object("message") { w in w.field("text", message) } }
    }
  }

  /// `"artifactLocation": {"uri", "uriBaseId"}` of a report's file.
  private static func artifactLocation(_ report: FileReport, _ w: inout JSONWriter) {
    artifactLocation(report.path, &w)
  }

  /// `"artifactLocation"` of a path: relative to `%SRCROOT%`, or an absolute `file://` URI.
  private static func artifactLocation(_ path: String, _ w: inout JSONWriter) {
    w.object("artifactLocation") { w in
      if path.hasPrefix("/") {
        w.field("uri", "file://" + uri(path))
      } else {
        w.field("uri", uri(path))
        w.field("uriBaseId", "%SRCROOT%")
      }
    }
  }

  /// A fingerprint per diagnostic that survives unrelated edits: the code, the id the problem is
  /// about and the text of its line with spacing normalised — not the line number — and which
  /// occurrence of that triple in the file it is. The line enters as the SHA-256 of its
  /// normalised text, computed once per line: many problems on one long line (a file of one
  /// line, say) would otherwise each hash the whole line again.
  static func fingerprints(_ report: FileReport) -> [String] {
    var seen: [String: Int] = [:]
    var lineDigests: [Int: String] = [:]
    let source = report.source
    return report.diagnostics.map { diagnostic in
      let line = source.lineIndex(of: diagnostic.range.start)
      let lineDigest = lineDigests[line] ?? {
        let start = source.lineStarts[line]
        let end = line + 1 < source.lineStarts.count ? source.lineStarts[line + 1] : source.bytes.count
        let normalised = String(decoding: source.bytes[start..<end], as: UTF8.self).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        let digest = sha256Hex(Array(normalised.utf8))
        lineDigests[line] = digest
        return digest
      }()
      let subject = source.text(SourceRange(diagnostic.range.start, min(diagnostic.range.end, diagnostic.range.start + 200)))
      let key = diagnostic.code.rawValue + "\u{0}" + lineDigest + "\u{0}" + subject
      let occurrence = seen[key, default: 0]
      seen[key] = occurrence + 1
      return String(sha256Hex(Array((key + "\u{0}\(occurrence)").utf8)).prefix(32))
    }
  }

  /// The name of the fingerprint in `partialFingerprints`; its number changes whenever the
  /// computation does, so that code scanning never compares fingerprints made in two ways.
  /// (v2: the line enters as its digest.)
  public static let fingerprintName = "runbookFingerprint/v2"

  /// Note text inside a SARIF link: brackets would end the link text.
  private static func sarifLinkText(_ text: String) -> String {
    text.replacingOccurrences(of: "[", with: "(").replacingOccurrences(of: "]", with: ")")
  }

  /// The group a code belongs to, by its number: a tag for code scanning.
  private static func ruleGroup(_ code: DiagnosticCode) -> String {
    switch code.rawValue.dropFirst(2).prefix(2) {
    case "00": "lexical"
    case "01": "syntax"
    case "02": "names"
    case "03": "ordering"
    case "04": "ownership"
    case "05": "gates"
    case "06": "time"
    case "07": "limits"
    default: "suppressions"
    }
  }

  private static func level(_ severity: Severity) -> String {
    switch severity {
    case .error: "error"
    case .warning: "warning"
    case .note: "note"
    }
  }

  /// `unknownKeyword` → `UnknownKeyword`.
  private static func ruleName(_ code: DiagnosticCode) -> String {
    let name = String(describing: code)
    return name.prefix(1).uppercased() + name.dropFirst()
  }

  /// A relative path as a URI reference: `/` kept, everything outside the unreserved set
  /// percent-encoded.
  static func uri(_ path: String) -> String {
    var output = ""
    for byte in path.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
        UInt8(ascii: "~"), UInt8(ascii: "/"):
        output.append(Character(Unicode.Scalar(byte)))
      default:
        output += "%" + hex(byte)
      }
    }
    return output
  }
}
