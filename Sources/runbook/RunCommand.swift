// `runbook run …`: a run of a runbook on the day. Each command finds the journal, locks it, reads
// and checks it, compiles the runbook it follows (refusing one whose source changed since the
// start, until the change is acknowledged), replays the entries through the library's state
// machine, and then either shows the run (status, report, verify) or appends one entry that the
// state machine accepted. A refusal prints what is missing and who can do it, records nothing,
// and exits 1.
import Foundation
import RunbookKit

#if canImport(Glibc)
  import Glibc
#endif

struct RunCommand {
  let options: RunOptions

  func run() -> ExitStatus {
    switch options.action {
    case .start: return start()
    case .verify: return verify()
    case .repair: return repair()
    case .status, .report: return show()
    case .anchor, .sign, .decide, .deviate, .note: return record()
    }
  }

  // MARK: - Start

  private func start() -> ExitStatus {
    let runbookPath = options.operands[0]
    guard let loaded = loadRunbook(runbookPath) else { return .inputErrors }
    let journalPath = options.journal ?? environmentJournal ?? beside(runbookPath)
    let file: JournalFile
    let bytes: [UInt8]
    if fileKind(journalPath) == nil {
      let created = JournalFile.create(journalPath)
      guard case .success(let new) = created else { return ioFailure(created) }
      (file, bytes) = (new, [])
    } else {
      guard let (existing, read) = openJournalBytes(journalPath, exclusive: true) else { return .usageOrIO }
      (file, bytes) = (existing, read)
    }
    var previous = journalGenesis
    var sequence = 1
    var lastRecorded = Int.min
    if !bytes.isEmpty {
      let reading = readJournal(bytes)
      if let problem = reading.problem { return refuse(journalPath, "the journal is damaged: \(problem.message)", help: ["run `runbook run verify --journal \(journalPath)` to see it; nothing is appended to a damaged journal"]) }
      guard options.restart else {
        let run = RunState.currentRun(reading.entries)
        return refuse(journalPath, "the journal already holds a run, started \(utcTimestamp(run.first?.at ?? 0)) by \(run.first?.actor ?? "")",
          help: ["continue it (`runbook run status`), or begin again with `runbook run start \(runbookPath) --restart --reason TEXT` (the earlier run stays in the journal)"])
      }
      previous = reading.finalHash
      sequence = reading.entries.count + 1
      lastRecorded = reading.entries.last?.recorded ?? Int.min
    } else if options.restart {
      return refuse(journalPath, "there is no run to restart", help: ["leave out --restart"])
    }
    let now = max(clockNow(), lastRecorded)
    var entry = JournalEntry(sequence: sequence, recorded: now, at: now, action: .start, actor: options.actor ?? loginName(), previous: previous)
    entry.runbook = RunbookIdentity(
      path: recordedPath(runbookPath, journal: journalPath), title: loaded.graph.title, version: loaded.graph.version,
      sha256: sha256Hex(loaded.source.bytes))
    entry.anchor = (options.anchorAt ?? loaded.graph.anchorTime)?.written
    entry.reason = options.reason
    entry.note = options.note
    if let at = options.at {
      guard let instant = parseWhen(at, zone: displayZone(nil), now: now) else { return badTime(at) }
      entry.at = instant
    }
    var state = RunState(graph: graphWithAnchor(loaded.graph))
    do throws(RunRefusal) { try state.apply(entry) } catch { return refuse(journalPath, error.message, help: error.help) }
    guard append(entry, to: file) else { return .usageOrIO }
    Output.standard("recorded entry \(entry.sequence) in \(journalPath): run of \"\(visible(loaded.graph.title))\" started by \(visible(entry.actor))\n")
    Output.standard(RunStatusText.next(state, zone: displayZone(state.anchor)))
    return .success
  }

  // MARK: - Recording

