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

// MARK: - Reading

/// Reads everything from `descriptor`, stopping as soon as more than `limit` bytes have come:
/// then the bytes read so far (one more than the limit) are returned, and the compiler reports
/// the file as too large (RB0701), the same way for every kind of source.
func readAll(_ descriptor: Int32, limit: Int, path: String) -> Result<[UInt8], FileProblem> {
  var bytes: [UInt8] = []
  var info = stat()
  if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 {
    bytes.reserveCapacity(min(Int(info.st_size), limit) + 1)
  }
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while bytes.count <= limit {
    let wanted = min(chunk.count, limit + 1 - bytes.count)
    let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, wanted) }
    if count < 0 {
      if errno == EINTR { continue }
      return .failure(FileProblem(path: path, message: "cannot read: \(reason(errno))"))
    }
    if count == 0 { break }
    bytes.append(contentsOf: chunk[0..<count])
  }
  return .success(bytes)
}

/// Reads a file by path (following symlinks), refusing folders.
func readFile(_ path: String, limit: Int) -> Result<[UInt8], FileProblem> {
  let descriptor = open(path, O_RDONLY | O_CLOEXEC)
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

/// What a path is, following symlinks; nil when it does not exist.
enum FileKind {
  case regular, folder, other
}

func fileKind(_ path: String) -> FileKind? {
  var info = stat()
  guard stat(path, &info) == 0 else { return nil }
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
  guard stat(path, &info) == 0 else { return nil }
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
  let bytes = Array(path.utf8CString.prefix(Int(PATH_MAX)))
  for (index, byte) in bytes.enumerated() { pendingPath[index] = byte }
  pendingPath[min(bytes.count, Int(PATH_MAX))] = 0
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

/// Writes all of `bytes` to `descriptor`.
private func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Int32? {
  var offset = 0
  while offset < bytes.count {
    let count = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
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
  var current = path
  for _ in 0..<40 {
    var info = stat()
    guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return current }
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink(current, &buffer, Int(PATH_MAX))
    guard length > 0 else { return current }
    let target = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    current = target.hasPrefix("/") ? target : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
  }
  return current
}

/// The absolute path with every symlink resolved, for a path that exists.
private func realPath(_ path: String) -> String? {
  guard let resolved = realpath(path, nil) else { return nil }
  defer { free(resolved) }
  return String(cString: resolved)
}

/// How a file must look for an in-place rewrite to go ahead: what it was when it was read.
struct ExpectedContent {
  let bytes: [UInt8]
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
func writeFile(_ bytes: [UInt8], to path: String, expected: ExpectedContent? = nil) -> Result<Void, FileProblem> {
  if path == "-" {
    FileHandle.standardOutput.write(Data(bytes))
    return .success(())
  }
  var info = stat()
  let exists = stat(path, &info) == 0
  if exists && (info.st_mode & S_IFMT) == S_IFDIR {
    return .failure(FileProblem(path: path, message: "is a folder; name a file to write"))
  }
  if exists && (info.st_mode & S_IFMT) != S_IFREG {
    // Nothing to replace: write through, as a shell redirection would (the kernel follows
    // links such as /dev/stdout → /proc/self/fd/1).
    let descriptor = open(path, O_WRONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return .failure(FileProblem(path: path, message: "cannot open for writing: \(reason(errno))")) }
    defer { close(descriptor) }
    if let code = writeAll(descriptor, bytes) { return .failure(FileProblem(path: path, message: "cannot write: \(reason(code))")) }
    return .success(())
  }
  // The regular file to replace: where the symlinks lead (a dangling link names the file to
  // create).
  let target = exists ? (realPath(path) ?? path) : resolvedTarget(path)
  if let expected, !unchanged(target, expected) {
    return .failure(FileProblem(path: path, message: "changed while it was being formatted; left as it is (run again)"))
  }
  if exists && info.st_nlink > 1 {
    return rewriteInPlace(bytes, target: target, path: path)
  }
  installInterruptHandlers()
  let folder = (target as NSString).deletingLastPathComponent
  let name = (target as NSString).lastPathComponent
  let temporary = (folder.isEmpty ? "" : folder + "/") + name + ".runbook-tmp-\(getpid())"
  setPending(temporary)
  defer { setPending(nil) }
  let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, exists ? (info.st_mode & 0o7777) : 0o666)
  guard descriptor >= 0 else {
    return .failure(FileProblem(path: path, message: "cannot create a temporary file in \(folder.isEmpty ? "." : folder): \(reason(errno))"))
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
  if failure == nil, let expected, !unchanged(target, expected) {
    failure = FileProblem(path: path, message: "changed while it was being formatted; left as it is (run again)")
  }
  if failure == nil && rename(temporary, target) != 0 {
    failure = FileProblem(path: path, message: "cannot replace the file: \(reason(errno))")
  }
  if let failure {
    unlink(temporary)
    return .failure(failure)
  }
  let folderDescriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
  if folderDescriptor >= 0 {
    fsync(folderDescriptor)
    close(folderDescriptor)
  }
  return .success(())
}

/// Whether the file still holds the bytes it held when read.
private func unchanged(_ path: String, _ expected: ExpectedContent) -> Bool {
  guard case .success(let now) = readFile(path, limit: max(expected.bytes.count, 1)) else { return false }
  return now == expected.bytes
}

/// Rewrites a hard-linked file through its own inode: truncate and write, then flush.
private func rewriteInPlace(_ bytes: [UInt8], target: String, path: String) -> Result<Void, FileProblem> {
  let descriptor = open(target, O_WRONLY | O_TRUNC | O_CLOEXEC)
  guard descriptor >= 0 else { return .failure(FileProblem(path: path, message: "cannot open for writing: \(reason(errno))")) }
  defer { close(descriptor) }
  if let code = writeAll(descriptor, bytes) { return .failure(FileProblem(path: path, message: "cannot write: \(reason(code))")) }
  if fsync(descriptor) != 0 { return .failure(FileProblem(path: path, message: "cannot flush to disk: \(reason(errno))")) }
  return .success(())
}
