// Ids made from titles: the allocator, which works on bytes and one table, against the rule as
// written in terms of Unicode scalars (lowercase the title, keep ASCII letters and digits, join
// the runs between them with `_`), over titles of every kind and many collisions.
import XCTest
@testable import RunbookKit

final class DerivedIDTests: XCTestCase {
  /// The rule, the plain way: a reference for the allocator.
  private struct ReferenceAllocator {
    var declared: Set<String>
    var derived: Set<String> = []
    var nextSuffix: [String: Int] = [:]

    mutating func derive(from title: String) -> String {
      var slug = ""
      var pendingUnderscore = false
      for scalar in title.lowercased().unicodeScalars {
        if scalar.isASCII && (("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)) {
          if pendingUnderscore && !slug.isEmpty { slug += "_" }
          pendingUnderscore = false
          slug.unicodeScalars.append(scalar)
          if slug.utf8.count >= 40 { break }
        } else {
          pendingUnderscore = true
        }
      }
      if slug.isEmpty || slug.first?.isNumber == true { slug = "item_" + slug }
      var candidate = slug
      var suffix = nextSuffix[slug] ?? 2
      while declared.contains(candidate) || derived.contains(candidate) {
        candidate = "\(slug)_\(suffix)"
        suffix += 1
      }
      nextSuffix[slug] = suffix
      derived.insert(candidate)
      return candidate
    }
  }

  private func allocators(declaring written: [String]) -> (IDAllocator, ReferenceAllocator) {
    var table = NameTable<(item: Item?, range: SourceRange)>()
    for name in written { _ = table.insertNew(name, (nil, SourceRange.at(0))) }
    return (IDAllocator(declared: table), ReferenceAllocator(declared: Set(written)))
  }

  func testSlugsFollowTheRuleForEveryKindOfTitle() {
    let titles = [
      "Take backup of Prod MAIN and TEST - should rollback be required",
      "Review the ClinSpark release notes and technical file documentation via the service desk portal.",
      "  Go / No-Go decision  ", "2nd pass", "", "???", "Ünïcödé naïve café", "KELVIN \u{212A} sign",
      "\u{130}stanbul office", "tab\there", "x\u{301}y", "Straße", "ÀÉÎ", "a", "A", "9",
      "Exactly forty bytes of letters abcdefgh", "one two three four five six seven eight nine ten eleven",
      "emoji 🚀 launch", "Check item 1", "check-item-1", "CHECK ITEM 1",
    ]
    var (allocator, reference) = allocators(declaring: [])
    for title in titles {
      var fresh = ReferenceAllocator(declared: [])
      XCTAssertEqual(IDAllocator.slug(of: title), fresh.derive(from: title), title)
      XCTAssertEqual(allocator.derive(from: title), reference.derive(from: title), title)
    }
  }

  func testCollisionsWithWrittenAndDerivedIdsAgreeWithTheRule() {
    // Written ids that titles also make, titles repeated many times, and titles whose slug is
    // an id another title was given with a suffix (`check_2`).
    var (allocator, reference) = allocators(declaring: ["check", "check_3", "backup", "item_2nd"])
    var titles: [String] = []
    for round in 0..<40 {
      titles += ["Check", "check 2", "Check_2", "Backup", "2nd", "Check \(round % 5)", "Backup \(round % 3)", "—"]
    }
    var seen: Set<String> = []
    for title in titles {
      let id = allocator.derive(from: title)
      XCTAssertEqual(id, reference.derive(from: title), title)
      XCTAssertTrue(seen.insert(id).inserted, "\(id) given twice")
    }
  }

  func testSuffixesOfEveryLengthAgreeWithTheRule() {
    // Slugs short enough to be held in a string itself and of the longest kind (`item_` and 40
    // bytes), each made a thousand times: suffixes of one digit to four.
    let long = "1" + String(repeating: "x", count: 60)
    var (allocator, reference) = allocators(declaring: ["a_5", "item_1" + String(repeating: "x", count: 39) + "_7"])
    var seen: Set<String> = []
    for _ in 0..<1_000 {
      for title in ["A", long, "Backup of the database"] {
        let id = allocator.derive(from: title)
        XCTAssertEqual(id, reference.derive(from: title), title)
        XCTAssertTrue(seen.insert(id).inserted, "\(id) given twice")
      }
    }
    XCTAssertTrue(seen.contains("a_1001"))
  }

  func testNameTableSetReplacesOrAdds() {
    var table = NameTable<Int>()
    table.set("backup", 1)
    table.set("restore", 2)
    table.set("backup", 3)
    for index in 0..<100 { table.set("name_\(index)", index) }
    XCTAssertEqual(table["backup"], 3)
    XCTAssertEqual(table["restore"], 2)
    XCTAssertEqual(table["name_99"], 99)
    XCTAssertEqual(table.count, 102)
    XCTAssertEqual(Array(table.keys.prefix(2)), ["backup", "restore"])
  }
}