  private func record() -> ExitStatus {
    guard let journalPath = findJournal() else { return .usageOrIO }
    guard let (file, bytes) = openJournalBytes(journalPath, exclusive: true) else { return .usageOrIO }
    // A write cut off by a crash is moved aside (and that recorded) before anything else.
    let reading: JournalReading
    switch moveTornTail(journalPath, file: file, bytes: bytes, reading: readJournal(bytes), reason: "the previous write was cut off before it finished") {
    case .success(let read): reading = read
    case .failure(let status): return status
    }
    if let problem = reading.problem {
      return refuse(journalPath, "the journal is damaged: \(problem.message)", help: ["nothing is appended to a damaged journal; `runbook run verify` shows the damage"])
    }
    let run: LoadedRun
    switch loadRun(reading, journal: journalPath) {
    case .success(let loadedRun): run = loadedRun
    case .failure(let status): return status
    }
    let (loaded, runbookPath, recorded) = (run.loaded, run.runbookPath, run.recorded)
    var state = run.state
    let sourceHash = sha256Hex(loaded.source.bytes)
    let changed = state.runbook?.sha256 != sourceHash
    let acknowledging = options.action == .deviate && options.deviation == .runbookChanged
    if changed && !acknowledging {
      return refuse(journalPath, "\(runbookPath) changed since the run started (SHA-256 \(String((state.runbook?.sha256 ?? "").prefix(12)))… then, \(sourceHash.prefix(12))… now)",
        help: ["check the change; then either restart the run (`runbook run start \(runbookPath) --restart --reason TEXT`) or go on with it recorded as a deviation: `runbook run deviate --runbook-changed --as ROLE --by NAME --reason TEXT`"])
    }
    if acknowledging && !changed {
      return refuse(journalPath, "\(runbookPath) has not changed since the run started", help: ["there is nothing to acknowledge"])
    }
    let last = reading.entries.last
    let now = max(clockNow(), last?.recorded ?? Int.min)
    var entry = JournalEntry(
      sequence: reading.entries.count + 1, recorded: now, at: now, action: journalAction, actor: options.actor ?? loginName(),
      previous: reading.finalHash)
    entry.role = options.role
    entry.note = options.note
    entry.reason = options.reason
    entry.values = options.values
    entry.meaning = options.meaning
    if let at = options.at {
      guard let instant = parseWhen(at, zone: displayZone(state.anchor), now: now) else { return badTime(at) }
      guard instant <= now else { return refuse(journalPath, "--at \(at) is in the future", help: ["record things when they have happened"]) }
      entry.at = instant
    }
    switch options.action {
    case .anchor:
      let text = options.operands[0]
      if text == "now" {
        entry.anchor = AnchorTime(instant: entry.at, zone: displayZone(state.anchor)).written
      } else {
        switch AnchorTime.parse(text) {
        case .success(let time): entry.anchor = time.written
        case .failure:
          guard let instant = parseWhen(text, zone: displayZone(state.anchor), now: now) else { return badTime(text) }
          entry.anchor = AnchorTime(instant: instant, zone: displayZone(state.anchor)).written
        }
      }
    case .sign:
      entry.target = options.operands[0]
      if entry.meaning == nil { entry.meaning = defaultMeaning(entry.target ?? "", state: state) }
    case .decide:
      entry.target = options.operands[0]
      entry.decision = Decision(rawValue: options.operands[1].replacingOccurrences(of: "-", with: "_"))
      if options.againstCriteria { entry.deviation = .criteria }
    case .deviate:
      entry.deviation = options.deviation
      if options.deviation == .runbookChanged {
        entry.runbook = RunbookIdentity(path: recorded.path, title: loaded.graph.title, version: loaded.graph.version, sha256: sourceHash)
      } else {
        entry.target = options.operands[0]
      }
    case .note:
      entry.note = options.operands[0]
    default: break
    }
    do throws(RunRefusal) { try state.apply(entry) } catch { return refuse(journalPath, error.message, help: error.help) }
    guard append(entry, to: file) else { return .usageOrIO }
    Output.standard(RunStatusText.confirmation(entry, state: state, zone: displayZone(state.anchor)))
    Output.standard(RunStatusText.next(state, zone: displayZone(state.anchor)))
    return .success
  }

  private var journalAction: JournalAction {
    switch options.action {
    case .anchor: .anchor
    case .sign: .sign
    case .decide: .decide
    case .deviate: .deviate
    default: .note
    }
  }

