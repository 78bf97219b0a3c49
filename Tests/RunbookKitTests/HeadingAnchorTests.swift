// The anchors the Markdown checklist links its contents to: GitHub's rule (lowercase; letters,
// digits, `_` and `-` kept; spaces to hyphens; everything else dropped; `-1`, `-2` … for
// repeats), for titles in ASCII, which take a path of their own, and for others.
import XCTest
@testable import RunbookKit

final class HeadingAnchorTests: XCTestCase {
  func testAnchorsFollowGitHubsRule() {
    var anchors = HeadingAnchors()
    XCTAssertEqual(anchors.register("Stage 1: the configuration and sign-off"), "stage-1-the-configuration-and-sign-off")
    XCTAssertEqual(anchors.register("Rollback: Restore DB"), "rollback-restore-db")
    XCTAssertEqual(anchors.register("A_B-C d"), "a_b-c-d")
    XCTAssertEqual(anchors.register("  Two  spaces"), "--two--spaces")
    XCTAssertEqual(anchors.register("Día de corte"), "día-de-corte")
    XCTAssertEqual(anchors.register("ÉMILE (v2.1)"), "émile-v21")
    XCTAssertEqual(anchors.register("Sign-off"), "sign-off")
    XCTAssertEqual(anchors.register("Sign-off"), "sign-off-1")
    XCTAssertEqual(anchors.register("SIGN-OFF"), "sign-off-2")
    XCTAssertEqual(anchors.register("!!!"), "")
    XCTAssertEqual(anchors.register("?"), "-1")
  }

  /// Random ASCII titles, each against the rule written out plainly; repeats included.
  func testASCIITitlesAgreeWithTheRuleWrittenOut() {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("aZ09 _-.:!?()[]#*`'\"\t/\\<>|&%")
    var anchors = HeadingAnchors()
    var seen: [String: Int] = [:]
    for _ in 0..<3_000 {
      let length = Int.random(in: 0...12, using: &generator)
      let title = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
      var slug = ""
      for character in title.lowercased() {
        if character.isLetter || character.isNumber || character == "_" || character == "-" {
          slug.append(character)
        } else if character == " " {
          slug.append("-")
        }
      }
      let count = seen[slug, default: 0]
      seen[slug] = count + 1
      XCTAssertEqual(anchors.register(title), count == 0 ? slug : "\(slug)-\(count)", title)
    }
  }
}
