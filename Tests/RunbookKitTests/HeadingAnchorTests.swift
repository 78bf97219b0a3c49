// The anchors the Markdown checklist links its contents to: GitHub's rule (lowercase; letters,
// digits, `_` and `-` kept; spaces to hyphens; everything else dropped; for repeats the first of
// `-1`, `-2` … no heading has taken), for titles in ASCII, which take a path of their own, and for
// others; and the table of contents, linked to the headings of the document it heads.
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
    // A repeat skips a number that a heading of its own has taken.
    XCTAssertEqual(anchors.register("Delta"), "delta")
    XCTAssertEqual(anchors.register("Delta 1"), "delta-1")
    XCTAssertEqual(anchors.register("Delta"), "delta-2")
    XCTAssertEqual(anchors.register("Delta-1"), "delta-1-1")
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
      XCTAssertEqual(anchors.register(title), uniqueAnchor(writtenOutSlug(title), &seen), title)
    }
  }

  /// A table of contents links each entry to the heading it names, counting every heading of
  /// the document as GitHub does: stages nested deeper than the table lists, template and
  /// contact-group titles, and headings whose text is another's with a number.
  func testTheContentsLinkToTheHeadingsTheyName() throws {
    let compilation = compile("""
      runbook "Anchors" {
        role a "A" phone "1"
        instructions "Read first."
        stage s1 "Alpha" owner a {
          stage s2 "Beta" {
            stage s3 "Delta" {
              step x1 "One"
            }
            stage s7 "Contact Information" {
              step x7 "Seven"
            }
          }
        }
        stage s4 "Delta 1" owner a { step x2 "Two" }
        signoff "Ready" by a covers s4
        stage s5 "Sign-off" owner a { step x3 "Three" }
        stage s6 "Delta" owner a { step x4 "Four" }
        signoff "Done" by a
        template t "Delta" { text "Hello" }
        contacts "Delta" { contact "Desk" phone "2" }
      }
      """)
    XCTAssertFalse(compilation.hasErrors, "\(compilation.diagnostics)")
    let document = markdown(compilation)
    // The headings as a reader of the Markdown finds them (fences skipped), with their anchors.
    var headings: [(anchor: String, text: String)] = []
    var seen: [String: Int] = [:]
    var fenced = false
    for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("```") { fenced.toggle(); continue }
      guard !fenced, let hashes = line.firstIndex(where: { $0 != "#" }), hashes != line.startIndex,
            line[hashes] == " " else { continue }
      let text = String(line[line.index(after: hashes)...])
      headings.append((uniqueAnchor(writtenOutSlug(text), &seen), text))
    }
    let links = document.split(separator: "\n").compactMap { line -> (text: String, anchor: String)? in
      guard line.hasPrefix("- [") || line.hasPrefix("  - ["), let close = line.range(of: "](#") else { return nil }
      let text = line[line.range(of: "[")!.upperBound..<close.lowerBound]
      return (String(text), String(line[close.upperBound...].dropLast()))
    }
    XCTAssertEqual(links.map(\.text), ["Instructions", "Roles and Key Contacts", "Alpha", "Beta", "Delta 1",
                                       "Sign-off", "Sign-off", "Delta", "Sign-off", "Communication Templates",
                                       "Contact Information"])
    for link in links {
      let target = headings.filter { $0.anchor == link.anchor }
      XCTAssertEqual(target.count, 1, "\(link.anchor) is the anchor of \(target.count) headings")
      XCTAssertEqual(target.first?.text, link.text, link.anchor)
    }
    XCTAssertEqual(links.first { $0.text == "Delta" }?.anchor, "delta-2")
    XCTAssertEqual(links.last?.anchor, "contact-information-1")
  }
}

/// GitHub's rule for a slug, written out: lowercase; letters, digits, `_` and `-` kept; spaces to
/// hyphens; the rest dropped.
private func writtenOutSlug(_ title: String) -> String {
  var slug = ""
  for character in title.lowercased() {
    if character.isLetter || character.isNumber || character == "_" || character == "-" {
      slug.append(character)
    } else if character == " " {
      slug.append("-")
    }
  }
  return slug
}

/// GitHub's rule for repeats, written out: the first `slug-N` no heading has taken.
private func uniqueAnchor(_ slug: String, _ seen: inout [String: Int]) -> String {
  var anchor = slug
  while seen[anchor] != nil {
    seen[slug, default: 0] += 1
    anchor = "\(slug)-\(seen[slug]!)"
  }
  seen[anchor] = 0
  return anchor
}
