// How the tool reads and writes files, through its real command line: outputs written through
// to what is not a regular file, symlinks followed, modes, owners and hard links kept, the
// runbook never overwritten by its own output, no temporary file left by a killed writer, the
// size limit enforced while reading from any source, folder scans that never block, and I/O
// errors said in plain words.
import Foundation
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

final class FileSafetyTests: XCTestCase {
  let example = repositoryRoot.appendingPathComponent("Examples/cips-update.runbook").path

  private func copyOfExample(in folder: URL, name: String = "a.runbook") throws -> String {
    let path = folder.appendingPathComponent(name).path
    try FileManager.default.copyItem(atPath: example, toPath: path)
    return path
  }

  /// A runbook of one stage of `steps` steps, written as `big.runbook` in `folder`: its path.
  private func bigRunbook(in folder: URL, steps: Int) throws -> String {
    let path = folder.appendingPathComponent("big.runbook").path
    var text = "runbook \"Big\" {\n  role ops \"Ops\"\n  stage s \"S\" owner ops {\n"
    for index in 0..<steps { text += "    step s\(index) \"Step \(index) with a title long enough to be written\" duration 15m\n" }
    text += "  }\n}\n"
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    return path
  }

  private func fileInfo(_ path: String) -> stat {
    var info = stat()
    XCTAssertEqual(lstat(path, &info), 0, path)
    return info
  }

