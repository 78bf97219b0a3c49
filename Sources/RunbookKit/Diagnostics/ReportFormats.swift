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

  private static func range(_ name: String, _ range: SourceRange, _ source: SourceFile, _ w: inout JSONWriter) {
    func position(_ name: String, _ offset: Int, _ w: inout JSONWriter) {
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
  public static func github(_ reports: [FileReport]) -> String {
    var output = ""
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
        output += "::\(command) file=\(githubProperty(report.path)),line=\(start.line),col=\(start.column),"
        output += "endLine=\(end.line),endColumn=\(end.column),title=\(githubProperty(diagnostic.code.rawValue + " " + diagnostic.code.title))"
        output += "::" + githubData(message) + "\n"
      }
    }
    return output
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

  /// A SARIF 2.1.0 log with one run: the tool with a rule per diagnostic code, and a result per
  /// diagnostic with its file (a relative URI) and full region. Columns count Unicode code points.
  public static func sarif(_ reports: [FileReport]) -> String {
    let codes = DiagnosticCode.allCases
    var ruleIndex: [DiagnosticCode: Int] = [:]
    for (index, code) in codes.enumerated() { ruleIndex[code] = index }
    var w = JSONWriter()
    w.object { w in
      w.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
      w.field("version", "2.1.0")
      w.array("runs") { w in
        w.object { w in
          w.object("tool") { w in
            w.object("driver") { w in
              w.field("name", "runbook")
              w.field("version", RunbookInfo.version)
              w.field("semanticVersion", RunbookInfo.version)
              w.array("rules") { w in
                for code in codes {
                  let explanation = code.explanation
                  w.object { w in
                    w.field("id", code.rawValue)
                    w.field("name", ruleName(code))
                    w.object("shortDescription") { w in w.field("text", code.title) }
                    w.object("fullDescription") { w in w.field("text", explanation.summary) }
                    w.object("help") { w in
                      w.field("text", explanation.summary + " Run `runbook explain \(code.rawValue)` for a wrong and a fixed example.")
                    }
                    w.object("defaultConfiguration") { w in w.field("level", level(code.defaultSeverity)) }
                  }
                }
              }
            }
          }
          w.field("columnKind", "unicodeCodePoints")
          w.array("results") { w in
            for report in reports {
              for diagnostic in report.diagnostics {
                w.object { w in
                  w.field("ruleId", diagnostic.code.rawValue)
                  w.field("ruleIndex", ruleIndex[diagnostic.code] ?? 0)
                  w.field("level", level(diagnostic.severity))
                  w.object("message") { w in
                    var text = diagnostic.message
                    if let help = diagnostic.help { text += " (help: \(help))" }
                    w.field("text", text)
                  }
                  w.array("locations") { w in location(report, diagnostic.range, &w) }
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
                  if !diagnostic.notes.contains(where: { $0.range == nil }) && !diagnostic.notes.isEmpty {
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
    w.object("artifactLocation") { w in
      if report.path.hasPrefix("/") {
        w.field("uri", "file://" + uri(report.path))
      } else {
        w.field("uri", uri(report.path))
        w.field("uriBaseId", "%SRCROOT%")
      }
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
