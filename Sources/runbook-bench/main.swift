// runbook-bench: generates realistic runbooks of 1k, 10k, 100k and 1M steps and measures the
// release `runbook` binary on them — check, Markdown, JSON and plan: wall time, steps/s, MB/s
// and peak memory — beside two baselines on the same data: `wc -l` on the source and Python's
// `json.load` on runbook's own JSON. Then it checks the project's targets and exits 1 if one is
// missed. Run: swift build -c release && .build/release/runbook-bench [--sizes 1000,10000]
// (`--emit STEPS FILE` writes one generated runbook, for profiling a single command;
// `--probes` runs only the scaling probes of input shapes that were once quadratic.)
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

// MARK: - Generating runbooks

/// A runbook of `steps` steps: stages of 50 steps, every third one parallel; multi-owner steps;
/// `after` edges to the previous stage; a gate with a rollback every 20 stages; durations on
/// some steps; a window tying one stage to the anchor and wide windows on a few steps.
func generate(steps total: Int) -> String {
  var lines = ["runbook \"Generated upgrade of \(total) steps\" {", "  anchor T \"Cut-over\""]
  let roles = ["vendor", "customer", "engineer", "qa", "support"]
  for role in roles { lines.append("  role \(role) \"\(role.capitalized)\"") }
  var step = 0
  var stage = 0
  var rollbacks: [String] = []
  while step < total {
    stage += 1
    let parallel = stage % 3 == 0
    lines.append("  stage st\(stage) \"Stage \(stage)\"\(parallel ? " parallel" : "") owner \(roles[stage % roles.count]) {")
    if stage == 3 { lines.append("    window T-1w..T+5000w") }
    let firstOfStage = step + 1
    for index in 0..<50 where step < total {
      step += 1
      var line = "    step s\(step) \"Check item \(step)\""
      if index % 7 == 3 { line += " owner \(roles[step % 5]) and \(roles[(step + 1) % 5])" }
      if index % 5 == 1 { line += " duration \(1 + step % 50)m..\(60 + step % 60)m" }
      if index % 11 == 5 && firstOfStage > 50 { line += " after s\(firstOfStage - 50 + index % 50)" }
      if index % 17 == 9 { line += " window T-1w..T+5000w" }
      lines.append(line)
    }
    if stage % 20 == 0 && step < total {
      step += 1
      let gate = "g\(stage)"
      lines += [
        "    gate \(gate) \"Go / No-Go \(stage)\" {", "      decided_by customer",
        "      criterion availability >= 99.9%", "      go -> s\(step + 1)",
        "      no_go -> rollback r\(stage) within 10h", "    }",
      ]
      rollbacks.append("  rollback r\(stage) \"Rollback \(stage)\" owner engineer {\n    step rb\(stage)a \"Restore\" duration 1h\n    step rb\(stage)b \"Verify\" duration 30m..1h\n  }")
      if step < total {
        step += 1
        lines.append("    step s\(step) \"Continue after gate \(stage)\"")
      }
    }
    lines.append("  }")
  }
  lines += rollbacks
  lines.append("  signoff \"Done\" by vendor")
  lines.append("}")
  return lines.joined(separator: "\n") + "\n"
}

// MARK: - Measuring

struct Measurement {
  var seconds: Double
  var peakBytes: Int
  var status: Int32
}

/// Runs a program with stdout to /dev/null (or a file) and returns its wall time and peak
/// resident memory, read from wait4's resource usage for that child alone.
func measure(_ executable: String, _ arguments: [String], stdout: String = "/dev/null", stdin: String = "/dev/null") -> Measurement {
  var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
  let argv = ([executable] + arguments).map { strdup($0) } + [nil]
  defer { for pointer in argv { free(pointer) } }
  var pid: pid_t = 0
  let start = DispatchTime.now().uptimeNanoseconds
  let spawned = posix_spawnp(&pid, executable, &actions, nil, argv, environ)
  posix_spawn_file_actions_destroy(&actions)
  guard spawned == 0 else {
    return Measurement(seconds: 0, peakBytes: 0, status: -1)
  }
  var status: Int32 = 0
  var usage = rusage()
  _ = wait4(pid, &status, 0, &usage)
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  return Measurement(seconds: seconds, peakBytes: Int(usage.ru_maxrss) * 1024, status: (status >> 8) & 0xFF)
}

