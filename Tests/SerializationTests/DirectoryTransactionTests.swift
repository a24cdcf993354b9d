import Foundation
import Serialization
import TestSupport
import Testing

/// ``DirectoryTransaction``: a unit of files appears whole, and recovery finishes a committed
/// unit or removes an uncommitted one.
@Suite struct DirectoryTransactionTests {
  static func contents(_ directory: TemporaryDirectory, _ name: String) -> String? {
    FileManager.default.contents(atPath: directory.file(name)).map {
      String(decoding: $0, as: UTF8.self)
    }
  }

  @Test func commitReplacesEveryFileAndLeavesNothingBehind() throws {
    let directory = try TemporaryDirectory()
    try DirectoryTransaction.commit(
      [("a", Array("1".utf8)), ("b", Array("1".utf8))], label: "epoch 1", in: directory.path)
    try DirectoryTransaction.commit(
      [("a", Array("2".utf8)), ("b", Array("2".utf8))], label: "epoch 2", in: directory.path)
    #expect(try directory.entries() == ["a", "b"])
    #expect(Self.contents(directory, "a") == "2" && Self.contents(directory, "b") == "2")
  }

  /// A crash after the commit point, with one file moved: recovery moves the other.
  @Test func recoveryFinishesACommittedUnit() throws {
    let directory = try TemporaryDirectory()
    try DirectoryTransaction.commit(
      [("a", Array("1".utf8)), ("b", Array("1".utf8))], label: "epoch 1", in: directory.path)
    try FileManager.default.createDirectory(
      atPath: directory.file(".commit"), withIntermediateDirectories: false)
    try "2".write(toFile: directory.file(".commit/b"), atomically: false, encoding: .utf8)
    try "2".write(toFile: directory.file("a"), atomically: false, encoding: .utf8)
    try "epoch 2\na\nb\n".write(
      toFile: directory.file(".commit/COMMITTED"), atomically: false, encoding: .utf8)
    let recovery = try DirectoryTransaction.recover(in: directory.path)
    #expect(recovery.completed == "epoch 2" && recovery.discarded.isEmpty)
    #expect(try directory.entries() == ["a", "b"])
    #expect(Self.contents(directory, "b") == "2")
  }

  /// A crash before the commit point: the staged files and stray temporary files go, the old
  /// unit stays.
  @Test func recoveryDiscardsAnUncommittedUnit() throws {
    let directory = try TemporaryDirectory()
    try DirectoryTransaction.commit([("a", Array("1".utf8))], label: "epoch 1", in: directory.path)
    try FileManager.default.createDirectory(
      atPath: directory.file(".commit"), withIntermediateDirectories: false)
    try "2".write(toFile: directory.file(".commit/a"), atomically: false, encoding: .utf8)
    try "x".write(toFile: directory.file(".a.tmp-1-z"), atomically: false, encoding: .utf8)
    let recovery = try DirectoryTransaction.recover(in: directory.path)
    #expect(recovery.completed == nil && recovery.discarded == [".commit/a", ".a.tmp-1-z"])
    #expect(try directory.entries() == ["a"])
    #expect(Self.contents(directory, "a") == "1")
  }

  /// A commit that cannot write leaves the directory as it was.
  @Test func aFailedCommitLeavesNoTrace() throws {
    let directory = try TemporaryDirectory()
    try "blocker".write(toFile: directory.file("file"), atomically: false, encoding: .utf8)
    #expect(throws: FileWriteError.self) {
      try DirectoryTransaction.commit(
        [("a", [1])], label: "epoch 1", in: directory.file("file/run"))
    }
    #expect(try directory.entries() == ["file"])
  }
}
