import Foundation

/// The CPU the benchmark ran on, from /proc/cpuinfo's first `model name` (and the number of
/// logical CPUs), or "unknown CPU".
func cpuDescription() -> String {
  let count = ProcessInfo.processInfo.activeProcessorCount
  guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
    let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
    let colon = line.firstIndex(of: ":")
  else { return "unknown CPU, \(count) logical CPUs" }
  let model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
  return "\(model), \(count) logical CPUs"
}

/// The load averages over 1, 5 and 15 minutes from /proc/loadavg, or "unknown".
func loadAverage() -> String {
  guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else {
    return "unknown"
  }
  return text.split(separator: " ").prefix(3).joined(separator: " ")
}

/// Now, as an ISO 8601 date and time in UTC.
func timestamp() -> String {
  ISO8601DateFormatter().string(from: Date())
}
