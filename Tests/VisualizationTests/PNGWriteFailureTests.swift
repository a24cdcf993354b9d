import Foundation
import Serialization
import TestSupport
import Testing
import Visualization

@Suite("Writing PNG files")
struct PNGWriteFailureTests {
  @Test("A missing directory gives an error naming the path")
  func missingDirectory() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("no/such/dir/image.png")
    let error = #expect(throws: FileWriteError.self) {
      try Image(width: 2, height: 2).writePNG(toPath: path)
    }
    #expect(error?.description.contains(path) == true)
    #expect(try directory.entries().isEmpty)
  }
}