  /// Performed, or verified for a step that verifies another, or approved for a sign-off.
  private func defaultMeaning(_ target: String, state: RunState) -> SignatureMeaning {
    guard let node = state.node(named: target) else { return .performed }
    switch state.graph.nodes[node] {
    case .step(let index): return state.graph.steps[index].verifies == nil ? .performed : .verified
    case .signoff: return .approved
    default: return .performed
    }
  }

  // MARK: - Showing

  private func show() -> ExitStatus {
    guard let journalPath = findJournal() else { return .usageOrIO }
    guard let (_, reading) = openJournal(journalPath, exclusive: false) else { return .usageOrIO }
    let run: LoadedRun
    switch loadRun(reading, journal: journalPath) {
    case .success(let loadedRun): run = loadedRun
    case .failure(let status): return status
    }
    let (loaded, runbookPath, state) = (run.loaded, run.runbookPath, run.state)
    let sourceHash = sha256Hex(loaded.source.bytes)
    let context = RunContext(
      state: state, schedule: Schedule.compute(loaded.graph), journalName: (journalPath as NSString).lastPathComponent,
      finalHash: reading.finalHash, entryCount: reading.entries.count, problem: reading.problem,
      sourceChanged: state.runbook?.sha256 != sourceHash, now: max(clockNow(), reading.entries.last?.recorded ?? 0),
      zone: displayZone(state.anchor))
    if options.action == .status {
      Output.standard(RunStatusText.render(context))
      if let problem = reading.problem { Output.error("\(visible(journalPath)): error: \(problem.message)\n") }
      return reading.problem == nil ? .success : .inputErrors
    }
    if let problem = reading.problem {
      return refuse(journalPath, "the journal is damaged, so no report is made: \(problem.message)", help: ["`runbook run verify` shows the damage"])
    }
    let output: RenderedDocument
    switch options.target ?? .markdown {
    case .markdown: output = RenderedDocument(copying: Array(RunReport.markdown(context).utf8))
    case .json: output = RenderedDocument(copying: RunReport.json(context))
    case .html:
      // The plan on the printout is dated by the run's T (recorded, or given at the start).
      var dated = state.graph
      dated.anchorTime = state.anchor ?? dated.anchorTime
      let plan = Plan(graph: dated, diagnostics: loaded.diagnostics)
      output = HTMLBackend.renderBytes(plan, sourceName: (runbookPath as NSString).lastPathComponent, sourceBytes: loaded.source.bytes, run: context)
    }
    let path = options.outputPath ?? "-"
    if path != "-", let journal = fileIdentity(journalPath), let target = fileIdentity(path), journal == target {
      Output.error("\(visible(path)): error: this is the journal itself; refusing to write the report over it\n")
      return .usageOrIO
    }
    switch writeFile(output, to: path) {
    case .success: return .success
    case .failure(let problem):
      Output.error("\(visible(problem.path)): error: \(problem.message)\n")
      return .usageOrIO
    }
  }

  // MARK: - Repair

  /// Moves a torn last line into `JOURNAL.torn-N` (created new, flushed), cuts the journal back
  /// to its last whole entry, and records a `repair` entry naming the saved file, its length and
  /// its SHA-256. Any other damage is left as it is, for review.
  private func repair() -> ExitStatus {
    guard let journalPath = findJournal() else { return .usageOrIO }
    guard let (file, bytes) = openJournalBytes(journalPath, exclusive: true) else { return .usageOrIO }
    let reading = readJournal(bytes)
    guard let problem = reading.problem, problem.kind == .torn, !reading.entries.isEmpty else {
      let why = reading.problem.map { "the journal's damage is not a torn last line: \($0.message)" } ?? "the journal is not damaged"
      return refuse(journalPath, why, help: ["only a line cut off by a crash is repaired; other damage stays in the file for review (`runbook run verify`)"])
    }
    switch moveTornTail(journalPath, file: file, bytes: bytes, reading: reading, reason: options.reason ?? "") {
    case .success: return .success
    case .failure(let status): return status
    }
  }