/// The instructions a command executes (user space), counted by valgrind's callgrind, which is
/// exact and does not move with the machine's load; nil without valgrind. About fifty times
/// slower than running the command, so it is counted once, for sizes up to 100k steps.
func instructions(_ executable: String, _ arguments: [String]) -> Int? {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", executable] + arguments
  let errors = Pipe()
  process.standardOutput = FileHandle.nullDevice
  process.standardError = errors
  guard (try? process.run()) != nil else { return nil }
  let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  guard let line = text.split(separator: "\n").first(where: { $0.contains("Collected :") }),
    let count = line.split(separator: ":").last.map({ $0.trimmingCharacters(in: .whitespaces) }).flatMap({ Int($0) })
  else { return nil }
  return count
}

/// Whether valgrind is on PATH.
let haveValgrind: Bool = {
  let probe = Process()
  probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  probe.arguments = ["valgrind", "--version"]
  probe.standardOutput = FileHandle.nullDevice
  probe.standardError = FileHandle.nullDevice
  guard (try? probe.run()) != nil else { return false }
  probe.waitUntilExit()
  return probe.terminationStatus == 0
}()

/// The best of `runs` measurements (the least disturbed by the rest of the machine).
func best(_ runs: Int, _ body: () -> Measurement) -> Measurement {
  var result = body()
  for _ in 1..<max(runs, 1) {
    let next = body()
    if next.seconds < result.seconds { result = next }
  }
  return result
}

// MARK: - Main

var sizes = [1_000, 10_000, 100_000, 1_000_000]
var arguments = Array(CommandLine.arguments.dropFirst())
while let argument = arguments.first {
  arguments.removeFirst()
  if argument == "--sizes", let list = arguments.first {
    arguments.removeFirst()
    sizes = list.split(separator: ",").compactMap { Int($0) }
  } else if argument == "--probes" {
    // Only the scaling probes of the shapes that were once quadratic.
    sizes = []
  } else if argument == "--emit", arguments.count >= 2, let size = Int(arguments[0]) {
    // Writes one generated runbook and stops: the input for profiling a single command.
    try Data(generate(steps: size).utf8).write(to: URL(fileURLWithPath: arguments[1]))
    exit(0)
  } else {
    FileHandle.standardError.write(Data("usage: runbook-bench [--sizes 1000,10000,100000,1000000] | --probes | --emit STEPS FILE\n".utf8))
    exit(2)
  }
}

let binaryFolder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let runbook = binaryFolder.appendingPathComponent("runbook").path
guard FileManager.default.isExecutableFile(atPath: runbook) else {
  FileHandle.standardError.write(Data("runbook-bench: build the release binary first: swift build -c release\n".utf8))
  exit(2)
}
let work = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

