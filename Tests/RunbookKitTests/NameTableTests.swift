// The table of declared names: first value kept, insertion order, growth, and names that differ
// only late or in length.
import XCTest
@testable import RunbookKit

final class NameTableTests: XCTestCase {
  func testKeepsTheFirstValueAndTheOrderOfInsertion() {
    var table = NameTable<Int>()
    XCTAssertNil(table.insertNew("backup", 1))
    XCTAssertNil(table.insertNew("restore", 2))
    XCTAssertEqual(table.insertNew("backup", 3), 1)
    XCTAssertEqual(table["backup"], 1)
    XCTAssertEqual(table["restore"], 2)
    XCTAssertNil(table["verify"])
    XCTAssertEqual(table.keys, ["backup", "restore"])
    XCTAssertEqual(table.values, [1, 2])
  }

  func testGrowsPastItsCapacityAndFindsEveryName() {
    var table = NameTable<Int>(capacity: 2)
    // Names that share long prefixes, differ only in their last byte or in length, and are
    // longer than a word, so that every path of the hash is taken.
    let names = (0..<5_000).map { "step_of_the_long_prefix_\($0)" } + ["a", "a_", "aa", "", "x\u{301}", "x"]
    for (index, name) in names.enumerated() { XCTAssertNil(table.insertNew(name, index)) }
    XCTAssertEqual(table.count, names.count)
    for (index, name) in names.enumerated() { XCTAssertEqual(table[name], index, name) }
    XCTAssertNil(table["step_of_the_long_prefix_5000"])
    XCTAssertNil(table["step_of_the_long_prefix_"])
    XCTAssertEqual(table.keys, names)
  }
}