  /// Saves the torn last line's bytes in `JOURNAL.torn-N` (a new file, flushed), cuts the journal
  /// back to its last whole entry, and appends a `repair` entry that names the saved file, its
  /// length and its SHA-256; says so, and gives the journal as it now is. A torn line is a write
  /// that never finished, so never one that was confirmed to anybody.
  private func moveTornTail(
    _ journalPath: String, file: JournalFile, bytes: [UInt8], reading: JournalReading, reason: String
  ) -> Result<JournalReading, ExitStatus> {
    guard let problem = reading.problem, problem.kind == .torn else { return .success(reading) }
    let keep = bytes.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
    let torn = Array(bytes[keep...])
    var savedPath = journalPath + ".torn-\(problem.entry)"
    var suffix = 1
    while fileKind(savedPath) != nil {
      suffix += 1
      savedPath = journalPath + ".torn-\(problem.entry)-\(suffix)"
    }
    if let failure = saveNew(torn, to: savedPath) ?? file.truncate(to: keep) {
      Output.error("\(visible(failure.path)): error: \(failure.message)\n")
      return .failure(.usageOrIO)
    }
    let now = max(clockNow(), reading.entries.last?.recorded ?? Int.min)
    var entry = JournalEntry(
      sequence: reading.entries.count + 1, recorded: now, at: now, action: .repair, actor: options.actor ?? loginName(), previous: reading.finalHash)
    entry.reason = reason
    entry.values = [
      JournalValue(name: "torn_entry", value: "\(problem.entry)"), JournalValue(name: "torn_bytes", value: "\(torn.count)"),
      JournalValue(name: "torn_sha256", value: sha256Hex(torn)), JournalValue(name: "saved_as", value: (savedPath as NSString).lastPathComponent),
    ]
    let line = entry.encode()
    if let failure = file.append(line) {
      Output.error("\(visible(failure.path)): error: \(failure.message)\n")
      return .failure(.usageOrIO)
    }
    Output.error("\(visible(journalPath)): entry \(problem.entry) was cut off by a crash before it was finished (it was never confirmed); its \(torn.count) bytes are saved in \(visible(savedPath)) and entry \(entry.sequence) records the repair\n")
    return .success(readJournal(Array(bytes[..<keep]) + line))
  }

