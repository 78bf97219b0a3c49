// Known-answer tests of the SHA-256 used in the printout footer and the JSON `source` object.
import XCTest
@testable import RunbookKit

final class SHA256Tests: XCTestCase {
  func testKnownDigests() {
    XCTAssertEqual(sha256Hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(sha256Hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    XCTAssertEqual(
      sha256Hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    XCTAssertEqual(
      sha256Hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }
}

extension SHA256Tests {
  /// Every length across the first blocks and their padding boundaries, and a few long inputs,
  /// of pseudo-random bytes, against the system's `sha256sum`.
  func testAgreesWithTheSystemToolAcrossBlockBoundaries() throws {
    let tool = ["/usr/bin/sha256sum", "/bin/sha256sum"].first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let tool else { throw XCTSkip("sha256sum is not installed") }
    var generator = SystemRandomNumberGenerator()
    let lengths = Array(0...200) + [511, 512, 513, 4_095, 4_096, 65_537, 1_000_003]
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sha256-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    var expected: [String: String] = [:]
    var paths: [String] = []
    for length in lengths {
      let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      let url = folder.appendingPathComponent("\(length).bin")
      try Data(bytes).write(to: url)
      expected[url.path] = sha256Hex(bytes)
      paths.append(url.path)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = paths
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let lines = output.split(separator: "\n")
    XCTAssertEqual(lines.count, paths.count)
    for line in lines {
      let digest = String(line.prefix(64))
      let path = String(line.dropFirst(66))
      XCTAssertEqual(expected[path], digest, path)
    }
  }
}
