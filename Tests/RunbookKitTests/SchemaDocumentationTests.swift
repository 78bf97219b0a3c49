// The JSON Schemas say what they mean: every schema states its versioning rule, and every
// property in every schema has a description.
import XCTest

final class SchemaDocumentationTests: XCTestCase {
  private func schema(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: repositoryRoot.appendingPathComponent("Grammar/\(name)"))
    return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  /// Paths of properties without a description, anywhere in a schema.
  private func undescribed(_ node: Any, _ path: String = "") -> [String] {
    var missing: [String] = []
    if let object = node as? [String: Any] {
      for (key, value) in object["properties"] as? [String: Any] ?? [:] {
        if (value as? [String: Any])?["description"] == nil { missing.append(path + "/" + key) }
        missing += undescribed(value, path + "/" + key)
      }
      for (key, value) in object where key != "properties" { missing += undescribed(value, path + "/" + key) }
    } else if let array = node as? [Any] {
      for value in array { missing += undescribed(value, path) }
    }
    return missing
  }

  func testEverySchemaStatesItsVersioningRule() throws {
    for name in ["runbook.schema.json", "plan.schema.json", "journal.schema.json", "run-report.schema.json"] {
      let comment = try schema(name)["$comment"] as? String
      XCTAssertTrue(comment?.contains("Versioning:") == true, name)
    }
  }

  func testEverySchemaDescribesEveryProperty() throws {
    for name in ["runbook.schema.json", "plan.schema.json", "journal.schema.json", "run-report.schema.json"] {
      // The conditional requirements in `allOf` name properties without defining them.
      var document = try schema(name)
      document["allOf"] = nil
      XCTAssertEqual(undescribed(document), [], name)
    }
  }
}