print("runbook-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB; times are the best of 3 runs (1 for 1M steps)")
print("")
print("steps".padding(toLength: 10, withPad: " ", startingAt: 0) + "source MB  " + "command".padding(toLength: 22, withPad: " ", startingAt: 0) + "seconds    steps/s      MB/s   peak MB  peak/source  instr/byte")
var results: [Int: [String: Measurement]] = [:]
/// Instructions per command and size, when valgrind is there.
var instructionCounts: [Int: [String: Int]] = [:]
var sourceBytes: [Int: Int] = [:]
for size in sizes {
  let file = work.appendingPathComponent("generated-\(size).runbook")
  let text = generate(steps: size)
  try Data(text.utf8).write(to: file)
  sourceBytes[size] = text.utf8.count
  let json = work.appendingPathComponent("generated-\(size).json").path
  let runs = size >= 1_000_000 ? 1 : 3
  var row: [String: Measurement] = [:]
  row["check"] = best(runs) { measure(runbook, ["check", file.path]) }
  row["build --to markdown"] = best(runs) { measure(runbook, ["build", file.path, "--to", "markdown"]) }
  row["build --to json"] = best(runs) { measure(runbook, ["build", file.path, "--to", "json"], stdout: json) }
  row["plan"] = best(runs) { measure(runbook, ["plan", file.path]) }
  row["baseline: wc -l"] = best(runs) { measure("wc", ["-l", file.path]) }
  row["baseline: json.load"] = best(runs) { measure("python3", ["-c", "import json,sys; json.load(open(sys.argv[1]))", json]) }
  results[size] = row
  for name in ["check", "build --to markdown", "build --to json", "plan", "baseline: wc -l", "baseline: json.load"] {
    guard let m = row[name] else { continue }
    let megabytes = Double(text.utf8.count) / 1_048_576
    var line = String(size).padding(toLength: 10, withPad: " ", startingAt: 0)
    line += String(format: "%9.1f  ", megabytes)
    line += name.padding(toLength: 22, withPad: " ", startingAt: 0)
    line += String(format: "%7.3f %10.0f %9.1f %9.1f %12.1f", m.seconds, Double(size) / m.seconds, megabytes / m.seconds, Double(m.peakBytes) / 1_048_576, Double(m.peakBytes) / Double(text.utf8.count))
    if haveValgrind && size <= 100_000 && !name.hasPrefix("baseline") {
      let commandArguments: [String] = switch name {
      case "check": ["check", file.path]
      case "build --to markdown": ["build", file.path, "--to", "markdown"]
      case "build --to json": ["build", file.path, "--to", "json"]
      default: ["plan", file.path]
      }
      if let count = instructions(runbook, commandArguments) {
        line += String(format: "  %10.0f", Double(count) / Double(text.utf8.count))
        instructionCounts[size, default: [:]][name] = count
      }
    }
    if m.status != 0 && !name.hasPrefix("baseline") { line += "  (exit \(m.status))" }
    print(line)
  }
}

// MARK: - Targets

print("")
print("Targets")
var missed = 0
@MainActor func target(_ name: String, _ holds: Bool, _ detail: String) {
  print("  \(holds ? "met   " : "MISSED") \(name): \(detail)")
  if !holds { missed += 1 }
}
if let row = results[100_000] {
  target("check of 100k steps < 0.5 s", row["check"]!.seconds < 0.5, String(format: "%.3f s", row["check"]!.seconds))
  // "Well under a second": with room to spare for a slower machine.
  target("plan of 100k steps well under 1 s (< 0.7 s)", row["plan"]!.seconds < 0.7, String(format: "%.3f s", row["plan"]!.seconds))
  target("Markdown of 100k steps < 1 s", row["build --to markdown"]!.seconds < 1, String(format: "%.3f s", row["build --to markdown"]!.seconds))
  target("JSON of 100k steps < 1 s", row["build --to json"]!.seconds < 1, String(format: "%.3f s", row["build --to json"]!.seconds))
  let ratio = Double(row["check"]!.peakBytes) / Double(sourceBytes[100_000]!)
  target("check peak memory < 25x the source", ratio < 25, String(format: "%.1fx", ratio))
  target("check faster than json.load of the same runbook", row["check"]!.seconds < row["baseline: json.load"]!.seconds,
    String(format: "%.3f s vs %.3f s", row["check"]!.seconds, row["baseline: json.load"]!.seconds))
  if let counts = instructionCounts[100_000], let check = counts["check"] {
    let perByte = Double(check) / Double(sourceBytes[100_000]!)
    target("check: at most 120 instructions per source byte at 100k steps", perByte <= 120, String(format: "%.0f", perByte))
    for (name, limit) in [("plan", 1.5), ("build --to markdown", 1.5), ("build --to json", 2.5)] {
      guard let count = counts[name] else { continue }
      let ratio = Double(count) / Double(check)
      target("\(name): at most \(limit)x the instructions of check", ratio <= limit, String(format: "%.2fx", ratio))
    }
  }
  if let small = results[10_000] {
    for name in ["check", "build --to markdown", "build --to json", "plan"] {
      let growth = row[name]!.seconds / small[name]!.seconds
      target("\(name): 100k at most 12x the time of 10k", growth <= 12, String(format: "%.1fx", growth))
    }
  }
}
// MARK: - Scaling probes

