import Foundation
import TestSupport
import Testing

/// The README's Swift examples (Examples/Readme, written from README.md by
/// scripts/readme-examples) as the release build compiles them: they are the README's blocks
/// verbatim, each runs to completion, and prints the lines its `// prints:` comments promise.
@Suite struct ReadmeProgramTests {
  /// The repository: three levels above this file (Tests/ReleaseExitTests/…).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The examples' names, from Examples/Readme.
  static let names: [String] = {
    let directory = root.appendingPathComponent("Examples/Readme")
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return entries.sorted()
  }()

  /// The generated files are the README's current blocks, and Package.swift lists them.
  @Test func examplesMatchTheReadme() throws {
    let script = Self.root.appendingPathComponent("scripts/readme-examples").path
    let result = try runProcess("/usr/bin/env", ["python3", script, "--check"])
    #expect(result.status == 0, "\(result.errorOutput)")
    #expect(Self.names.count >= 7, "\(Self.names)")
  }

  /// The README's command-line samples still match what their commands print (up to timings
  /// and last digits): scripts/readme-samples --check.
  @Test func commandSamplesMatchTheirCommands() throws {
    let script = Self.root.appendingPathComponent("scripts/readme-samples").path
    let result = try runProcess(
      "/usr/bin/env", ["python3", script, "--check"],
      environment: ["VARIATIONAL_RELEASE_DIRECTORY": ReleaseBinary.directory.path])
    #expect(result.status == 0, "\(result.errorOutput)")
  }

  /// Each example that is not marked "compile only" runs in a scratch directory, exits 0, and
  /// prints every `// prints:` line of its source, in order.
  @Test(arguments: names)
  func exampleRunsAndPrintsWhatTheReadmeSays(_ name: String) throws {
    let source = try String(
      contentsOf: Self.root.appendingPathComponent("Examples/Readme/\(name)/main.swift"),
      encoding: .utf8)
    guard !source.contains("// readme-example: compile only") else { return }
    let expected = source.split(separator: "\n").compactMap { line -> String? in
      let text = line.trimmingCharacters(in: .whitespaces)
      return text.hasPrefix("// prints: ") ? String(text.dropFirst("// prints: ".count)) : nil
    }
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("readme-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let outcome = try ReleaseBinary(name: "readme-\(name)").run(
      [], in: directory.path, timeout: 120)
    #expect(outcome.status == 0 && !outcome.signalled, "\(outcome)")
    var lines = outcome.standardOutput.split(separator: "\n").map {
      $0.trimmingCharacters(in: .whitespaces)
    }[...]
    for line in expected {
      guard let index = lines.firstIndex(of: line) else {
        Issue.record("readme-\(name) did not print \"\(line)\" (in order)\n\(outcome)")
        return
      }
      lines = lines[(index + 1)...]
    }
  }
}
