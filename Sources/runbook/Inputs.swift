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

/// Expands the paths given on the command line into inputs, in a deterministic order. A folder
/// is searched for regular files named `*.runbook` (symlinks to them count; FIFOs, devices and
/// folders so named do not, so a scan never blocks); a path named on the command line is read
/// whatever it is.
func collectInputs(_ paths: [String], stdinName: String?) -> [InputItem] {
  var items: [InputItem] = []
  for path in paths {
    if path == "-" {
      items.append(.standardInput(name: stdinName ?? "<stdin>"))
      continue
    }
    guard let kind = fileKind(path) else {
      items.append(.failure(path: path, message: "no such file or folder"))
      continue
    }
    guard kind == .folder else {
      items.append(.file(path: path))
      continue
    }
    guard let found = runbookFiles(in: path) else {
      items.append(.failure(path: path, message: "cannot list the folder"))
      continue
    }
    items += found.sorted().map { .file(path: $0) }
  }
  return items
}

/// Reads an input's bytes, or explains why it cannot. Reading stops past the size limit, from
/// any source; the compiler then reports the file as too large (RB0701).
func readInput(_ item: InputItem) -> Result<SourceFile, InputError> {
  let limit = RunbookInfo.maximumFileBytes
  switch item {
  case .failure(let path, let message):
    return .failure(InputError(path: path, message: message))
  case .standardInput(let name):
    switch readAll(STDIN_FILENO, limit: limit, path: name) {
    case .success(let bytes): return .success(SourceFile(path: name, bytes: bytes))
    case .failure(let problem): return .failure(InputError(path: name, message: problem.message))
    }
  case .file(let path):
    switch readFile(path, limit: limit) {
    case .success(let bytes): return .success(SourceFile(path: path, bytes: bytes))
    case .failure(let problem): return .failure(InputError(path: path, message: problem.message))
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
