import Foundation
import Testing
import Serialization
import TestSupport

@Suite("Atomic file writing")
struct AtomicFileTests {
  struct Interrupted: Error {}

  static func contents(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  @Test("A write creates the file and leaves no temporary file behind")
  func createsFile() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("out.bin")
    try AtomicFile.write([1, 2, 3], toPath: path)
    #expect(try Self.contents(path) == [1, 2, 3])
    #expect(try directory.entries() == ["out.bin"])
  }

  @Test("Overwriting replaces the content and keeps the file's permissions")
  func replacesFile() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("out.bin")
    try AtomicFile.write([9, 9, 9, 9, 9], toPath: path)
    #expect(chmod(path, 0o600) == 0)
    try AtomicFile.write(Data([4, 5]), to: URL(fileURLWithPath: path))
    #expect(try Self.contents(path) == [4, 5])
    #expect(try directory.entries() == ["out.bin"])
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
  }

  @Test("A failing writer leaves the existing file intact and no temporary file")
  func failingBodyKeepsOldFile() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("keep.png")
    try AtomicFile.write([7, 7, 7], toPath: path)
    #expect(throws: Interrupted.self) {
      try AtomicFile.write(toPath: path) { writer in
        try writer.write([1, 2, 3, 4, 5, 6])
        #expect(writer.byteCount == 6)
        throw Interrupted()
      }
    }
    #expect(try Self.contents(path) == [7, 7, 7])
    #expect(try directory.entries() == ["keep.png"])
  }

  @Test("A missing directory gives an error naming the path and creates nothing")
  func missingDirectory() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("no/such/dir/image.png")
    let error = #expect(throws: FileWriteError.self) { try AtomicFile.write([1], toPath: path) }
    #expect(error?.path == path)
    #expect(error?.description.contains(path) == true)
    #expect(try directory.entries().isEmpty)
  }

  @Test("A failing rename removes the temporary file and keeps the destination")
  func failingRename() throws {
    let directory = try TemporaryDirectory()
    // The destination is a non-empty directory, which rename(2) refuses to replace even for root.
    let path = directory.file("target")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    try AtomicFile.write([1], toPath: path + "/inside")
    let error = #expect(throws: FileWriteError.self) {
      try AtomicFile.write([2, 2], toPath: path)
    }
    #expect(error?.description.contains(path) == true)
    #expect(try directory.entries() == ["target"])
    #expect(try Self.contents(path + "/inside") == [1])
  }

  @Test(
    "An unwritable directory gives an error and keeps the existing file",
    .disabled(if: geteuid() == 0, "root ignores directory permissions; covered by other tests"))
  func unwritableDirectory() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("plot.png")
    try AtomicFile.write([3, 3, 3], toPath: path)
    let before = try Self.contents(path)
    #expect(chmod(directory.path, 0o555) == 0)
    defer { _ = chmod(directory.path, 0o755) }
    let error = #expect(throws: FileWriteError.self) {
      try AtomicFile.write([5, 5], toPath: path)
    }
    #expect(error?.description.contains(path) == true)
    #expect(try Self.contents(path) == before)
    #expect(try directory.entries() == ["plot.png"])
  }
}