// Input shapes that were once quadratic, each timed at N and 4N: a linear cost grows about 4x,
// and no command may grow more than 5x.
struct Probe {
  let name: String
  let size: Int
  let make: (Int) -> String
  let commands: [[String]]
}

func rolesShape(_ n: Int) -> String {
  var text = "runbook \"Roles\" {\n"
  for index in 0..<n { text += "  role r\(index) \"Role \(index)\"\n" }
  return text + "  stage s \"S\" owner r0 {\n    step \"x\"\n  }\n}\n"
}

func gatesShape(_ n: Int) -> String {
  var text = "runbook \"Gates\" {\n  role ops \"Ops\"\n  stage s \"S\" owner ops {\n"
  for index in 0..<n {
    text += "    step w\(index) \"Work \(index)\" duration 5m\n"
    text += "    gate g\(index) \"Gate \(index)\" {\n      decided_by ops\n      criterion \"ok\"\n      no_go -> rollback r\(index) within 1h\n    }\n"
  }
  text += "  }\n"
  for index in 0..<n { text += "  rollback r\(index) \"Undo \(index)\" owner ops {\n    step u\(index) \"Undo \(index)\" duration 10m\n  }\n" }
  return text + "}\n"
}

func misspeltShape(_ n: Int) -> String {
  var text = "runbook \"Misspelt\" {\n  role ops \"Ops\"\n  stage s \"S\" owner ops {\n"
  for index in 0..<n { text += "    step step_\(index) \"Step \(index)\"\n" }
  for index in 0..<100 { text += "    step \"Late \(index)\" after stpe_\(index * 7)\n" }
  return text + "  }\n}\n"
}

func parenthesesShape(_ n: Int) -> String { String(repeating: "(", count: n) }

let probes = [
  Probe(name: "8k roles (fmt alignment)", size: 8_000, make: rolesShape, commands: [["fmt", "-"]]),
  Probe(name: "gates each entering a rollback", size: 5_000, make: gatesShape,
    commands: [["check", "-"], ["build", "-", "--to", "markdown"], ["build", "-", "--to", "json"], ["plan", "-"], ["build", "-", "--to", "mermaid"]]),
  Probe(name: "100 misspelt references", size: 100_000, make: misspeltShape, commands: [["check", "-"]]),
  Probe(name: "a file of `(`", size: 1_000_000, make: parenthesesShape,
    commands: [["check", "-"], ["check", "--format", "json", "-"], ["plan", "-"], ["build", "-", "--to", "json"], ["fmt", "-"]]),
]
print("")
print("Scaling probes (N and 4N; a linear cost grows about 4x)")
for probe in probes {
  var timings: [[Double]] = []
  for size in [probe.size, probe.size * 4] {
    let file = work.appendingPathComponent("probe.runbook")
    try Data(probe.make(size).utf8).write(to: file)
    timings.append(probe.commands.map { command in
      best(3) { measure(runbook, command, stdin: file.path) }.seconds
    })
  }
  for (index, command) in probe.commands.enumerated() {
    let growth = timings[1][index] / max(timings[0][index], 0.0005)
    target("\(probe.name), \(command.joined(separator: " ")): N→4N at most 5x", growth <= 5,
      String(format: "%.3f s → %.3f s (%.1fx)", timings[0][index], timings[1][index], growth))
  }
}

