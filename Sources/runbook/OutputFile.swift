// Writing files safely. A file to write is opened before its document is made, takes the
// document's bytes as the backend hands them over, and is then committed. Where the bytes go:
// - `-` is standard output;
// - a symlink is followed, and its target written (the link stays a link);
// - anything that is not a regular file (a terminal, `/dev/stdout`, `/dev/null`, a FIFO) is
//   written straight through, since there is nothing to replace;
// - a regular file (or a new one) is written to `NAME.runbook-tmp-PID` beside it, which on commit
//   is flushed to disk, given the old file's mode, owner and group, and renamed over it; the
//   folder is then flushed too. Until then the old file is untouched, and a failure, an
//   interruption or a crash removes the temporary file instead;
// - a file with more than one hard link is rewritten in place instead, so that every name keeps
//   seeing the same file: its new bytes are held until the commit, which truncates and writes.
import Foundation
import RunbookKit

#if canImport(Glibc)
  import Glibc
#endif

/// The temporary file being written, removed if the process is interrupted: a fixed buffer, so
/// that the signal handler reads it without allocating.
nonisolated(unsafe) private let pendingPath = UnsafeMutablePointer<CChar>.allocate(capacity: Int(PATH_MAX) + 1)
nonisolated(unsafe) private var handlersInstalled = false

private func setPending(_ path: String?) {
  guard let path else {
    pendingPath[0] = 0
    return
  }
  let bytes = RawPaths.bytes(path).prefix(Int(PATH_MAX)).map { CChar(bitPattern: $0) }
  for (index, byte) in bytes.enumerated() { pendingPath[index] = byte }
  pendingPath[bytes.count] = 0
}

/// On SIGINT, SIGTERM or SIGHUP, and on a crash (SIGABRT, SIGILL, SIGTRAP, SIGSEGV, SIGBUS):
/// remove the temporary file, then die of the same signal. A document is written to its temporary
/// file while it is being made, so a crash in the making must not leave a partial file behind.
private func installInterruptHandlers() {
  guard !handlersInstalled else { return }
  handlersInstalled = true
  pendingPath[0] = 0
  for signalNumber in [SIGINT, SIGTERM, SIGHUP, SIGABRT, SIGILL, SIGTRAP, SIGSEGV, SIGBUS] {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { number in
      if pendingPath[0] != 0 { unlink(pendingPath) }
      signal(number, SIG_DFL)
      raise(number)
    }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(signalNumber, &action, nil)
  }
}

/// Writes all of `bytes` to `descriptor`; the errno of a failure, or nil.
func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Int32? {
  bytes.withUnsafeBytes { writeAll(descriptor, $0) }
}

/// Writes all of `bytes`, read in place, to `descriptor`; the errno of a failure, or nil.
func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
  var offset = 0
  while offset < bytes.count {
    let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
    if count < 0 {
      if errno == EINTR { continue }
      return errno
    }
    offset += count
  }
  return nil
}

/// `bytes`, written to `path` in one go (see the top of this file); with `expected`, the file
/// must still hold those bytes just before it is replaced: an edit made meanwhile is kept, and
/// the write is refused.
func writeFile(_ bytes: [UInt8], to path: String, expected: [UInt8]? = nil) -> Result<Void, FileProblem> {
  bytes.withUnsafeBytes { writeFile($0, to: path, expected: expected) }
}

/// A document a backend wrote, written from its own buffer as `writeFile` writes bytes.
func writeFile(_ document: borrowing RenderedDocument, to path: String) -> Result<Void, FileProblem> {
  document.withUnsafeBytes { writeFile($0, to: path) }
}

/// `writeFile` of bytes read in place.
func writeFile(_ bytes: UnsafeRawBufferPointer, to path: String, expected: [UInt8]? = nil) -> Result<Void, FileProblem> {
  let file: OutputFile
  do {
    file = try OutputFile.open(path)
  } catch {
    return .failure(error)
  }
  file.take(bytes)
  return file.commit(expected: expected)
}

/// A file being written: opened, given its bytes in order, then committed. Dropped without a
/// commit, it is abandoned: a temporary file is removed and the old file stays as it was.
final class OutputFile: DocumentDestination {
  /// Where the bytes go.
  private enum Place {
    case standardOutput
    /// Not a regular file: written straight through.
    case passThrough(descriptor: Int32)
    /// A regular file, new or replaced: the temporary file beside it, and the old file's status
    /// when there is one.
    case replacement(descriptor: Int32, temporary: String, target: String, previous: stat?)
    /// A regular file with more than one hard link, rewritten through its own inode.
    case inPlace(target: String)
  }

