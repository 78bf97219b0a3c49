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
    // Blanks, one of them longer than all the room left; none for a count below one.
    buffer.append(repeating: UInt8(ascii: "_"), count: 8)
    buffer.append(repeating: UInt8(ascii: "_"), count: 0)
    buffer.append(repeating: UInt8(ascii: "_"), count: -3)
    buffer.append(repeating: UInt8(ascii: "x"), count: 100_000)
    expected += [UInt8](repeating: UInt8(ascii: "_"), count: 8) + [UInt8](repeating: UInt8(ascii: "x"), count: 100_000)
    XCTAssertEqual(buffer.count, expected.count)
    XCTAssertEqual(buffer.array(), expected)
  }

  /// A backend's document is read from the buffer it was written into: the bytes, their count
  /// and the text agree with what was appended, across a growth of the buffer.
  func testRenderedDocumentIsTheBufferAsWritten() {
    var buffer = ByteBuffer(capacity: 1)
    let text = String(repeating: "- [ ] **1.** Check é€😀\n", count: 50)
    buffer.append(utf8: text)
    let document = RenderedDocument(buffer)
    XCTAssertEqual(document.count, text.utf8.count)
    XCTAssertEqual(document.bytes, Array(text.utf8))
    XCTAssertEqual(document.text, text)
    XCTAssertEqual(document.withUnsafeBytes { Array($0) }, Array(text.utf8))
    let copied = RenderedDocument(copying: Array(text.utf8))
    XCTAssertEqual(copied.text, text)
    XCTAssertEqual(RenderedDocument(copying: []).count, 0)
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

  /// Each side of every power of ten, both signs, and every number below 20,000, into a buffer
  /// that starts small and grows under them: the digits are counted before they are written,
  /// two at a time, so every length and every pair is a case of its own.
  func testDecimalsAtEveryLengthAndPair() {
    var numbers = Array(0..<20_000)
    var power = 1
    for _ in 0..<19 {
      numbers += [power - 1, power, power + 1, -power + 1, -power, -power - 1]
      if power > Int.max / 10 { break }
      power *= 10
    }
    numbers += [Int.max, Int.max - 1, Int.min, Int.min + 1]
    var expected: [UInt8] = []
    var buffer = ByteBuffer(capacity: 1)
    for number in numbers {
      buffer.append(decimal: number)
      expected += Array(String(number).utf8)
      buffer.append(UInt8(ascii: " "))
      expected.append(UInt8(ascii: " "))
    }
    XCTAssertEqual(buffer.array(), expected)
    var bytes: [UInt8] = []
    for number in numbers {
      bytes.append(decimal: number)
      bytes.append(UInt8(ascii: " "))
    }
    XCTAssertEqual(bytes, expected)
  }
}
