// Reading and writing files safely, with POSIX calls so that every case is decided here rather
// than by a library: reads stop at the size limit whatever the source (a file, a symlink to a
// huge file, standard input, /dev/zero); writes to a regular file go to a visible temporary file
// beside it, are flushed to disk and renamed over it, keeping its mode, owner and group, through
// symlinks to the file they name; writes to anything else (a terminal, /dev/stdout, a FIFO) go
// straight through; and an interrupted write leaves no temporary file behind. Every failure is
// said in plain words, with the path and the system's reason.
import Foundation
import RunbookKit

#if canImport(Glibc)
  import Glibc
#endif

/// A failure to read or write, in words for the user.
struct FileProblem: Error {
  let path: String
  let message: String
}

/// The system's words for an errno value: "No such file or directory".
func reason(_ code: Int32) -> String {
  String(cString: strerror(code)).lowercased()
}

// MARK: - Paths that are not UTF-8

/// File names on Linux are bytes, not text. A name that is not valid UTF-8 is shown with each bad
/// byte as `\xNN` (`caf\xE9.runbook`), and that shown form is remembered with the real bytes, so
/// that the file can still be opened, read and written by the name the user sees.
enum RawPaths {
  nonisolated(unsafe) private static var bytesOfShown: [String: [UInt8]] = [:]

  /// The path as shown: the text itself when it is UTF-8, else with `\xNN` for each bad byte.
  static func shown(_ bytes: [UInt8]) -> String {
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    var text = ""
    var index = 0
    while index < bytes.count {
      let length = validUTF8Length(bytes, index)
      if length == 0 {
        text += "\\x" + String(bytes[index], radix: 16, uppercase: true).leftPadded(to: 2)
        index += 1
      } else {
        text += String(decoding: bytes[index..<index + length], as: UTF8.self)
        index += length
      }
    }
    bytesOfShown[text] = bytes
    return text
  }

  /// The bytes to give the system for a path as shown.
  static func bytes(_ path: String) -> [UInt8] {
    bytesOfShown[path] ?? Array(path.utf8)
  }
}

/// Calls `body` with the path as a C string of its real bytes.
func withCPath<Result>(_ path: String, _ body: (UnsafePointer<CChar>) -> Result) -> Result {
  let bytes = RawPaths.bytes(path).map { CChar(bitPattern: $0) } + [0]
  return bytes.withUnsafeBufferPointer { body($0.baseAddress!) }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}

// MARK: - Reading

/// Reads everything from `descriptor`, stopping as soon as more than `limit` bytes have come:
/// then the bytes read so far (one more than the limit) are returned, and the compiler reports
/// the file as too large (RB0701), the same way for every kind of source.
func readAll(_ descriptor: Int32, limit: Int, path: String) -> Result<[UInt8], FileProblem> {
  // A regular file is read straight into an array of its size and one byte more (which shows
  // whether it is larger than the limit); anything else, or a file that has grown, goes on in
  // chunks once that first array is full.
  var first = 1 << 16
  var info = stat()
  if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 {
    first = min(Int(info.st_size), limit) + 1
  }
  var failure: Int32?
  var bytes = [UInt8](unsafeUninitializedCapacity: first) { buffer, count in (count, failure) = fill(descriptor, buffer) }
  var full = bytes.count == first
  if full && failure == nil {
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while full && failure == nil && bytes.count <= limit {
      let wanted = min(chunk.count, limit + 1 - bytes.count)
      let (count, error) = chunk.withUnsafeMutableBufferPointer { fill(descriptor, UnsafeMutableBufferPointer(rebasing: $0[..<wanted])) }
      bytes.append(contentsOf: chunk[0..<count])
      (full, failure) = (count == wanted, error)
    }
  }
  if let failure { return .failure(FileProblem(path: path, message: "cannot read: \(reason(failure))")) }
  return .success(bytes)
}

