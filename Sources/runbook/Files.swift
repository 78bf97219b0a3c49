// Reading files safely, and telling paths apart, with POSIX calls so that every case is decided
// here rather than by a library: reads stop at the size limit whatever the source (a file, a
// symlink to a huge file, standard input, /dev/zero). (Writing is in OutputFile.swift.) Every
// failure is said in plain words, with the path and the system's reason.
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
