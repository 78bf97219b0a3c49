// runbook-bench: generates runbooks of 1k, 10k, 100k and 1M steps in three shapes and measures
// the release `runbook` binary on them — check, plan, Markdown, HTML and JSON: wall time,
// steps/s, MB/s, peak memory and (with valgrind) instructions per source byte — beside two
// baselines on the same data: `wc -l` on the source and Python's `json.load` on runbook's own
// JSON. Then it checks the project's targets and exits 1 if one is missed. Run: swift build -c release --static-swift-stdlib && .build/release/runbook-bench [--sizes 1000,10000]
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

/// A runbook of another shape, `steps` steps: stages of 40 steps, half of them parallel, each
/// with a window; most steps with two or three owners, long titles, and one to three `after`
/// edges (back within a sequential stage, anywhere within a parallel one, and into the stage
/// before); notes and records on some steps; a gate with a rollback every 10 stages.
func generateDense(steps total: Int) -> String {
  var lines = ["runbook \"Generated go-live of \(total) steps, dense\" {", "  anchor T \"Go-live\"", "  version \"2026.12\""]
  let roles = ["vendor_pm", "customer_lead", "engineer", "qa_analyst", "support_desk", "dba", "network"]
  for role in roles { lines.append("  role \(role) \"\(role.replacingOccurrences(of: "_", with: " ").capitalized)\"") }
  let words = ["Verify", "the", "interface", "engine", "configuration", "against", "the", "signed", "change", "request", "and", "record", "every", "deviation", "in", "the", "upgrade", "log", "before", "handing", "over"]
  var step = 0
  var stage = 0
  var rollbacks: [String] = []
  var previousStage: [Int] = []
  while step < total {
    stage += 1
    let parallel = stage % 2 == 0
    lines.append("  stage d\(stage) \"Stage \(stage): \(words[stage % words.count]) \(words[(stage + 3) % words.count]) and sign-off\"\(parallel ? " parallel" : "") owner \(roles[stage % roles.count]) {")
    lines.append("    window T-\(4 + stage % 20)w..T+\(4000 + stage % 1000)w")
    var thisStage: [Int] = []
    for index in 0..<40 where step < total {
      step += 1
      var title = "Step \(step):"
      for word in 0..<(8 + step % 12) { title += " " + words[(step + word * 7) % words.count] }
      var line = "    step x\(step) \"\(title)\""
      switch step % 4 {
      case 0: line += " owner \(roles[step % 7]) and \(roles[(step + 2) % 7])"
      case 1: line += " owner \(roles[step % 7]) or \(roles[(step + 3) % 7]) or \(roles[(step + 5) % 7])"
      case 2: line += " owner \(roles[step % 7]) and \(roles[(step + 1) % 7]) and \(roles[(step + 4) % 7])"
      default: break
      }
      line += " duration \(5 + step % 40)m..\(50 + step % 70)m"
      var targets: [Int] = []
      // Back within a sequential stage; anywhere earlier in a parallel one too, which has no order.
      if index > 0 { targets.append(thisStage[(step * 7) % index]) }
      if index > 2 && step % 3 == 0 { targets.append(thisStage[(step * 11) % (index - 1)]) }
      if !previousStage.isEmpty && step % 2 == 0 { targets.append(previousStage[step % previousStage.count]) }
      let unique = targets.reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
      if !unique.isEmpty { line += " after " + unique.map { "x\($0)" }.joined(separator: ", ") }
      if step % 5 == 0 {
        line += " {\n      note \"Check the \(words[step % words.count]) log on the console; escalate to the vendor if it differs.\"\n      record text \"Build number\"\n      record yes_no \"Any issues?\" if_yes \"Describe\"\n    }"
      }
      lines.append(line)
      thisStage.append(step)
    }
    if stage % 10 == 0 && step < total {
      step += 1
      lines += [
        "    gate dg\(stage) \"Go / No-Go after stage \(stage)\" {", "      decided_by customer_lead and vendor_pm",
        "      criterion \"All validation steps of the stage are initialled\"", "      criterion error_rate <= 0.5%",
        "      no_go_if latency > 2s", "      go -> x\(step + 1)", "      no_go -> rollback dr\(stage) within 12h", "    }",
      ]
      rollbacks.append("  rollback dr\(stage) \"Roll back stage \(stage)\" owner engineer {\n    step dr\(stage)a \"Restore the backup taken before stage \(stage)\" duration 2h\n    step dr\(stage)b \"Verify the restored system\" owner qa_analyst duration 30m..1h\n  }")
      if step < total {
        step += 1
        lines.append("    step x\(step) \"Continue after gate \(stage)\"")
        thisStage.append(step)
      }
    }
    lines.append("  }")
    previousStage = thisStage
  }
  lines += rollbacks
  lines.append("  signoff \"Technical sign-off\" by engineer")
  lines.append("  signoff \"Business sign-off\" by customer_lead")
  lines.append("}")
  return lines.joined(separator: "\n") + "\n"
}