/// Reads from `descriptor` into `buffer` until it is full or the input ends: how many bytes
/// came, and the error that stopped the reading, if one did (an interrupted read is tried
/// again).
private func fill(_ descriptor: Int32, _ buffer: UnsafeMutableBufferPointer<UInt8>) -> (count: Int, error: Int32?) {
  var count = 0
  while count < buffer.count {
    let read = Glibc.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
    if read < 0 && errno == EINTR { continue }
    if read < 0 { return (count, errno) }
    if read == 0 { break }
    count += read
  }
  return (count, nil)
}

/// Reads a file by path (following symlinks), refusing folders.
func readFile(_ path: String, limit: Int) -> Result<[UInt8], FileProblem> {
  let descriptor = withCPath(path) { open($0, O_RDONLY | O_CLOEXEC) }
  guard descriptor >= 0 else {
    let code = errno
    let message = code == ENOENT ? "no such file or folder" : "cannot open: \(reason(code))"
    return .failure(FileProblem(path: path, message: message))
  }
  defer { close(descriptor) }
  var info = stat()
  if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
    return .failure(FileProblem(path: path, message: "is a folder, not a runbook file"))
  }
  return readAll(descriptor, limit: limit, path: path)
}

/// The files named `*.runbook` in a folder and its subfolders, hidden ones skipped, as shown
/// paths in sorted order; only regular files (and symlinks to them) count, so that a FIFO or a
/// folder named `x.runbook` is passed over. Names that are not UTF-8 are found too.
func runbookFiles(in folder: String) -> [String]? {
  var found: [String] = []
  var pending = [RawPaths.bytes(folder)]
  var first = true
  while let current = pending.popLast() {
    guard let directory = opendir(current.map { CChar(bitPattern: $0) } + [0]) else {
      if first { return nil }
      continue
    }
    first = false
    defer { closedir(directory) }
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
      if name.first == UInt8(ascii: ".") { continue }
      let path = (current.last == UInt8(ascii: "/") ? current : current + [UInt8(ascii: "/")]) + name
      switch fileKind(RawPaths.shown(path)) {
      case .folder?: pending.append(path)
      case .regular? where name.count > 8 && name.suffix(8).elementsEqual(".runbook".utf8): found.append(RawPaths.shown(path))
      default: break
      }
    }
  }
  return found.sorted()
}

/// What a path is, following symlinks; nil when it does not exist.
enum FileKind {
  case regular, folder, other
}

func fileKind(_ path: String) -> FileKind? {
  var info = stat()
  guard withCPath(path, { stat($0, &info) }) == 0 else { return nil }
  switch info.st_mode & S_IFMT {
  case S_IFREG: return .regular
  case S_IFDIR: return .folder
  default: return .other
  }
}

/// The device and inode a path leads to (following symlinks), to tell whether two paths are the
/// same file.
func fileIdentity(_ path: String) -> (dev_t, ino_t)? {
  var info = stat()
  guard withCPath(path, { stat($0, &info) }) == 0 else { return nil }
  return (info.st_dev, info.st_ino)
}

// MARK: - Writing

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

