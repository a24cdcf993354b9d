import Foundation
import TensorCore
import Testing
import Visualization

@Suite("Line and scatter plots")
struct PlotTests {
  @Test("Nice tick steps and positions")
  func ticks() {
    #expect(AxisTicks.niceStep(span: 1, targetCount: 5) == 0.2)
    #expect(AxisTicks.niceStep(span: 160, targetCount: 8) == 20)
    #expect(AxisTicks.niceStep(span: 0.0009, targetCount: 4) == 0.0002)
    #expect(AxisTicks.niceStep(span: 37, targetCount: 7) == 5)
    #expect(AxisTicks.niceStep(span: 0, targetCount: 5) == 1)
    let ticks = AxisTicks.linear(lower: -0.03, upper: 1.04, targetCount: 5)
    #expect(ticks.count == 6)
    for (tick, expected) in zip(ticks, [0, 0.2, 0.4, 0.6, 0.8, 1.0]) {
      #expect(abs(tick - expected) < 1e-12)
    }
    #expect(
      AxisTicks.linear(lower: 87, upper: 173, targetCount: 8) == [
        90, 100, 110, 120, 130, 140, 150, 160, 170,
      ])
    let log = AxisTicks.logarithmic(lower: 0.008, upper: 130, targetCount: 8)
    #expect(log.major.count == 5)
    for (tick, expected) in zip(log.major, [0.01, 0.1, 1, 10, 100]) {
      #expect(abs(tick / expected - 1) < 1e-12)
    }
    #expect(log.minor.contains { abs($0 - 0.02) < 1e-12 })
    let narrow = AxisTicks.logarithmic(lower: 1.5, upper: 6, targetCount: 5)
    #expect(narrow.major == [2, 5])
  }

  @Test("Tick labels are compact and locale-independent")
  func labels() {
    #expect(AxisTicks.label(for: 0.2, step: 0.2) == "0.2")
    #expect(AxisTicks.label(for: -150, step: 10) == "-150")
    #expect(AxisTicks.label(for: 0.005, step: 0.001) == "0.005")
    #expect(AxisTicks.label(for: -1e-17, step: 0.5) == "0.0")
    #expect(AxisTicks.label(for: 2e6, step: 1e6) == "2e6")
    #expect(AxisTicks.label(for: 1.5e-5, step: 5e-6) == "1.5e-5")
    #expect(AxisTicks.logLabel(for: 0.01) == "0.01")
    #expect(AxisTicks.logLabel(for: 1000) == "1000")
    #expect(AxisTicks.logLabel(for: 1e-5) == "1e-5")
    #expect(AxisTicks.logLabel(for: 2e6) == "2e6")
    #expect(AxisTicks.decimal(-2.5, fractionDigits: 2) == "-2.50")
  }

  @Test("A line plot has the requested size and shows every series colour")
  func linePlot() throws {
    var plot = LinePlot(title: "Loss", xLabel: "epoch", yLabel: "nats", width: 640, height: 400)
    plot.addSeries("train", y: [180, 140, 120, 110, 104, 101, 100])
    plot.addSeries("test", y: [185, 150, 128, 119, 112, 109, 108])
    plot.addSeries("custom", x: [1, 7], y: [120, 130], color: RGBColor(hex: 0x00FF00))
    let image = plot.render()
    #expect(image.width == 640 && image.height == 400)
    let background = image.count(of: .white)
    #expect(background < image.width * image.height)
    #expect(background > image.width * image.height / 2)
    #expect(image.count(of: RGBColor.tab10[0]) > 200)
    #expect(image.count(of: RGBColor.tab10[1]) > 200)
    #expect(image.count(of: RGBColor(hex: 0x00FF00)) > 100)
    #expect(image.count(of: RGBColor.darkGrey) > 300)  // title, ticks and labels
    #expect(plot.render() == image)  // deterministic
  }

  @Test("Line width 0 with markers draws the points alone; unnamed series stay off the legend")
  func scatterSeries() {
    let red = RGBColor(hex: 0xFF0000)
    var scatter = LinePlot(width: 400, height: 300)
    scatter.addSeries(
      "points", x: [0, 10], y: [0, 10], color: red, lineWidth: 0, showsMarkers: true)
    var joined = scatter
    joined.series[0].lineWidth = 1
    // Two dots and a legend swatch (79 pixels) against a diagonal line across the plot.
    #expect(scatter.render().count(of: red) < 100)
    #expect(joined.render().count(of: red) > 200)
    var unnamed = LinePlot(width: 400, height: 300)
    unnamed.addSeries("", x: [0, 10], y: [0, 10], color: red, lineWidth: 0, showsMarkers: true)
    #expect(unnamed.render().count(of: red) < scatter.render().count(of: red))
  }

  @Test("Logarithmic, degenerate and empty line plots render without trapping")
  func lineEdgeCases() throws {
    var plot = LinePlot(width: 320, height: 200)
    plot.logarithmicY = true
    plot.addSeries("decay", y: [100, 10, 0, -5, .nan, 1, 0.1, 0.01])
    let log = plot.render()
    #expect(log.width == 320 && log.count(of: RGBColor.tab10[0]) > 50)

    var flat = LinePlot(width: 200, height: 150)
    flat.addSeries("constant", y: [3, 3, 3])
    flat.addSeries("single", x: [2], y: [3], showsMarkers: true)
    #expect(flat.render().count(of: RGBColor.tab10[0]) > 20)

    let empty = LinePlot(title: "nothing", width: 120, height: 90).render()
    #expect(empty.width == 120 && empty.height == 90)
    #expect(empty.count(of: .white) < 120 * 90)

    var fixed = LinePlot(width: 300, height: 200)
    fixed.xRange = 0...10
    fixed.yRange = 0...1
    fixed.addSeries("outside", x: [-1e9, 5, 1e9], y: [0.5, 0.5, 1e12])  // clipped, no hang
    #expect(fixed.render().count(of: RGBColor.tab10[0]) > 0)

    // Tiny canvases, unusable fixed ranges and extreme values must not trap.
    var tiny = LinePlot(title: "tiny", xLabel: "x", yLabel: "y", width: 1, height: 1)
    tiny.addSeries("a", x: [-1e308, 1e308], y: [.infinity, 1])
    tiny.yRange = -Double.infinity...0
    #expect(tiny.render().width == 1)
    var tinyScatter = ScatterPlot(title: "tiny", width: 7, height: 5)
    tinyScatter.addPoints(x: [-1e308, 1e308, 0], y: [0, 0, .nan], labels: [0, 1, 2])
    tinyScatter.equalAspect = true
    #expect(tinyScatter.render().height == 5)
  }

  @Test("A scatter plot has the requested size and a colour per label")
  func scatterPlot() throws {
    var plot = ScatterPlot(title: "Latent", xLabel: "z1", yLabel: "z2", width: 500, height: 400)
    plot.labelNames = ScatterPlot.fashionMNISTClassNames
    for label in 0..<10 {
      for k in 0..<20 {
        plot.addPoint(x: Double(label) + Double(k) * 0.01, y: Double(k % 5), label: label)
      }
    }
    #expect(plot.count == 200)
    let image = plot.render()
    #expect(image.width == 500 && image.height == 400)
    for (label, color) in RGBColor.tab10.enumerated() {
      #expect(image.count(of: color) > 30, "label \(label)")
    }
    #expect(image.count(of: .white) > image.width * image.height / 2)
    #expect(plot.name(forLabel: 9) == "Ankle boot")
    #expect(plot.name(forLabel: 12) == "12")
    #expect(plot.color(forLabel: 12) == RGBColor.tab10[2])

    var custom = ScatterPlot(width: 200, height: 200)
    custom.palette = [RGBColor(hex: 0xFF00FF)]
    custom.addPoints(x: [Float(0), 1, .nan], y: [0, 1, 2], labels: [5, 6, 7])
    custom.showsLegend = false
    custom.equalAspect = true
    #expect(custom.render().count(of: RGBColor(hex: 0xFF00FF)) == 2 * 21)
  }

  @Test("Ten thousand scatter points render quickly and deterministically")
  func manyPoints() throws {
    var random = SplitMix64(seed: 2024)
    var plot = ScatterPlot()
    for _ in 0..<10_000 {
      let u = Double(random.next() >> 11) / Double(1 << 53)
      let v = Double(random.next() >> 11) / Double(1 << 53)
      plot.addPoint(x: u * 6 - 3, y: v * 4 - 2, label: Int(random.next() % 10))
    }
    let start = Date()
    let image = plot.render()
    let seconds = Date().timeIntervalSince(start)
    #expect(seconds < 5, "rendering took \(seconds) s")
    #expect(image.width == 700 && image.height == 600)
    #expect(plot.render() == image)
  }
}
