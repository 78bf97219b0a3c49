// Finding and reading input files: paths as given, folders searched recursively for *.runbook
// (in sorted order, hidden folders skipped), '-' for standard input.
import Foundation
import RunbookKit

/// One input to read, or a reason it could not be found.
enum InputItem {
  case file(path: String)
  case standardInput(name: String)
  case failure(path: String, message: String)
}

/// Expands the paths given on the command line into inputs, in a deterministic order.
func collectInputs(_ paths: [String], stdinName: String?) -> [InputItem] {
  var items: [InputItem] = []
  let manager = FileManager.default
  for path in paths {
    if path == "-" {
      items.append(.standardInput(name: stdinName ?? "<stdin>"))
      continue
    }
    var isDirectory: ObjCBool = false
    guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
      items.append(.failure(path: path, message: "no such file or folder"))
      continue
    }
    guard isDirectory.boolValue else {
      items.append(.file(path: path))
      continue
    }
    guard let enumerator = manager.enumerator(atPath: path) else {
      items.append(.failure(path: path, message: "cannot list the folder"))
      continue
    }
    var found: [String] = []
    while let relative = enumerator.nextObject() as? String {
      let name = (relative as NSString).lastPathComponent
      if name.hasPrefix(".") {
        enumerator.skipDescendants()
        continue
      }
      if name.hasSuffix(".runbook") {
        found.append(path.hasSuffix("/") ? path + relative : path + "/" + relative)
      }
    }
    items += found.sorted().map { .file(path: $0) }
  }
  return items
}

/// Reads an input's bytes, or explains why it cannot.
func readInput(_ item: InputItem) -> Result<SourceFile, InputError> {
  switch item {
  case .failure(let path, let message):
    return .failure(InputError(path: path, message: message))
  case .standardInput(let name):
    let data = FileHandle.standardInput.readDataToEndOfFile()
    return .success(SourceFile(path: name, bytes: [UInt8](data)))
  case .file(let path):
    if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
      let size = attributes[.size] as? Int, size > RunbookInfo.maximumFileBytes
    {
      return .failure(InputError(
        path: path,
        message: "the file is \(size) bytes; the limit is \(RunbookInfo.maximumFileBytes) bytes (64 MiB)"))
    }
    guard let handle = FileHandle(forReadingAtPath: path) else {
      return .failure(InputError(path: path, message: "cannot open the file (check that it exists and is readable)"))
    }
    defer { try? handle.close() }
    do {
      let data = try handle.readToEnd() ?? Data()
      return .success(SourceFile(path: path, bytes: [UInt8](data)))
    } catch {
      return .failure(InputError(path: path, message: "cannot read the file: \(error.localizedDescription)"))
    }
  }
}

/// Why an input could not be read.
struct InputError: Error {
  let path: String
  let message: String
}

/// Reads the one input of `build` or `plan` (a path, or '-' for standard input); prints why
/// when it cannot.
func readSingleInput(_ path: String) -> SourceFile? {
  let item: InputItem = path == "-" ? .standardInput(name: "<stdin>") : .file(path: path)
  switch readInput(item) {
  case .failure(let failure):
    Output.error("\(visible(failure.path)): error: \(failure.message)\n")
    return nil
  case .success(let file):
    return file
  }
}