/// A runbook of the shape of the checklists in `Examples/`, `steps` steps: steps without ids (so
/// each id is made from its title), titles of five to twelve words that repeat from area to
/// area, areas of 8–20 steps as parallel sub-stages of a phase with a deadline, a step in four
/// owned by someone other than its area, notes and records on some, a gate after every phase.
/// (The last gate leads to a closing stage: one step more than asked for.)
func generateTranscribed(steps total: Int) -> String {
  var lines = ["runbook \"Generated go-live checklist of \(total) steps\" {", "  system \"CareSync HMS\"", "  anchor T \"Go-live: deployment initiated\""]
  let roles = ["deployment_lead", "operations_lead", "support_lead", "communications_lead", "business_lead"]
  for role in roles { lines.append("  role \(role) \"\(role.replacingOccurrences(of: "_", with: " ").capitalized)\"") }
  let subjects = ["Production servers", "Load balancers", "Database cluster (primary + replicas)", "Redis cache cluster", "SSL certificates", "DNS records", "CDN for static assets", "Backup systems", "Firewall rules", "Multi-factor authentication for admins", "Security monitoring (IDS/IPS)", "Data migration", "User accounts", "Role assignments", "Email/SMS templates", "Training materials", "Help desk", "Rollback procedures"]
  let states = ["provisioned and healthy", "configured and tested", "operational", "valid and auto-renewing", "validated and documented", "completed and signed off", "distributed and reviewed", "active and alerting on-call"]
  var step = 0
  var phase = 0
  while step < total {
    phase += 1
    lines.append("  stage phase_\(phase) \"Phase \(phase): checklist (complete 48 hours before go-live)\" {")
    lines.append("    deadline T-\(48 + phase)h")
    for area in 0..<6 where step < total {
      lines.append("    stage area_\(phase)_\(area) \"\(subjects[(phase + area) % subjects.count]) area\" parallel owner \(roles[(phase + area) % roles.count]) {")
      for index in 0..<(8 + (phase * 7 + area * 5) % 13) where step < total {
        step += 1
        var line = "      step \"\(subjects[(step * 5 + index) % subjects.count]) \(states[(step + area) % states.count])\""
        if step % 4 == 0 { line += " owner \(roles[(step / 4) % roles.count])" }
        if step % 9 == 0 { line += " duration \(10 + step % 50)m" }
        if step % 6 == 0 {
          line += " {\n        note \"Confirm with the vendor's engineer on the bridge call before ticking this off.\"\n        record initials \"Checked by\"\n        record text \"Ticket number\"\n      }"
        }
        lines.append(line)
      }
      lines.append("    }")
    }
    if step < total {
      step += 1
      lines += [
        "    gate \"Go / No-Go for phase \(phase)\" {", "      decided_by business_lead or deployment_lead",
        "      criterion \"All items of the phase are initialled and all is per expectations\"",
        "      criterion availability >= 99.9% \"System availability\"",
        "      go -> \(step < total ? "phase_\(phase + 1)" : "closing")", "      no_go -> stop", "    }",
      ]
    }
    lines.append("  }")
  }
  lines.append("  stage closing \"Closing\" owner support_lead {\n    step \"Hand over to the support desk\"\n  }")
  lines.append("  signoff \"Go-live accepted\" by business_lead")
  lines.append("}")
  return lines.joined(separator: "\n") + "\n"
}