  func testOutputToWhatIsNotARegularFileIsWrittenThrough() throws {
    // /dev/stdout is a symlink to the process's standard output: written through, not replaced.
    let result = try runTool(["build", example, "--to", "json", "-o", "/dev/stdout"])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.hasPrefix("{\n  \"schema\": \"runbook-graph/1\""), result.stdout)
    XCTAssertEqual(try runTool(["build", example, "--to", "json", "-o", "/dev/null"]).status, 0)
    XCTAssertEqual(fileInfo("/dev/null").st_mode & S_IFMT, S_IFCHR)
    // `-o -` is standard output.
    XCTAssertEqual(try runTool(["build", example, "--to", "json", "-o", "-"]).stdout, result.stdout)
    // A FIFO: its reader gets the output, and it stays a FIFO.
    let folder = try temporaryFolder()
    let fifo = folder.appendingPathComponent("pipe").path
    XCTAssertEqual(mkfifo(fifo, 0o600), 0)
    let received = Locked<Data>(Data())
    let reader = Thread {
      if let handle = FileHandle(forReadingAtPath: fifo) { received.set(handle.readDataToEndOfFile()) }
    }
    reader.start()
    XCTAssertEqual(try runTool(["build", example, "--to", "json", "-o", fifo]).status, 0)
    for _ in 0..<100 where received.get().isEmpty { usleep(20_000) }
    XCTAssertEqual(String(decoding: received.get(), as: UTF8.self), result.stdout)
    XCTAssertEqual(fileInfo(fifo).st_mode & S_IFMT, S_IFIFO)
  }

  func testASymlinkedOutputStaysALink() throws {
    let folder = try temporaryFolder()
    let target = folder.appendingPathComponent("real.md").path
    let link = folder.appendingPathComponent("link.md").path
    XCTAssertTrue(FileManager.default.createFile(atPath: target, contents: Data("old".utf8)))
    XCTAssertEqual(chmod(target, 0o640), 0)
    XCTAssertEqual(symlink("real.md", link), 0)
    XCTAssertEqual(try runTool(["build", example, "--to", "markdown", "-o", link]).status, 0)
    XCTAssertEqual(fileInfo(link).st_mode & S_IFMT, S_IFLNK)
    XCTAssertTrue(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("# CIPS Update Shared Checklist"))
    XCTAssertEqual(fileInfo(target).st_mode & 0o777, 0o640)
    // A dangling link names the file to create.
    let dangling = folder.appendingPathComponent("dangling.md").path
    XCTAssertEqual(symlink("new.md", dangling), 0)
    XCTAssertEqual(try runTool(["build", example, "--to", "markdown", "-o", dangling]).status, 0)
    XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("new.md").path))
    XCTAssertEqual(fileInfo(dangling).st_mode & S_IFMT, S_IFLNK)
  }

  func testTheRunbookIsNeverOverwrittenByItsOwnOutput() throws {
    let folder = try temporaryFolder()
    let path = try copyOfExample(in: folder)
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let link = folder.appendingPathComponent("link.runbook").path
    XCTAssertEqual(symlink("a.runbook", link), 0)
    for output in [path, link, folder.appendingPathComponent("./a.runbook").path] {
      let result = try runTool(["build", path, "--to", "markdown", "-o", output])
      XCTAssertEqual(result.status, 2, output)
      XCTAssertTrue(result.stderr.contains("this is the runbook itself"), result.stderr)
    }
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
  }

  func testFmtKeepsModeLinksAndHardLinks() throws {
    let folder = try temporaryFolder()
    let path = try copyOfExample(in: folder)
    // Unformatted: an extra space before each role.
    let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\n  role ", with: "\n  role  ")
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    XCTAssertEqual(chmod(path, 0o600), 0)
    let hard = folder.appendingPathComponent("hard.runbook").path
    XCTAssertEqual(link(path, hard), 0)
    let symbolic = folder.appendingPathComponent("sym.runbook").path
    XCTAssertEqual(symlink("a.runbook", symbolic), 0)
    let inode = fileInfo(path).st_ino
    let result = try runTool(["fmt", symbolic])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(fileInfo(symbolic).st_mode & S_IFMT, S_IFLNK)
    XCTAssertEqual(fileInfo(path).st_mode & 0o777, 0o600)
    XCTAssertEqual(fileInfo(path).st_ino, inode)
    XCTAssertEqual(fileInfo(path).st_nlink, 2)
    XCTAssertEqual(try String(contentsOfFile: hard, encoding: .utf8), try String(contentsOfFile: example, encoding: .utf8))
    // Without hard links the file is replaced atomically, still with its mode.
    XCTAssertEqual(unlink(hard), 0)
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    XCTAssertEqual(chmod(path, 0o600), 0)
    XCTAssertEqual(try runTool(["fmt", path]).status, 0)
    XCTAssertEqual(fileInfo(path).st_mode & 0o777, 0o600)
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), try String(contentsOfFile: example, encoding: .utf8))
  }

  func testAKilledWriterLeavesNoTemporaryFile() throws {
    let folder = try temporaryFolder()
    // Enough work that the output takes a moment to write.
    let input = try bigRunbook(in: folder, steps: 20_000)
    let output = folder.appendingPathComponent("out.json").path
    var killedWhileWriting = 0
    for _ in 0..<3 {
      let process = Process()
      process.executableURL = toolURL
      process.arguments = ["build", input, "--to", "json", "-o", output]
      process.standardError = FileHandle.nullDevice
      try process.run()
      let started = Date()
      while process.isRunning && Date().timeIntervalSince(started) < 60 {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        if names.contains(where: { $0.hasPrefix("out.json.runbook-tmp-") }) {
          kill(process.processIdentifier, SIGTERM)
          killedWhileWriting += 1
          break
        }
      }
      process.waitUntilExit()
      let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      XCTAssertFalse(names.contains { $0.contains("runbook-tmp") }, "\(names)")
    }
    // The temporary file is visible while it is written, and named after the output.
    XCTAssertGreaterThan(killedWhileWriting, 0)
  }

  func testTheSizeLimitHoldsForEverySource() throws {
    let folder = try temporaryFolder()
    // A sparse file of 70 MB, named through a symlink, and the same bytes on standard input.
    let big = folder.appendingPathComponent("big").path
    XCTAssertTrue(FileManager.default.createFile(atPath: big, contents: nil))
    XCTAssertEqual(truncate(big, 70_000_000), 0)
    let link = folder.appendingPathComponent("big.runbook").path
    XCTAssertEqual(symlink("big", link), 0)
    for arguments in [["check", link], ["check", "/dev/zero"], ["plan", link], ["fmt", "--check", link]] {
      let result = try runTool(arguments)
      XCTAssertEqual(result.status, 1, "\(arguments): \(result.stderr)")
      XCTAssertTrue((result.stdout + result.stderr).contains("error[RB0701]"), "\(arguments): \(result.stdout)\(result.stderr)")
    }
    // Standard input from the big file: the tool stops reading at the limit.
    let process = Process()
    process.executableURL = toolURL
    process.arguments = ["check", "-"]
    process.standardInput = FileHandle(forReadingAtPath: big)
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 1)
    XCTAssertTrue(printed.contains("<stdin>:1:1: error[RB0701]"), printed)
  }

  func testOutputThatCannotBeWrittenIsAnErrorNotASuccessOrACrash() throws {
    // /dev/full refuses every write with ENOSPC: the disk-full case, on any Linux machine.
    guard FileManager.default.isWritableFile(atPath: "/dev/full") else { throw XCTSkip("no /dev/full") }
    for arguments in [["build", example, "--to", "markdown"], ["build", example, "--to", "json"], ["plan", example], ["check", example]] {
      let process = Process()
      process.executableURL = toolURL
      process.arguments = arguments
      process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
      let error = Pipe()
      process.standardError = error
      try process.run()
      let said = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      XCTAssertEqual(process.terminationReason, .exit, "\(arguments): \(said)")
      XCTAssertEqual(process.terminationStatus, 2, "\(arguments): \(said)")
      XCTAssertTrue(said.contains("standard output: error: cannot write: no space left on device"), "\(arguments): \(said)")
    }
  }

  /// The output is written into its temporary file while it is made: a write that fails part
  /// way (here the file-size limit, far below the size of the document) is reported, the
  /// temporary file removed, and the old output left as it was.
  func testAWriteThatFailsPartWayLeavesTheOldOutput() throws {
    let folder = try temporaryFolder()
    let input = try bigRunbook(in: folder, steps: 5_000)
    let output = folder.appendingPathComponent("out.json").path
    try "old".write(toFile: output, atomically: false, encoding: .utf8)
    XCTAssertEqual(chmod(output, 0o640), 0)
    for target in ["json", "html", "plan"] {
      // 64 blocks of 512 bytes: 32 KB, where the document is megabytes, many buffers' worth.
      let result = try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", "ulimit -f 64 && exec \"$0\" build \"$1\" --to \"$2\" -o \"$3\"", toolURL.path, input, target, output])
      XCTAssertEqual(result.status, 2, "\(target): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains("\(output): error: cannot write: file too large"), "\(target): \(result.stderr)")
      XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8), "old", target)
      XCTAssertEqual(fileInfo(output).st_mode & 0o777, 0o640, target)
      let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      XCTAssertEqual(names.sorted(), ["big.runbook", "out.json"], target)
    }
    // Without the limit the same command replaces the file, keeping its mode.
    XCTAssertEqual(try runTool(["build", input, "--to", "json", "-o", output]).status, 0)
    XCTAssertTrue(try String(contentsOfFile: output, encoding: .utf8).hasPrefix("{\n  \"schema\": \"runbook-graph/1\""))
    XCTAssertEqual(fileInfo(output).st_mode & 0o777, 0o640)
  }

  func testFolderScansConsiderRegularFilesOnly() throws {
    let folder = try temporaryFolder()
    _ = try copyOfExample(in: folder)
    XCTAssertEqual(mkfifo(folder.appendingPathComponent("pipe.runbook").path, 0o600), 0)
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("folder.runbook"), withIntermediateDirectories: false)
    _ = try copyOfExample(in: folder.appendingPathComponent("folder.runbook"), name: "inside.runbook")
    XCTAssertEqual(symlink("a.runbook", folder.appendingPathComponent("link.runbook").path), 0)
    let result = try runTool(["check", folder.path])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue((result.stdout + result.stderr).contains("checked 3 files, 0 errors"), result.stdout + result.stderr)
  }

  /// A file name that is not UTF-8 is found in a folder, named on the command line, read and
  /// written, and shown with `\xNN` for its bad bytes.
  func testFileNamesThatAreNotUTF8() throws {
    let folder = try temporaryFolder()
    let name: [UInt8] = Array("caf".utf8) + [0xE9] + Array(".runbook".utf8)
    let path = Array(folder.path.utf8) + [UInt8(ascii: "/")] + name
    let contents = try Data(contentsOf: URL(fileURLWithPath: example))
    let descriptor = open(path.map { CChar(bitPattern: $0) } + [0], O_WRONLY | O_CREAT, 0o644)
    XCTAssertGreaterThanOrEqual(descriptor, 0)
    _ = contents.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    let scanned = try runTool(["check", folder.path])
    XCTAssertEqual(scanned.status, 0, scanned.stdout + scanned.stderr)
    XCTAssertTrue((scanned.stdout + scanned.stderr).contains("checked 1 file, 0 errors"), scanned.stdout + scanned.stderr)
    // Named directly: the raw bytes go through as an argument (through the shell: Foundation
    // passes only UTF-8 arguments).
    let shell = Process()
    shell.executableURL = URL(fileURLWithPath: "/bin/sh")
    shell.arguments = [
      "-c", "\"$0\" build \"$1\"$(printf '\\351').runbook --to json -o \"$1\"out.json && \"$0\" fmt --check \"$1\"$(printf '\\351').runbook",
      toolURL.path, folder.path + "/caf",
    ]
    try shell.run()
    shell.waitUntilExit()
    XCTAssertEqual(shell.terminationStatus, 0)
    XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("cafout.json").path))
    // A broken runbook with such a name is reported under its shown name.
    let broken = Array(folder.path.utf8) + Array("/bad".utf8) + [0xFF] + Array(".runbook".utf8)
    let other = open(broken.map { CChar(bitPattern: $0) } + [0], O_WRONLY | O_CREAT, 0o644)
    _ = "runbook \"R\" {\n  step x\n}\n".utf8CString.withUnsafeBytes { write(other, $0.baseAddress, $0.count - 1) }
    close(other)
    let result = try runTool(["check", folder.path])
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue((result.stdout + result.stderr).contains("bad\\xFF.runbook:2:3: error[RB0105]"), result.stdout + result.stderr)
  }

  func testIOErrorsInPlainWords() throws {
    let result = try runTool(["build", example, "--to", "json", "-o", "/nonexistent-folder/out.json"])
    XCTAssertEqual(result.status, 2)
    XCTAssertTrue(result.stderr.contains("/nonexistent-folder/out.json: error: cannot create a temporary file in /nonexistent-folder: no such file or directory"), result.stderr)
    XCTAssertFalse(result.stderr.contains("NSCocoaErrorDomain") || result.stderr.contains("Error Domain"), result.stderr)
    let folder = try runTool(["build", example, "--to", "json", "-o", "/tmp"])
    XCTAssertTrue(folder.stderr.contains("/tmp: error: is a folder; name a file to write"), folder.stderr)
    let input = try runTool(["build", "/tmp", "--to", "json"])
    XCTAssertEqual(input.status, 2)
    XCTAssertTrue(input.stderr.contains("/tmp: error: is a folder, not a runbook file"), input.stderr)
  }

  func testArgumentConventions() throws {
    // `--` ends the options of every command.
    XCTAssertEqual(try runTool(["build", "--to", "json", "--", example]).status, 0)
    XCTAssertEqual(try runTool(["fmt", "--check", "--", example]).status, 0)
    XCTAssertEqual(try runTool(["plan", "--", example]).status, 0)
    // Standard input is read once.
    let twice = try runTool(["check", "-", "-"], stdin: Data())
    XCTAssertEqual(twice.status, 2)
    XCTAssertTrue(twice.stderr.contains("'-' (standard input) is given more than once"), twice.stderr)
    // Nothing after --help or --version is ignored silently.
    XCTAssertEqual(try runTool(["--help", "extra"]).status, 2)
    XCTAssertEqual(try runTool(["--version", "extra"]).status, 2)
  }
}

/// A value shared with another thread.
final class Locked<Value>: @unchecked Sendable {
  private var value: Value
  private let lock = NSLock()
  init(_ value: Value) { self.value = value }
  func get() -> Value { lock.withLock { value } }
  func set(_ newValue: Value) { lock.withLock { value = newValue } }
}
