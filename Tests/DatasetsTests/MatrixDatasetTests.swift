import Datasets
import Testing

@Suite("Images from matrix files")
struct MatrixDatasetTests {
  @Test("A CSV of intensities in [0, 1] with a label column becomes bytes and labels")
  func csvIntensities() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("a,b,label,c,d\n0,1,3,0.5,0.25\n1,0,7,0.2,0\n", to: "x.csv")
    let images = try ImageDataset.matrix(contentsOf: path, shape: (2, 2))
    #expect(images.count == 2 && images.rows == 2 && images.columns == 2)
    #expect(images.pixels == [0, 255, 128, 64, 255, 0, 51, 0])
    #expect(images.labels == [3, 7])
    let (training, heldOut) = images.split(holdingOut: 0.5)
    #expect(training.count == 1 && heldOut.count == 1 && heldOut.labels == [7])
  }

  @Test("A CSV of grey levels 0…255 is kept as is, one row of pixels by default")
  func csvGreyLevels() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("p1,p2,p3\n0,17,255\n", to: "grey.csv")
    let images = try ImageDataset.matrix(contentsOf: path)
    #expect(images.pixels == [0, 17, 255] && images.rows == 1 && images.columns == 3)
  }

  @Test("Values that are neither grey levels nor intensities are refused, naming the image")
  func badValues() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("p1,p2\n0,17\n3,2.5\n", to: "bad.csv")
    #expect {
      _ = try ImageDataset.matrix(contentsOf: path)
    } throws: { error in
      let message = "\(error)"
      return message.contains(path) && message.contains("image 2 has value 2.5")
    }
    let other = try directory.write("x", to: "data.txt")
    #expect(throws: DatasetError.self) { _ = try ImageDataset.matrix(contentsOf: other) }
  }

  @Test("An image shape that does not divide the row is refused")
  func badShape() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("p1,p2,p3\n0,1,0\n", to: "shape.csv")
    #expect(throws: DatasetError.self) {
      _ = try ImageDataset.matrix(contentsOf: path, shape: (2, 2))
    }
  }
}
