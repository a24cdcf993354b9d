import Testing

@testable import Reporting

/// The progress bar never draws a line wider than the terminal, which would wrap and stack.
@Suite struct ProgressBarWidthTests {
  @Test(arguments: [1, 20, 40, 200])
  func linesAreCutToTheTerminalWidth(columns: Int) {
    var bar = ProgressBar(title: "epoch 3/10", total: 469, itemsPerUnit: 128, columns: columns)
    bar.completed = 240
    let line = bar.render(fields: ["loss": 251.3, "recon": 227.0, "KL": 24.3])
    let cut = ProgressBar.cut(line, to: columns - 1)
    #expect(cut.count <= max(columns - 1, 1))
    #expect(line.hasPrefix(cut))
  }
}
