// The byte buffer the writers of large outputs append to, and the number writer all byte sinks
// share.
import XCTest
@testable import RunbookKit

final class ByteBufferTests: XCTestCase {
  func testGrowsPastItsFirstAllocationKeepingEveryByte() {
    var buffer = ByteBuffer(capacity: 1)
    var expected: [UInt8] = []
    for round in 0..<2000 {
      let byte = UInt8(truncatingIfNeeded: round)
      buffer.append(byte)
      expected.append(byte)
      if round % 7 == 0 {
        let run = [UInt8](repeating: byte &+ 1, count: round % 300)
        run.withUnsafeBufferPointer { buffer.append(bytes: $0) }
        expected += run
      }
    }
    buffer.append(utf8: "é€😀")
    expected += Array("é€😀".utf8)
    XCTAssertEqual(buffer.count, expected.count)
    XCTAssertEqual(buffer.array(), expected)
  }

  func testDecimalsOfEveryMagnitude() {
    for number in [0, 7, -7, 10, 99, 100, -1000, 1_234_567_890, Int.max, Int.min] {
      var bytes: [UInt8] = []
      bytes.append(decimal: number)
      XCTAssertEqual(String(decoding: bytes, as: UTF8.self), String(number))
      var buffer = ByteBuffer()
      buffer.append(decimal: number)
      XCTAssertEqual(buffer.array(), bytes)
    }
  }
}
