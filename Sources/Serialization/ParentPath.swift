/// `path` without its last component: "" for a bare name, "/" for a name under the root;
/// trailing slashes are ignored, on the path and on its parent.
///
/// ```swift
/// parentPath(of: "runs/a/")   // "runs"
/// parentPath(of: "/e")        // "/"
/// parentPath(of: "e")         // ""
/// ```
///
/// Written out because `NSString.deletingLastPathComponent` crashes on a one-character bare
/// name such as "e" in swift-corelibs-foundation.
public func parentPath(of path: String) -> String {
  var path = Substring(path)
  while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
  guard let slash = path.lastIndex(of: "/") else { return "" }
  if slash == path.startIndex { return "/" }
  var parent = path[..<slash]
  while parent.count > 1 && parent.hasSuffix("/") { parent.removeLast() }
  return String(parent)
}