  /// The path as given, for messages.
  private let path: String
  private let place: Place
  /// The bytes of a file rewritten in place, held until the commit.
  private var held: [UInt8] = []
  /// The first failure to write; after it, the rest of the document is not written.
  private var failure: FileProblem?
  private var done = false

  private init(path: String, place: Place) {
    self.path = path
    self.place = place
  }

  /// Standard output, written as the bytes come.
  static func standardOutput() -> OutputFile {
    OutputFile(path: "-", place: .standardOutput)
  }

  /// Opens `path` for writing as the top of this file says. Nothing is changed yet but the
  /// temporary file's creation.
  static func open(_ path: String) throws(FileProblem) -> OutputFile {
    if path == "-" { return standardOutput() }
    var info = stat()
    let exists = withCPath(path, { stat($0, &info) }) == 0
    if exists && (info.st_mode & S_IFMT) == S_IFDIR {
      throw FileProblem(path: path, message: "is a folder; name a file to write")
    }
    if exists && (info.st_mode & S_IFMT) != S_IFREG {
      // Nothing to replace: write through, as a shell redirection would (the kernel follows
      // links such as /dev/stdout → /proc/self/fd/1).
      let descriptor = withCPath(path) { Glibc.open($0, O_WRONLY | O_CLOEXEC) }
      guard descriptor >= 0 else { throw FileProblem(path: path, message: "cannot open for writing: \(reason(errno))") }
      return OutputFile(path: path, place: .passThrough(descriptor: descriptor))
    }
    // The regular file to replace: where the symlinks lead (a dangling link names the file to
    // create).
    let target = exists ? (realPath(path) ?? path) : resolvedTarget(path)
    if exists && info.st_nlink > 1 { return OutputFile(path: path, place: .inPlace(target: target)) }
    installInterruptHandlers()
    let temporary = RawPaths.shown(RawPaths.bytes(target) + Array(".runbook-tmp-\(getpid())".utf8))
    setPending(temporary)
    let descriptor = withCPath(temporary) { Glibc.open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, exists ? (info.st_mode & 0o7777) : 0o666) }
    guard descriptor >= 0 else {
      setPending(nil)
      throw FileProblem(path: path, message: "cannot create a temporary file in \(folderOf(target)): \(reason(errno))")
    }
    return OutputFile(path: path, place: .replacement(descriptor: descriptor, temporary: temporary, target: target, previous: exists ? info : nil))
  }

  /// Writes the next bytes, unless an earlier write failed.
  func take(_ bytes: UnsafeRawBufferPointer) {
    guard failure == nil, !done else { return }
    switch place {
    case .standardOutput:
      if let code = writeAll(STDOUT_FILENO, bytes) {
        failure = FileProblem(path: "standard output", message: "cannot write: \(reason(code))")
      }
    case .passThrough(let descriptor), .replacement(let descriptor, _, _, _):
      if let code = writeAll(descriptor, bytes) { failure = FileProblem(path: path, message: "cannot write: \(reason(code))") }
    case .inPlace:
      held.append(contentsOf: bytes)
    }
  }

  /// Finishes the file: the first failure to write, if any; else, for a replaced file, flushes
  /// it, gives it the old file's mode, owner and group, checks `expected` (the bytes the file
  /// must still hold, when given) and renames it over the old one.
  func commit(expected: [UInt8]? = nil) -> Result<Void, FileProblem> {
    guard !done else { return .success(()) }
    done = true
    let changedMeanwhile = FileProblem(path: path, message: "changed while it was being formatted; left as it is (run again)")
    switch place {
    case .standardOutput:
      return failure.map { .failure($0) } ?? .success(())
    case .passThrough(let descriptor):
      close(descriptor)
      return failure.map { .failure($0) } ?? .success(())
    case .inPlace(let target):
      if let failure { return .failure(failure) }
      // Rewritten through its own inode, so the check comes before: there is no rename to guard.
      if let expected, !unchanged(target, expected) { return .failure(changedMeanwhile) }
      return held.withUnsafeBytes { rewriteInPlace($0, target: target, path: path) }
    case .replacement(let descriptor, let temporary, let target, let previous):
      defer { setPending(nil) }
      if failure == nil && fsync(descriptor) != 0 {
        failure = FileProblem(path: path, message: "cannot flush to disk: \(reason(errno))")
      } else if failure == nil, let previous {
        // Keep who may read it: the mode exactly (the umask does not apply to fchmod), and the
        // owner and group where allowed.
        _ = fchown(descriptor, previous.st_uid, previous.st_gid)
        _ = fchmod(descriptor, previous.st_mode & 0o7777)
      }
      close(descriptor)
      // Checked last, just before the rename, so that an edit made while the output was written
      // is kept too.
      if failure == nil, let expected, !unchanged(target, expected) { failure = changedMeanwhile }
      if failure == nil && withCPath(temporary, { from in withCPath(target) { rename(from, $0) } }) != 0 {
        failure = FileProblem(path: path, message: "cannot replace the file: \(reason(errno))")
      }
      if let failure {
        _ = withCPath(temporary) { unlink($0) }
        return .failure(failure)
      }
      syncFolder(of: target)
      return .success(())
    }
  }

  /// Abandons a file never committed: its temporary file is closed and removed.
  deinit {
    guard !done else { return }
    switch place {
    case .passThrough(let descriptor):
      close(descriptor)
    case .replacement(let descriptor, let temporary, _, _):
      close(descriptor)
      _ = withCPath(temporary) { unlink($0) }
      setPending(nil)
    case .standardOutput, .inPlace:
      break
    }
  }
}