// MARK: - Measuring

struct Measurement {
  var seconds: Double
  var peakBytes: Int
  var status: Int32
}

/// GNU time, which reports the peak memory of the program it runs. The peak that wait4 gives for
/// a child spawned from here is no lower than this benchmark's own high-water mark (the child
/// starts in a copy of this process's memory), which the generated runbooks of a million steps
/// raise to hundreds of megabytes; `time` is a small process, so what it reports is the
/// program's own.
let gnuTime: String? = FileManager.default.isExecutableFile(atPath: "/usr/bin/time") ? "/usr/bin/time" : nil

/// Runs a program with stdout to /dev/null (or a file) and returns its wall time and peak
/// resident memory: GNU time's report when it is installed, else wait4's resource usage.
func measure(_ executable: String, _ arguments: [String], stdout: String = "/dev/null", stdin: String = "/dev/null") -> Measurement {
  guard let gnuTime else { return spawnAndWait(executable, arguments, stdout: stdout, stdin: stdin) }
  let report = work.appendingPathComponent("peak-\(getpid()).txt").path
  var result = spawnAndWait(gnuTime, ["-f", "%M", "-o", report, executable] + arguments, stdout: stdout, stdin: stdin)
  if let text = try? String(contentsOfFile: report, encoding: .utf8),
    let kilobytes = text.split(separator: "\n").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
  {
    result.peakBytes = kilobytes * 1024
  }
  return result
}

/// Spawns a program and waits for it: wall time, wait4's peak memory, exit status.
func spawnAndWait(_ executable: String, _ arguments: [String], stdout: String, stdin: String) -> Measurement {
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
func instructions(_ executable: String, _ arguments: [String], stdin: String? = nil) -> Int? {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", executable] + arguments
  let errors = Pipe()
  if let stdin {
    guard let input = FileHandle(forReadingAtPath: stdin) else { return nil }
    process.standardInput = input
  } else {
    process.standardInput = FileHandle.nullDevice
  }
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
    // `--emit-dense` and `--emit-transcribed` write the other shapes.
    try Data(generate(steps: size).utf8).write(to: URL(fileURLWithPath: arguments[1]))
    exit(0)
  } else if argument == "--emit-dense", arguments.count >= 2, let size = Int(arguments[0]) {
    try Data(generateDense(steps: size).utf8).write(to: URL(fileURLWithPath: arguments[1]))
    exit(0)
  } else if argument == "--emit-transcribed", arguments.count >= 2, let size = Int(arguments[0]) {
    try Data(generateTranscribed(steps: size).utf8).write(to: URL(fileURLWithPath: arguments[1]))
    exit(0)
  } else {
    FileHandle.standardError.write(Data("usage: runbook-bench [--sizes 1000,10000,100000,1000000] | --probes | --emit STEPS FILE | --emit-dense STEPS FILE | --emit-transcribed STEPS FILE\n".utf8))
    exit(2)
  }
}

let binaryFolder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let runbook = binaryFolder.appendingPathComponent("runbook").path
guard FileManager.default.isExecutableFile(atPath: runbook) else {
  FileHandle.standardError.write(Data("runbook-bench: build the release binary first: swift build -c release --static-swift-stdlib\n".utf8))
  exit(2)
}
/// How the measured binary links the Swift runtime, from `ldd`: the README installs it with the
/// runtime linked in (`--static-swift-stdlib`), which spares every run the loading and binding
/// of the runtime's shared libraries (about 13 million instructions, a few milliseconds).
func linkage(of binary: String) -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
  process.arguments = [binary]
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = FileHandle.nullDevice
  guard (try? process.run()) != nil else { return "linkage unknown (no ldd)" }
  let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  return output.contains("libswiftCore")
    ? "Swift runtime from shared libraries (build with --static-swift-stdlib to measure the binary the README installs)"
    : "Swift runtime linked in (--static-swift-stdlib, as the README installs it)"
}

