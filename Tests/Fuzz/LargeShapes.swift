// Structure-aware inputs for the fuzzer: an input that starts with the byte 0xFE is a recipe, not
// a runbook. Its next byte picks one of the shapes that were once slower than linear, the two
// after it a size (up to 2,048 units, so that a run stays within libFuzzer's timeout under the
// sanitizers, even unoptimised), and the rest is text that goes into titles and notes. libFuzzer mutates the recipe,
// so large files of every shape are tried with hostile text in them.

/// The runbook a recipe stands for, or nil when the input is not a recipe.
func expandRecipe(_ bytes: [UInt8]) -> [UInt8]? {
  guard bytes.count >= 4, bytes[0] == 0xFE else { return nil }
  let shape = Int(bytes[1]) % 8
  let size = (Int(bytes[2]) << 3 | Int(bytes[3]) >> 5) % 2_048 + 1
  // The rest, as the body of a string literal: quotes and backslashes escaped, line breaks kept
  // out, so that the text stays inside the string whatever it holds.
  var noise = ""
  for scalar in String(decoding: bytes.dropFirst(4).prefix(256), as: UTF8.self).unicodeScalars {
    switch scalar {
    case "\"": noise += "\\\""
    case "\\": noise += "\\\\"
    case "\n", "\r": noise += " "
    default: noise.unicodeScalars.append(scalar)
    }
  }
  var text = "runbook \"Shape \(shape) \(noise)\" {\n  anchor T \"Go\"\n  role ops \"Ops \(noise)\"\n"
  switch shape {
  case 0:  // a long run of one-line roles, aligned by the formatter
    for index in 0..<size { text += "  role r\(index) \"Role \(index)\"\n" }
    text += "  stage s \"S\" owner ops {\n    step \"x\"\n  }\n"
  case 1:  // gates each entering a rollback of their own
    text += "  stage s \"S\" owner ops {\n"
    for index in 0..<size {
      text += "    step w\(index) \"\(noise)\" duration 5m\n"
      text += "    gate g\(index) \"Gate\" {\n      decided_by ops\n      criterion \"ok\"\n      no_go -> rollback r\(index) within 1h\n    }\n"
    }
    text += "  }\n"
    for index in 0..<size { text += "  rollback r\(index) \"Undo\" owner ops {\n    step u\(index) \"Undo\" duration 10m\n  }\n" }
  case 2:  // many steps and misspelt references to them
    text += "  stage s \"S\" owner ops {\n"
    for index in 0..<size { text += "    step step_\(index) \"\(noise)\"\n" }
    for index in 0..<min(size, 100) { text += "    step \"Late\" after stpe_\(index)\n" }
    text += "  }\n"
  case 3:  // deep nesting, repeated
    for _ in 0..<max(1, size / 64) {
      for depth in 0..<31 { text += String(repeating: "  ", count: depth + 1) + "stage \"Level \(depth)\" owner ops {\n" }
      text += String(repeating: "  ", count: 32) + "step \"\(noise)\"\n"
      for depth in (0..<31).reversed() { text += String(repeating: "  ", count: depth + 1) + "}\n" }
    }
  case 4:  // a long chain with windows and deadlines that may not hold
    for index in 0..<max(1, size / 4) {
      text += "  stage s\(index) \"S\" owner ops {\n    window T+\(index)h..T+\(index + 2)h\n"
      text += "    step a\(index) \"\(noise)\" duration 30m..90m\n    step b\(index) \"B\" duration 1h {\n      deadline T+\(index + 1)h\n    }\n  }\n"
    }
  case 5:  // a wide parallel stage with many dependencies
    text += "  stage p \"P\" parallel owner ops {\n"
    for index in 0..<size {
      text += "    step p\(index) \"\(noise)\" duration 15m" + (index > 0 ? " after p\(index / 2)" : "") + "\n"
    }
    text += "  }\n"
  case 6:  // noise tokens, thousands of problems
    text += String(repeating: "( \(noise) ", count: size) + "\n"
  default:  // notes and suppressions around every step
    text += "  stage s \"S\" owner ops {\n"
    for index in 0..<size {
      text += "    # runbook:ignore RB0404 \(noise)\n    step \"Step \(index)\" {\n      note \"\(noise)\"\n    }\n"
    }
    text += "  }\n"
  }
  return Array((text + "}\n").utf8)
}