/// The file a path finally names: symlinks followed to their target (which may not exist yet).
func resolvedTarget(_ path: String) -> String {
  var current = RawPaths.bytes(path)
  for _ in 0..<40 {
    var info = stat()
    let cPath = current.map { CChar(bitPattern: $0) } + [0]
    guard lstat(cPath, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { break }
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink(cPath, &buffer, Int(PATH_MAX))
    guard length > 0 else { break }
    let target = buffer[0..<length].map { UInt8(bitPattern: $0) }
    if target.first == UInt8(ascii: "/") {
      current = target
    } else {
      let folderEnd = current.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
      current = Array(current[0..<folderEnd]) + target
    }
  }
  return RawPaths.shown(current)
}

/// The absolute path with every symlink resolved, for a path that exists.
private func realPath(_ path: String) -> String? {
  guard let resolved = withCPath(path, { realpath($0, nil) }) else { return nil }
  defer { free(resolved) }
  return RawPaths.shown(Array(UnsafeBufferPointer(start: resolved, count: strlen(resolved))).map { UInt8(bitPattern: $0) })
}


/// The folder a path is in: `.` for a bare name, `/` for a file at the root.
func folderOf(_ path: String) -> String {
  let bytes = RawPaths.bytes(path)
  guard let end = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "." }
  return end == 0 ? "/" : RawPaths.shown(Array(bytes[0..<end]))
}

/// Flushes the folder holding `path`, so that a file just created or renamed there survives a
/// crash.
func syncFolder(of path: String) {
  let descriptor = withCPath(folderOf(path)) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
  guard descriptor >= 0 else { return }
  fsync(descriptor)
  close(descriptor)
}

/// Whether the file still holds the bytes it held when read.
private func unchanged(_ path: String, _ expected: [UInt8]) -> Bool {
  guard case .success(let now) = readFile(path, limit: max(expected.count, 1)) else { return false }
  return now == expected
}

/// Rewrites a hard-linked file through its own inode: truncate and write, then flush.
private func rewriteInPlace(_ bytes: UnsafeRawBufferPointer, target: String, path: String) -> Result<Void, FileProblem> {
  let descriptor = withCPath(target) { open($0, O_WRONLY | O_TRUNC | O_CLOEXEC) }
  guard descriptor >= 0 else { return .failure(FileProblem(path: path, message: "cannot open for writing: \(reason(errno))")) }
  defer { close(descriptor) }
  if let code = writeAll(descriptor, bytes) { return .failure(FileProblem(path: path, message: "cannot write: \(reason(code))")) }
  if fsync(descriptor) != 0 { return .failure(FileProblem(path: path, message: "cannot flush to disk: \(reason(errno))")) }
  return .success(())
}