let examples = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Examples").path
if FileManager.default.fileExists(atPath: examples) {
  let m = best(10) { measure(runbook, ["check", examples]) }
  target("check of Examples/ < 50 ms, process start included", m.seconds < 0.05, String(format: "%.1f ms", m.seconds * 1000))
}
// MARK: - The language server

/// `runbook lsp` on a 1,000-step runbook: after opening it, 40 edits, each sent alone and
/// answered with its diagnostics before the next; the time per edit is what a typist waits.
func languageServerRecheck(_ executable: String) -> Double? {
  let text = generate(steps: 1000)
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = ["lsp"]
  let input = Pipe()
  let output = Pipe()
  process.standardInput = input
  process.standardOutput = output
  process.standardError = FileHandle.nullDevice
  guard (try? process.run()) != nil else { return nil }
  var pending: [UInt8] = []
  func send(_ object: [String: Any]) {
    guard let body = try? JSONSerialization.data(withJSONObject: object) else { return }
    input.fileHandleForWriting.write(Data("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
  }
  /// Reads messages until one has this method (or, for nil, this id).
  func waitFor(method: String?, id: Int? = nil) -> Bool {
    while true {
      if let end = (0..<max(0, pending.count - 3)).first(where: { pending[$0] == 13 && pending[$0 + 1] == 10 && pending[$0 + 2] == 13 && pending[$0 + 3] == 10 }) {
        let header = String(decoding: pending[0..<end], as: UTF8.self)
        let length = Int(header.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
        if pending.count >= end + 4 + length {
          let body = Data(pending[(end + 4)..<(end + 4 + length)])
          pending.removeFirst(end + 4 + length)
          let message = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
          if let method, message["method"] as? String == method { return true }
          if let id, message["id"] as? Int == id { return true }
          continue
        }
      }
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { return false }
      pending += chunk
    }
  }
  send(["jsonrpc": "2.0", "id": 1, "method": "initialize", "params": ["capabilities": [String: Any]()]])
  guard waitFor(method: nil, id: 1) else { return nil }
  send(["jsonrpc": "2.0", "method": "initialized", "params": [String: Any]()])
  send(["jsonrpc": "2.0", "method": "textDocument/didOpen", "params": ["textDocument": ["uri": "file:///bench.runbook", "languageId": "runbook", "version": 1, "text": text]]])
  guard waitFor(method: "textDocument/publishDiagnostics") else { return nil }
  let edits = 40
  let start = Date()
  for edit in 0..<edits {
    // Type a character into the first step's title, as a keystroke would.
    let range: [String: Any] = ["start": ["line": 3, "character": 4], "end": ["line": 3, "character": 4]]
    send(["jsonrpc": "2.0", "method": "textDocument/didChange", "params": [
      "textDocument": ["uri": "file:///bench.runbook", "version": edit + 2],
      "contentChanges": [["range": range, "text": edit % 2 == 0 ? "#" : "\n"]],
    ] as [String: Any]])
    guard waitFor(method: "textDocument/publishDiagnostics") else { return nil }
  }
  let perEdit = Date().timeIntervalSince(start) / Double(edits)
  send(["jsonrpc": "2.0", "id": 2, "method": "shutdown"])
  _ = waitFor(method: nil, id: 2)
  send(["jsonrpc": "2.0", "method": "exit"])
  process.waitUntilExit()
  return perEdit
}

if let perEdit = languageServerRecheck(runbook) {
  target("runbook lsp: re-check after an edit of a 1,000-step runbook < 50 ms", perEdit < 0.05, String(format: "%.1f ms per edit", perEdit * 1000))
} else {
  target("runbook lsp: re-check after an edit of a 1,000-step runbook < 50 ms", false, "the server did not answer")
}
exit(missed == 0 ? 0 : 1)