  /// Writes a new file that must not exist yet, and flushes it.
  private func saveNew(_ bytes: [UInt8], to path: String) -> FileProblem? {
    let descriptor = withCPath(path) { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444) }
    guard descriptor >= 0 else { return FileProblem(path: path, message: "cannot save the torn line: \(reason(errno))") }
    defer { close(descriptor) }
    if let code = writeAll(descriptor, bytes) { return FileProblem(path: path, message: "cannot save the torn line: \(reason(code))") }
    guard fsync(descriptor) == 0 else { return FileProblem(path: path, message: "cannot save the torn line: \(reason(errno))") }
    syncFolder(of: path)
    return nil
  }

  // MARK: - Verify

  private func verify() -> ExitStatus {
    var runbookOverride: String?
    var journalPath: String
    if let operand = options.operands.first {
      if operand.hasSuffix(".runbook") {
        runbookOverride = operand
        journalPath = options.journal ?? beside(operand)
      } else {
        journalPath = operand
      }
    } else {
      guard let found = findJournal() else { return .usageOrIO }
      journalPath = found
    }
    guard let (_, reading) = openJournal(journalPath, exclusive: false) else { return .usageOrIO }
    let name = visible(journalPath)
    if let problem = reading.problem {
      Output.error("\(name): error: \(problem.message)\n")
      Output.error("  help: the \(plural(reading.entries.count, "entry")) before it are intact (last hash \(reading.finalHash)); keep the file as it is for review\n")
      return .inputErrors
    }
    let run = RunState.currentRun(reading.entries)
    guard let recorded = run.first?.runbook else {
      Output.error("\(name): error: the journal does not start a run\n")
      return .inputErrors
    }
    let runbookPath = runbookOverride ?? resolvedRunbookPath(recorded.path, journal: journalPath)
    guard let loaded = loadRunbook(runbookPath) else { return .inputErrors }
    let sourceHash = sha256Hex(loaded.source.bytes)
    switch RunState.replay(run, graph: loaded.graph) {
    case .failure(let failure):
      Output.error("\(name): error: entry \(failure.entry.sequence) breaks the rules of \(visible(runbookPath)): \(visible(failure.refusal.message))\n")
      Output.error("  help: this tool never records such an entry; the journal was written by hand or belongs to another runbook\n")
      return .inputErrors
    case .success(let state):
      if state.runbook?.sha256 != sourceHash {
        Output.error("\(name): error: \(visible(runbookPath)) is not the runbook the run follows (SHA-256 \(sourceHash.prefix(12))…, the journal has \((state.runbook?.sha256 ?? "").prefix(12))…)\n")
        Output.error("  help: verify against the runbook as it was: `runbook run verify FILE.runbook --journal \(name)`\n")
        return .inputErrors
      }
      let runs = reading.entries.filter { $0.action == .start }.count
      var summary = "\(name): ok: \(plural(reading.entries.count, "entry"))"
      if runs > 1 { summary += " in \(runs) runs" }
      summary += ", hash chain intact, every entry follows the rules of \(visible(runbookPath))"
      summary += state.ending.map { "; run finished: " + state.endingText($0) } ?? "; run in progress"
      Output.standard(summary + "\nfinal hash \(reading.finalHash)\n")
      return .success
    }
  }

  // MARK: - Helpers

  /// The journal opened and locked, with its bytes; nil (the reason printed) when it cannot be.
  private func openJournalBytes(_ path: String, exclusive: Bool) -> (JournalFile, [UInt8])? {
    let opened = JournalFile.open(path, exclusive: exclusive)
    guard case .success(let file) = opened else {
      _ = ioFailure(opened)
      return nil
    }
    let read = file.contents()
    guard case .success(let bytes) = read else {
      _ = ioFailure(read)
      return nil
    }
    return (file, bytes)
  }

  /// The journal opened, locked and read.
  private func openJournal(_ path: String, exclusive: Bool) -> (JournalFile, JournalReading)? {
    openJournalBytes(path, exclusive: exclusive).map { ($0.0, readJournal($0.1)) }
  }

  /// A journal's current run with its runbook compiled and its entries replayed.
  private struct LoadedRun {
    var recorded: RunbookIdentity
    var runbookPath: String
    var loaded: (source: SourceFile, graph: RunbookGraph, diagnostics: [Diagnostic])
    var state: RunState
  }

  /// Finds, compiles and replays the current run; on failure, says why and gives the status.
  private func loadRun(_ reading: JournalReading, journal: String) -> Result<LoadedRun, ExitStatus> {
    let entries = RunState.currentRun(reading.entries)
    guard let recorded = entries.first?.runbook else {
      let why = reading.problem.map { ": " + $0.message } ?? ""
      return .failure(refuse(journal, "the journal does not start a run" + why, help: ["`runbook run verify` says more"]))
    }
    let runbookPath = resolvedRunbookPath(recorded.path, journal: journal)
    guard let loaded = loadRunbook(runbookPath) else { return .failure(.inputErrors) }
    switch RunState.replay(entries, graph: loaded.graph) {
    case .success(let state):
      return .success(LoadedRun(recorded: recorded, runbookPath: runbookPath, loaded: loaded, state: state))
    case .failure(let failure):
      return .failure(refuse(
        journal, "entry \(failure.entry.sequence) does not fit the runbook as it is now: \(failure.refusal.message)",
        help: ["the journal belongs to another version of \(runbookPath); restore that version, or restart the run (`runbook run verify` checks the journal against a runbook)"]))
    }
  }

  /// Appends an accepted entry; false (the reason printed) when the write fails.
  private func append(_ entry: JournalEntry, to file: JournalFile) -> Bool {
    var entry = entry
    guard let problem = file.append(entry.encode()) else { return true }
    Output.error("\(visible(problem.path)): error: \(problem.message)\n")
    return false
  }

  private var environmentJournal: String? {
    ProcessInfo.processInfo.environment["RUNBOOK_JOURNAL"].flatMap { $0.isEmpty ? nil : $0 }
  }

  /// The journal: --journal, RUNBOOK_JOURNAL, or the only `*.journal` in the current folder.
  private func findJournal() -> String? {
    if let path = options.journal ?? environmentJournal { return path }
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: ".")) ?? []).filter { $0.hasSuffix(".journal") }.sorted()
    if names.count == 1 { return names[0] }
    Output.error(names.isEmpty
      ? "runbook: error: no journal here; name it with --journal J, or begin a run with `runbook run start FILE`\n"
      : "runbook: error: more than one journal here (\(names.map(visible).joined(separator: ", "))); choose one with --journal J\n")
    return nil
  }

  /// `upgrade.runbook` → `upgrade.journal`, beside it.
  private func beside(_ runbookPath: String) -> String {
    (runbookPath.hasSuffix(".runbook") ? String(runbookPath.dropLast(8)) : runbookPath) + ".journal"
  }

  /// The runbook's path as the journal records it: its name when it is beside the journal,
  /// otherwise its absolute path.
  private func recordedPath(_ runbook: String, journal: String) -> String {
    if folderOf(absolutePath(runbook)) == folderOf(absolutePath(journal)) { return (runbook as NSString).lastPathComponent }
    return absolutePath(runbook)
  }

  private func resolvedRunbookPath(_ recorded: String, journal: String) -> String {
    if recorded.hasPrefix("/") { return recorded }
    switch folderOf(journal) {
    case ".": return recorded
    case "/": return "/" + recorded
    case let folder: return folder + "/" + recorded
    }
  }

  private func loadRunbook(_ path: String) -> (source: SourceFile, graph: RunbookGraph, diagnostics: [Diagnostic])? {
    guard let source = readSingleInput(path) else { return nil }
    let compilation = Compiler.compile(source)
    let renderer = DiagnosticRenderer(color: Output.useColor(STDERR_FILENO))
    if compilation.hasErrors {
      Output.error(compilation.diagnostics.filter { $0.severity == .error }.map { renderer.render($0, in: source) }.joined())
      Output.error("\(visible(path)): a runbook with errors cannot be run; fix them first (`runbook check \(visible(path))`)\n")
      return nil
    }
    guard let graph = compilation.graph else { return nil }
    return (source, graph, compilation.diagnostics)
  }

  private func graphWithAnchor(_ graph: RunbookGraph) -> RunbookGraph {
    var dated = graph
    if let time = options.anchorAt { dated.anchorTime = time }
    return dated
  }

  /// Now, from RUNBOOK_NOW (for tests) or the system clock, in seconds since 1970 UTC.
  private func clockNow() -> Int {
    if let text = ProcessInfo.processInfo.environment["RUNBOOK_NOW"], !text.isEmpty {
      if let seconds = parseUTCTimestamp(text) { return seconds }
      if case .success(let time) = AnchorTime.parse(text) { return time.seconds }
    }
    return Int(time(nil))
  }

  /// The zone times are shown in: T's, or this machine's.
  private func displayZone(_ anchor: AnchorTime?) -> String {
    if let anchor { return anchor.zone }
    let identifier = TimeZone.current.identifier
    return identifier.contains("/") ? identifier : "UTC"
  }

  private func loginName() -> String {
    if let name = ProcessInfo.processInfo.environment["USER"], !name.isEmpty { return name }
    return "unknown"
  }

  private func badTime(_ text: String) -> ExitStatus {
    Output.error("runbook: error: `\(visible(text))` is not a time\n  help: write '2026-12-05 22:15 Europe/Berlin', '2026-12-05T22:15+01:00' or '22:15' (today)\n")
    return .usageOrIO
  }

  private func refuse(_ journal: String, _ message: String, help: [String]) -> ExitStatus {
    var text = "\(visible(journal)): refused: \(visible(message))\n"
    for line in help { text += "  help: \(visible(line))\n" }
    Output.error(text + "  nothing was recorded\n")
    return .inputErrors
  }

  private func ioFailure<T>(_ result: Result<T, FileProblem>) -> ExitStatus {
    if case .failure(let problem) = result { Output.error("\(visible(problem.path)): error: \(problem.message)\n") }
    return .usageOrIO
  }
}

/// Reads a time given on the command line: a full date, time and zone; a date and time in
/// `zone`; or a time of day, today in `zone`.
func parseWhen(_ text: String, zone: String, now: Int) -> Int? {
  if text == "now" { return now }
  if case .success(let time) = AnchorTime.parse(text) { return time.seconds }
  if case .success(let time) = AnchorTime.parse(text + " " + zone) { return time.seconds }
  let today = String(AnchorTime(instant: now, zone: zone).written.prefix(10))
  if case .success(let time) = AnchorTime.parse(today + " " + text + " " + zone) { return time.seconds }
  return nil
}
