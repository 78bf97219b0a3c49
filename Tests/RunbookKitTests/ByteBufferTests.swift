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

  /// A buffer that streams hands over its bytes in order, each time its room is full, and holds
  /// no more than its room, or twice the largest piece written when a piece is larger (the
  /// room doubles until the piece fits).
  func testAStreamingBufferHandsOverEveryByteInOrder() {
    for room in [1, 3, 64, 4096] {
      let destination = CollectingDestination(room: room)
      var buffer = ByteBuffer(capacity: 1_000_000, streamingTo: destination)
      var expected: [UInt8] = []
      for round in 0..<3000 {
        let byte = UInt8(truncatingIfNeeded: round)
        buffer.append(byte)
        expected.append(byte)
        switch round % 5 {
        case 0:
          let run = [UInt8](repeating: byte &+ 1, count: round % 300)
          run.withUnsafeBufferPointer { buffer.append(bytes: $0) }
          expected += run
        case 1:
          buffer.append(decimal: -round * 7919)
          expected += Array(String(-round * 7919).utf8)
        case 2:
          buffer.append(repeating: UInt8(ascii: "_"), count: round % 70)
          expected += [UInt8](repeating: UInt8(ascii: "_"), count: round % 70)
        case 3:
          buffer.write(atMost: 8) { start in
            for index in 0..<5 { start[index] = UInt8(ascii: "a") + UInt8(index) }
            return 5
          }
          expected += Array("abcde".utf8)
        default:
          buffer.append(utf8: "é€😀")
          expected += Array("é€😀".utf8)
        }
      }
      let rest = RenderedDocument(buffer)
      // The largest piece is 299 bytes.
      XCTAssertLessThanOrEqual(rest.count, max(room, 2 * 299), "room \(room)")
      rest.handOver(to: destination)
      XCTAssertEqual(destination.bytes, expected, "room \(room)")
      XCTAssertLessThanOrEqual(destination.largestHandOver, max(room, 2 * 299), "room \(room)")
      XCTAssertGreaterThanOrEqual(destination.handOvers, expected.count / max(room, 2 * 299), "room \(room)")
    }
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

/// A destination that keeps what it is handed, with a room of the test's choosing.
final class CollectingDestination: DocumentDestination {
  let room: Int
  private(set) var bytes: [UInt8] = []
  private(set) var handOvers = 0
  private(set) var largestHandOver = 0

  init(room: Int = ByteBuffer.streamingRoom) {
    self.room = room
  }

  func take(_ bytes: UnsafeRawBufferPointer) {
    XCTAssertFalse(bytes.isEmpty, "an empty hand-over")
    self.bytes += bytes
    handOvers += 1
    largestHandOver = max(largestHandOver, bytes.count)
  }
}