/// On SIGINT, SIGTERM or SIGHUP: remove the temporary file, then die of the same signal.
private func installInterruptHandlers() {
  guard !handlersInstalled else { return }
  handlersInstalled = true
  pendingPath[0] = 0
  for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
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


/// Writes `bytes` to `path`:
/// - `-` is standard output;
/// - a symlink is followed, and its target written (the link stays a link);
/// - anything that is not a regular file (a terminal, `/dev/stdout`, `/dev/null`, a FIFO) is
///   written straight through, since there is nothing to replace;
/// - a regular file (or a new one) is written to `NAME.runbook-tmp-PID` beside it, flushed to
///   disk, given the old file's mode, owner and group, and renamed over it; the folder is then
///   flushed too. A file with more than one hard link is rewritten in place instead, so that
///   every name keeps seeing the same file.
/// - With `expected`, the file must still hold those bytes just before it is replaced: an edit
///   made meanwhile is kept, and the write is refused.
func writeFile(_ bytes: [UInt8], to path: String, expected: [UInt8]? = nil) -> Result<Void, FileProblem> {
  bytes.withUnsafeBytes { writeFile($0, to: path, expected: expected) }
}

/// A document a backend wrote, written from its own buffer as `writeFile` writes bytes.
func writeFile(_ document: borrowing RenderedDocument, to path: String) -> Result<Void, FileProblem> {
  document.withUnsafeBytes { writeFile($0, to: path) }
}

/// `writeFile` of bytes read in place.
func writeFile(_ bytes: UnsafeRawBufferPointer, to path: String, expected: [UInt8]? = nil) -> Result<Void, FileProblem> {
  if path == "-" {
    if let code = writeAll(STDOUT_FILENO, bytes) {
      return .failure(FileProblem(path: "standard output", message: "cannot write: \(reason(code))"))
    }
    return .success(())
  }
  var info = stat()
  let exists = withCPath(path, { stat($0, &info) }) == 0
  if exists && (info.st_mode & S_IFMT) == S_IFDIR {
    return .failure(FileProblem(path: path, message: "is a folder; name a file to write"))
  }
  if exists && (info.st_mode & S_IFMT) != S_IFREG {
    // Nothing to replace: write through, as a shell redirection would (the kernel follows
    // links such as /dev/stdout → /proc/self/fd/1).
    let descriptor = withCPath(path) { open($0, O_WRONLY | O_CLOEXEC) }
    guard descriptor >= 0 else { return .failure(FileProblem(path: path, message: "cannot open for writing: \(reason(errno))")) }
    defer { close(descriptor) }
    if let code = writeAll(descriptor, bytes) { return .failure(FileProblem(path: path, message: "cannot write: \(reason(code))")) }
    return .success(())
  }
  // The regular file to replace: where the symlinks lead (a dangling link names the file to
  // create).
  let target = exists ? (realPath(path) ?? path) : resolvedTarget(path)
  let changedMeanwhile = FileProblem(path: path, message: "changed while it was being formatted; left as it is (run again)")
  if exists && info.st_nlink > 1 {
    // Rewritten through its own inode, so the check comes before: there is no rename to guard.
    if let expected, !unchanged(target, expected) { return .failure(changedMeanwhile) }
    return rewriteInPlace(bytes, target: target, path: path)
  }
  installInterruptHandlers()
  let targetBytes = RawPaths.bytes(target)
  let folder = folderOf(target)
  let temporary = RawPaths.shown(targetBytes + Array(".runbook-tmp-\(getpid())".utf8))
  setPending(temporary)
  defer { setPending(nil) }
  let descriptor = withCPath(temporary) { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, exists ? (info.st_mode & 0o7777) : 0o666) }
  guard descriptor >= 0 else {
    return .failure(FileProblem(path: path, message: "cannot create a temporary file in \(folder): \(reason(errno))"))
  }
  var failure: FileProblem?
  if let code = writeAll(descriptor, bytes) {
    failure = FileProblem(path: path, message: "cannot write: \(reason(code))")
  } else if fsync(descriptor) != 0 {
    failure = FileProblem(path: path, message: "cannot flush to disk: \(reason(errno))")
  } else if exists {
    // Keep who may read it: the mode exactly (the umask does not apply to fchmod), and the owner
    // and group where allowed.
    _ = fchown(descriptor, info.st_uid, info.st_gid)
    _ = fchmod(descriptor, info.st_mode & 0o7777)
  }
  close(descriptor)
  // Checked last, just before the rename, so that an edit made while the output was written is
  // kept too.
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

/// A path made absolute against the working directory, with `.` and `..` resolved.
func absolutePath(_ path: String) -> String {
  let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
  var parts: [Substring] = []
  for part in full.split(separator: "/") {
    if part == "." || part.isEmpty { continue }
    if part == ".." { _ = parts.popLast() } else { parts.append(part) }
  }
  return "/" + parts.joined(separator: "/")
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
