import Datasets
import TestSupport
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

  @Test("A CSV of grey levels 0…255 is kept as is; square rows make square images, with a note")
  func csvGreyLevels() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("p1,p2,p3,p4\n0,17,255,3\n", to: "grey.csv")
    var notes: [String] = []
    let images = try ImageDataset.matrix(contentsOf: path) { notes.append($0) }
    #expect(images.pixels == [0, 17, 255, 3] && images.rows == 2 && images.columns == 2)
    #expect(notes.count == 1 && notes[0].contains("taken as 2 × 2 images"))
    let wide = try ImageDataset.matrix(contentsOf: path, shape: (1, 4))
    #expect(wide.rows == 1 && wide.columns == 4)
  }

  @Test("Rows that are not square without a shape are refused, suggesting --image-shape")
  func nonSquareRows() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("p1,p2,p3\n0,17,255\n", to: "grey.csv")
    #expect {
      _ = try ImageDataset.matrix(contentsOf: path)
    } throws: { error in
      "\(error)".contains("rows of 3 values are not square images")
        && "\(error)".contains("--image-shape")
    }
  }

  @Test("A CSV without header keeps its first image, with a note; a word in line 1 is a header")
  func csvHeaderDetection() throws {
    let directory = try TemporaryDirectory()
    let noHeader = try directory.write("0,17,255,3\n1,2,3,4\n", to: "plain.csv")
    var notes: [String] = []
    let images = try ImageDataset.matrix(contentsOf: noHeader) { notes.append($0) }
    #expect(images.count == 2 && images.pixels.prefix(4) == [0, 17, 255, 3])
    #expect(notes.contains { $0.contains("no header") })
    // Repeated values in the first image (no longer a "duplicate column name").
    let repeated = try directory.write("0,0,0,0\n1,1,1,1\n", to: "repeated.csv")
    #expect(try ImageDataset.matrix(contentsOf: repeated).count == 2)
    let header = try directory.write("a,b,c,d\n0,0,0,0\n", to: "header.csv")
    #expect(try ImageDataset.matrix(contentsOf: header).count == 1)
  }

  @Test("A header-only CSV and an empty NPY array have no images")
  func noImages() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("p1,p2,p3,p4\n", to: "empty.csv")
    #expect {
      _ = try ImageDataset.matrix(contentsOf: path)
    } throws: { error in
      "\(error)".contains("has no images (only a header)")
    }
  }

  @Test("A NaN in an NPY array of intensities is reported as NaN with its image and pixel")
  func npyNaN() throws {
    let directory = try TemporaryDirectory()
    let values: [Double] = [0.0039, 0.5, 1, 0, 0.25, .nan, 0, 0]
    let path = try directory.write(
      NPYFileTests.npy(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 4), }",
        data: NPYFileTests.littleEndian(values)), to: "nan.npy")
    #expect {
      _ = try ImageDataset.matrix(contentsOf: path)
    } throws: { error in
      "\(error)".contains("image 2 has value nan at pixel 2")
    }
  }

  @Test("Values that are neither grey levels nor intensities are refused, naming the image")
  func badValues() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("p1,p2\n0,17\n3,2.5\n", to: "bad.csv")
    #expect {
      _ = try ImageDataset.matrix(contentsOf: path, shape: (1, 2))
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
