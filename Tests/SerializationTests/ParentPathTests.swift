import Serialization
import Testing

/// `parentPath(of:)` against the cases `NSString.deletingLastPathComponent` gets wrong or
/// crashes on.
@Suite struct ParentPathTests {
  @Test(arguments: [
    ("runs/a", "runs"), ("runs/a/", "runs"), ("runs//a", "runs"), ("/e", "/"), ("e", ""),
    ("/", "/"), ("/a/b/c.json", "/a/b"), ("./x", "."), ("", ""),
  ])
  func parentPaths(_ path: String, _ parent: String) {
    #expect(parentPath(of: path) == parent, "\(path)")
  }
}