let work = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

/// The commands measured on every generated runbook, with their arguments after the file.
let commands: [(name: String, arguments: [String])] = [
  ("check", ["check"]), ("plan", ["plan"]), ("build --to markdown", ["build", "--to", "markdown"]),
  ("build --to html", ["build", "--to", "html"]), ("build --to json", ["build", "--to", "json"]),
]
/// The three generators: the standard shape; a dense one of many `after` edges, multi-owner
/// steps, windows in every stage and long titles; and one transcribed as the real checklists
/// are, whose steps have no ids.
let shapes: [(name: String, make: (Int) -> String)] = [("standard", generate), ("dense", generateDense), ("transcribed", generateTranscribed)]

print("runbook-bench: binary \(runbook): \(linkage(of: runbook))")
print("runbook-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB; times are the best of 3 runs (1 for 1M steps); instructions by callgrind up to 100k steps; peak memory " + (gnuTime == nil ? "from wait4 (install GNU time for the program's own)" : "by GNU time"))
print("")
print("shape       " + "steps".padding(toLength: 9, withPad: " ", startingAt: 0) + "source MB  " + "command".padding(toLength: 22, withPad: " ", startingAt: 0) + "seconds    steps/s      MB/s   peak MB  peak/source  instr/byte")
/// Measurements by shape, size and command.
var results: [String: [Int: [String: Measurement]]] = [:]
/// Instructions by shape, size and command, when valgrind is there.
var instructionCounts: [String: [Int: [String: Int]]] = [:]
var sourceBytes: [String: [Int: Int]] = [:]
for shape in shapes {
  for size in sizes {
    let file = work.appendingPathComponent("\(shape.name)-\(size).runbook")
    let text = shape.make(size)
    // The dense shape of a million steps is larger than a runbook may be (64 MiB).
    guard text.utf8.count <= 64 << 20 else {
      print(shape.name.padding(toLength: 12, withPad: " ", startingAt: 0) + String(size).padding(toLength: 9, withPad: " ", startingAt: 0) + String(format: "%9.1f  ", Double(text.utf8.count) / 1_048_576) + "skipped: larger than the 64 MiB a runbook may be")
      continue
    }
    try Data(text.utf8).write(to: file)
    sourceBytes[shape.name, default: [:]][size] = text.utf8.count
    let json = work.appendingPathComponent("\(shape.name)-\(size).json").path
    let runs = size >= 1_000_000 ? 1 : 3
    var row: [String: Measurement] = [:]
    for command in commands {
      let arguments = [command.arguments[0], file.path] + command.arguments.dropFirst()
      row[command.name] = best(runs) { measure(runbook, arguments, stdout: command.name == "build --to json" ? json : "/dev/null") }
    }
    row["baseline: wc -l"] = best(runs) { measure("wc", ["-l", file.path]) }
    row["baseline: json.load"] = best(runs) { measure("python3", ["-c", "import json,sys; json.load(open(sys.argv[1]))", json]) }
    results[shape.name, default: [:]][size] = row
    for name in commands.map(\.name) + ["baseline: wc -l", "baseline: json.load"] {
      guard let m = row[name] else { continue }
      let megabytes = Double(text.utf8.count) / 1_048_576
      var line = shape.name.padding(toLength: 12, withPad: " ", startingAt: 0) + String(size).padding(toLength: 9, withPad: " ", startingAt: 0)
      line += String(format: "%9.1f  ", megabytes)
      line += name.padding(toLength: 22, withPad: " ", startingAt: 0)
      line += String(format: "%7.3f %10.0f %9.1f %9.1f %12.1f", m.seconds, Double(size) / m.seconds, megabytes / m.seconds, Double(m.peakBytes) / 1_048_576, Double(m.peakBytes) / Double(text.utf8.count))
      if haveValgrind && size <= 100_000, let command = commands.first(where: { $0.name == name }) {
        let arguments = [command.arguments[0], file.path] + command.arguments.dropFirst()
        if let count = instructions(runbook, arguments) {
          line += String(format: "  %10.0f", Double(count) / Double(text.utf8.count))
          instructionCounts[shape.name, default: [:]][size, default: [:]][name] = count
        }
      }
      if m.status != 0 && !name.hasPrefix("baseline") { line += "  (exit \(m.status))" }
      print(line)
    }
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
for shape in shapes {
  guard let row = results[shape.name]?[100_000], let bytes = sourceBytes[shape.name]?[100_000] else { continue }
  let megabytes = Double(bytes) / 1_000_000
  for name in commands.map(\.name) where row[name]?.status != 0 {
    target("\(shape.name): \(name) of 100k steps succeeds", false, "exit \(row[name]?.status ?? -1)")
  }
  let check = row["check"]!
  target("\(shape.name): check of 100k steps at least 35 MB/s", megabytes / check.seconds >= 35, String(format: "%.1f MB/s (%.3f s for %.1f MB)", megabytes / check.seconds, check.seconds, megabytes))
  let ratio = Double(check.peakBytes) / Double(bytes)
  target("\(shape.name): check peak memory at most 12x the source", ratio <= 12, String(format: "%.1fx", ratio))
  if let counts = instructionCounts[shape.name]?[100_000], let checkCount = counts["check"] {
    let perByte = Double(checkCount) / Double(bytes)
    target("\(shape.name): check at most 120 instructions per source byte at 100k steps", perByte <= 120, String(format: "%.0f", perByte))
    for (name, limit) in [("plan", 1.5), ("build --to markdown", 1.5), ("build --to html", 1.5), ("build --to json", 2.5)] {
      guard let count = counts[name] else { continue }
      let times = Double(count) / Double(checkCount)
      target("\(shape.name): \(name) at most \(limit)x the instructions of check", times <= limit, String(format: "%.2fx", times))
    }
  }
}
// Linear from 10k to 1M steps: each tenfold size at most 11x the time.
for shape in shapes {
  for (small, large) in [(10_000, 100_000), (100_000, 1_000_000)] {
    guard let a = results[shape.name]?[small], let b = results[shape.name]?[large] else { continue }
    for name in commands.map(\.name) {
      let growth = b[name]!.seconds / a[name]!.seconds
      target("\(shape.name): \(name), \(large / 1000)k at most 11x the time of \(small / 1000)k", growth <= 11, String(format: "%.1fx", growth))
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
    let next = index + 1 < n ? "w\(index + 1)" : "done"
    text += "    gate g\(index) \"Gate \(index)\" {\n      decided_by ops\n      criterion \"ok\"\n      go -> \(next)\n      no_go -> rollback r\(index) within 1h\n    }\n"
  }
  text += "    step done \"Done\"\n  }\n"
  for index in 0..<n { text += "  rollback r\(index) \"Undo \(index)\" owner ops {\n    step u\(index) \"Undo \(index)\" duration 10m\n  }\n" }
  return text + "}\n"
}

/// A chain of `n` steps, then `n` parallel steps each late for its own deadline behind it: every
/// report shows the chain, which is summed up once, not walked once for each report.
func lateChainShape(_ n: Int) -> String {
  var text = "runbook \"Late\" {\n  anchor T \"Go\"\n  role ops \"Ops\"\n  stage chain \"Chain\" owner ops window T..T+1000w {\n"
  for index in 0..<n { text += "    step c\(index) \"Chain \(index)\" duration 1m\n" }
  text += "  }\n  stage late \"Late\" owner ops parallel {\n"
  for index in 0..<n { text += "    step l\(index) \"Late \(index)\" duration 1m deadline T+\(n / 2)m\n" }
  return text + "  }\n}\n"
}

/// Mistakes whose messages are explained from the rest of the runbook, `n` of each: sign-offs
/// written before the work, steps `after` a role (the help lists the steps it owns), steps
/// skipped by a gate's `go` (the note names the gate), and steps verifying a step of `n` owners.
func explainedMistakesShape(_ n: Int) -> String {
  var text = "runbook \"Mistakes\" {\n"
  for index in 0..<n { text += "  role r\(index) \"Role \(index)\"\n" }
  for index in 0..<n { text += "  signoff \"Early \(index)\" by r0\n" }
  text += "  stage s \"S\" owner r0 parallel {\n    step big \"Big\" owner " + (0..<n).map { "r\($0)" }.joined(separator: " and ") + "\n"
  for index in 0..<n { text += "    step v\(index) \"Verify \(index)\" owner r\(index) verifies big\n" }
  text += "  }\n  stage t \"T\" owner r0 {\n    step first \"First\"\n"
  text += "    gate g \"Go?\" {\n      decided_by r0\n      criterion \"ok\"\n      go -> done\n      no_go -> stop\n    }\n"
  for index in 0..<n { text += "    step x\(index) \"Skipped \(index)\" after r1\n" }
  return text + "    step done \"Done\"\n  }\n}\n"
}

/// Steps of `n` owners each, one after the other: whether they hand over is a question of sets.
func manyOwnersShape(_ n: Int) -> String {
  var text = "runbook \"Owners\" {\n"
  for index in 0..<n { text += "  role r\(index) \"Role \(index)\"\n" }
  let owners = (0..<n).map { "r\($0)" }
  text += "  stage s \"S\" owner r0 {\n"
  for step in 0..<4 { text += "    step a\(step) \"A\(step)\" owner " + owners.joined(separator: step % 2 == 0 ? " and " : " or ") + "\n" }
  return text + "  }\n}\n"
}

/// A parallel stage of `n` steps, then `n` steps of another role each `after` the whole stage:
/// each hand-off is found by a bounded walk back, however wide the stage it walks into.
func wideStageShape(_ n: Int) -> String {
  var text = "runbook \"Wide\" {\n  role ops \"Ops\"\n  role dba \"DBA\"\n  stage p \"P\" owner ops parallel {\n"
  for index in 0..<n { text += "    step p\(index) \"P\(index)\"\n" }
  text += "  }\n  stage q \"Q\" owner dba parallel {\n"
  for index in 0..<n { text += "    step q\(index) \"Q\(index)\" after p\n" }
  return text + "  }\n}\n"
}

/// `n` gates whose no-go enters the same rollback of `n` steps: the rollback is placed once and
/// each run refers to it (in the text and JSON plans, the page and the chart).
func sharedRollbackShape(_ n: Int) -> String {
  var text = "runbook \"Shared\" {\n  role ops \"Ops\"\n  stage s \"S\" owner ops {\n"
  for index in 0..<n {
    let next = index + 1 < n ? "w\(index + 1)" : "done"
    text += "    step w\(index) \"Work \(index)\" duration 5m\n"
    text += "    gate g\(index) \"Gate \(index)\" {\n      decided_by ops\n      criterion \"ok\"\n      go -> \(next)\n      no_go -> rollback r within 1h\n    }\n"
  }
  text += "    step done \"Done\"\n  }\n  rollback r \"Undo\" owner ops {\n"
  for index in 0..<n { text += "    step u\(index) \"Undo \(index)\" duration 1m\n" }
  return text + "  }\n}\n"
}

func misspeltShape(_ n: Int) -> String {
  var text = "runbook \"Misspelt\" {\n  role ops \"Ops\"\n  stage s \"S\" owner ops {\n"
  for index in 0..<n { text += "    step step_\(index) \"Step \(index)\"\n" }
  for index in 0..<100 { text += "    step \"Late \(index)\" after stpe_\(index * 7)\n" }
  return text + "  }\n}\n"
}

func parenthesesShape(_ n: Int) -> String { String(repeating: "(", count: n) }

/// One line of `n` stray characters after the title: a thousand diagnostics (the cap) on one long
/// line, each of which SARIF fingerprints by its line's text.
func longLineShape(_ n: Int) -> String { "runbook \"One line\" { " + String(repeating: "@ ", count: n) + "}\n" }

let probes = [
  Probe(name: "8k roles (fmt alignment)", size: 8_000, make: rolesShape, commands: [["fmt", "-"]]),
  Probe(name: "gates each entering a rollback", size: 5_000, make: gatesShape,
    commands: [["check", "-"], ["build", "-", "--to", "markdown"], ["build", "-", "--to", "json"], ["plan", "-"], ["build", "-", "--to", "mermaid"]]),
  Probe(name: "100 misspelt references", size: 100_000, make: misspeltShape, commands: [["check", "-"]]),
  Probe(name: "late steps behind one long chain", size: 10_000, make: lateChainShape,
    commands: [["check", "-"], ["check", "--format", "sarif", "-"], ["plan", "-"]]),
  Probe(name: "mistakes explained from the whole runbook", size: 5_000, make: explainedMistakesShape,
    commands: [["check", "-"], ["check", "--format", "json", "-"]]),
  Probe(name: "gates sharing one rollback", size: 2_000, make: sharedRollbackShape,
    commands: [["check", "-"], ["check", "--format", "json", "-"]]),
  Probe(name: "gates sharing one rollback without a bound", size: 2_000, make: { sharedRollbackShape($0).replacingOccurrences(of: " within 1h", with: "") },
    commands: [["plan", "-"], ["build", "-", "--to", "html"], ["build", "-", "--to", "markdown"], ["build", "-", "--to", "mermaid"], ["build", "-", "--to", "plan"]]),
  Probe(name: "steps after one wide stage", size: 20_000, make: wideStageShape,
    commands: [["plan", "-"], ["build", "-", "--to", "plan"], ["build", "-", "--to", "html"]]),
  Probe(name: "steps of thousands of owners", size: 20_000, make: manyOwnersShape,
    commands: [["check", "-"], ["plan", "-"], ["build", "-", "--to", "markdown"], ["build", "-", "--to", "html"], ["build", "-", "--to", "json"]]),
  Probe(name: "a long line of mistakes", size: 100_000, make: longLineShape,
    commands: [["check", "--format", "sarif", "-"], ["check", "--format", "json", "-"], ["check", "--format", "github", "-"], ["check", "-"]]),
  Probe(name: "a file of `(`", size: 1_000_000, make: parenthesesShape,
    commands: [["check", "-"], ["check", "--format", "json", "-"], ["plan", "-"], ["build", "-", "--to", "json"], ["fmt", "-"]]),
]
print("")
print("Scaling probes (N and 4N; a linear cost grows about 4x)" + (haveValgrind ? "; judged by instructions (callgrind), which the machine's load does not move, with the best of 3 wall times beside them" : "; judged by the best of 3 wall times (no valgrind to count instructions)"))
for probe in probes {
  var timings: [[Double]] = []
  var counts: [[Int?]] = []
  for size in [probe.size, probe.size * 4] {
    let file = work.appendingPathComponent("probe.runbook")
    try Data(probe.make(size).utf8).write(to: file)
    timings.append(probe.commands.map { command in
      best(3) { measure(runbook, command, stdin: file.path) }.seconds
    })
    counts.append(probe.commands.map { command in
      haveValgrind ? instructions(runbook, command, stdin: file.path) : nil
    })
  }
  for (index, command) in probe.commands.enumerated() {
    let timeGrowth = timings[1][index] / max(timings[0][index], 0.0005)
    let timeText = String(format: "%.3f s → %.3f s (%.1fx)", timings[0][index], timings[1][index], timeGrowth)
    let name = "\(probe.name), \(command.joined(separator: " ")): N→4N at most 5x"
    if let small = counts[0][index], let large = counts[1][index], small > 0 {
      let growth = Double(large) / Double(small)
      target(name, growth <= 5, String(format: "%.1f M → %.1f M instructions (%.2fx); ", Double(small) / 1e6, Double(large) / 1e6, growth) + timeText)
    } else {
      target(name, timeGrowth <= 5, timeText)
    }
  }
}

let examples = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Examples").path
if FileManager.default.fileExists(atPath: examples) {
  let m = best(10) { measure(runbook, ["check", examples]) }
  target("check of Examples/ < 15 ms, process start included", m.seconds < 0.015, String(format: "%.1f ms", m.seconds * 1000))
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
