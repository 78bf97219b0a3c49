// The journal on disk: opened once per command, locked for the whole read-check-append so that
// two people signing at the same moment cannot interleave or sign against a stale state, and
// appended with one `write` of a whole line through O_APPEND, then flushed to disk with `fsync`
// before the command reports success. A new journal's folder is flushed too, so that the file
// itself survives a crash. Nothing here rewrites or shortens a journal.
import Foundation
import RunbookKit

#if canImport(Glibc)
  import Glibc
#endif

/// An open, locked journal.
final class JournalFile {
  let path: String
  private let descriptor: Int32

  private init(path: String, descriptor: Int32) {
    self.path = path
    self.descriptor = descriptor
  }

  deinit { close(descriptor) }

  /// Opens an existing journal and takes its lock: exclusive to append, shared to read.
  static func open(_ path: String, exclusive: Bool) -> Result<JournalFile, FileProblem> {
    // Non-blocking, so that a FIFO given as the journal is refused rather than waited on.
    let flags = (exclusive ? O_RDWR | O_APPEND : O_RDONLY) | O_CLOEXEC | O_NONBLOCK
    let descriptor = withCPath(path) { Glibc.open($0, flags) }
    guard descriptor >= 0 else {
      let code = errno
      return .failure(FileProblem(path: path, message: code == ENOENT ? "no such journal; begin a run with `runbook run start FILE`" : "cannot open the journal: \(reason(code))"))
    }
    let file = JournalFile(path: path, descriptor: descriptor)
    if let problem = file.checkRegular() { return .failure(problem) }
    if let problem = file.lock(exclusive: exclusive) { return .failure(problem) }
    return .success(file)
  }

  /// Creates a new, empty journal (never an existing one) and takes its lock.
  static func create(_ path: String) -> Result<JournalFile, FileProblem> {
    let descriptor = withCPath(path) { Glibc.open($0, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
    guard descriptor >= 0 else {
      let code = errno
      return .failure(FileProblem(path: path, message: code == EEXIST ? "already exists" : "cannot create the journal: \(reason(code))"))
    }
    let file = JournalFile(path: path, descriptor: descriptor)
    if let problem = file.lock(exclusive: true) { return .failure(problem) }
    // The new name must survive a crash as well as the entry.
    syncFolder(of: path)
    return .success(file)
  }

  private func checkRegular() -> FileProblem? {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { return FileProblem(path: path, message: "cannot inspect the journal: \(reason(errno))") }
    guard (info.st_mode & S_IFMT) == S_IFREG else { return FileProblem(path: path, message: "is not a regular file; a journal is a plain file") }
    return nil
  }

  private func lock(exclusive: Bool) -> FileProblem? {
    while flock(descriptor, exclusive ? LOCK_EX : LOCK_SH) != 0 {
      if errno == EINTR { continue }
      return FileProblem(path: path, message: "cannot lock the journal: \(reason(errno))")
    }
    return nil
  }

  /// The whole journal, read from its start (the file is freshly opened) under the lock, with
  /// the size limit enforced while reading.
  func contents() -> Result<[UInt8], FileProblem> {
    switch readAll(descriptor, limit: maximumJournalBytes, path: path) {
    case .failure(let problem): return .failure(problem)
    case .success(let bytes) where bytes.count > maximumJournalBytes:
      return .failure(FileProblem(path: path, message: "the journal is larger than \(maximumJournalBytes >> 20) MiB; it is not read"))
    case .success(let bytes): return .success(bytes)
    }
  }

  /// Cuts the journal back to `length` bytes and flushes: used only to remove a torn last line
  /// once its bytes are saved elsewhere.
  func truncate(to length: Int) -> FileProblem? {
    guard ftruncate(descriptor, off_t(length)) == 0, fsync(descriptor) == 0 else {
      return FileProblem(path: path, message: "cannot cut off the torn line: \(reason(errno))")
    }
    return nil
  }

  /// Appends one whole line with a single write and flushes it to disk. A short write (a full
  /// disk) is reported: the line is then torn, and `verify` will say so.
  func append(_ line: [UInt8]) -> FileProblem? {
    while true {
      let count = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      if count < 0 { return FileProblem(path: path, message: "cannot append to the journal: \(reason(errno)); nothing was recorded") }
      if count < line.count {
        return FileProblem(path: path, message: "only \(count) of \(line.count) bytes were written (is the disk full?); the entry is torn and not recorded")
      }
      break
    }
    while fsync(descriptor) != 0 {
      if errno == EINTR { continue }
      return FileProblem(path: path, message: "cannot flush the journal to disk: \(reason(errno)); the entry may not survive a crash")
    }
    return nil
  }
}
