import Foundation

/// Debian's long package descriptions as a corpus: the `Translation-en` lists that
/// `apt-get update -o Acquire::Languages=en` keeps in `/var/lib/apt/lists`, read with
/// `/usr/lib/apt/apt-helper cat-file` (which undoes their lz4, gzip or xz compression).
///
/// Each package record has a one-line summary (`Description-en: …`) and a long description on
/// the indented lines below it (a line of a single `.` separates paragraphs). A document is the
/// long description; descriptions shared by several packages (the same `Description-md5`) are
/// kept once, under the first package's name, so that no text is both in training and in
/// held-out documents. Bookworm's lists give about 62,000 documents.
public enum DebianDescriptions {
  /// The name `--corpus` takes for this corpus.
  public static let corpusName = "debian-descriptions"

  /// The directory apt keeps its lists in.
  public static let listsDirectory = "/var/lib/apt/lists"

  /// The `Translation-en` files in `directory`, sorted by name.
  public static func translationFiles(in directory: String = listsDirectory) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0.contains("_i18n_Translation-en") && !$0.hasSuffix(".diff") }
      .sorted().map { (directory as NSString).appendingPathComponent($0) }
  }

  /// Reads the corpus from the lists in `directory`.
  ///
  /// - Throws: ``TopicModelError`` (`.unreadable`) when there are no `Translation-en` lists
  ///   (with the command that fetches them) or `apt-helper` cannot read one.
  public static func corpus(listsDirectory directory: String = listsDirectory)
    throws(TopicModelError) -> Corpus
  {
    let files = translationFiles(in: directory)
    if files.isEmpty {
      throw TopicModelError(
        .unreadable, path: directory,
        "no Translation-en lists; run `apt-get update -o Acquire::Languages=en` "
          + "(or scripts/setup) as root first")
    }
    var documents: [Corpus.Document] = []
    var seen: Set<String> = []
    for file in files {
      let text = try catFile(file)
      parse(text, into: &documents, seen: &seen)
    }
    if documents.isEmpty {
      throw TopicModelError(.emptyCorpus, path: directory, "the Translation-en lists are empty")
    }
    return Corpus(documents: documents)
  }

  /// Appends the long descriptions of the records in `text` whose `Description-md5` is not in
  /// `seen`.
  static func parse(
    _ text: String, into documents: inout [Corpus.Document], seen: inout Set<String>
  ) {
    var package = ""
    var digest = ""
    var long: [Substring] = []
    var inDescription = false
    func finish() {
      if !package.isEmpty && !long.isEmpty
        && seen.insert(digest.isEmpty ? package : digest).inserted
      {
        documents.append(Corpus.Document(name: package, text: long.joined(separator: "\n")))
      }
      package = ""
      digest = ""
      long = []
      inDescription = false
    }
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.isEmpty {
        finish()
      } else if line.first == " " {
        if inDescription {
          let content = line.dropFirst()
          long.append(content == "." ? "" : content)
        }
      } else if line.hasPrefix("Package: ") {
        package = String(line.dropFirst("Package: ".count))
      } else if line.hasPrefix("Description-md5: ") {
        digest = String(line.dropFirst("Description-md5: ".count))
      } else {
        inDescription = line.hasPrefix("Description-en:")
      }
    }
    finish()
  }

  /// The decompressed contents of one list.
  static func catFile(_ path: String) throws(TopicModelError) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/lib/apt/apt-helper")
    process.arguments = ["cat-file", path]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw TopicModelError(
        .unreadable, path: path, "cannot run /usr/lib/apt/apt-helper to read it: \(error)")
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw TopicModelError(
        .unreadable, path: path,
        "apt-helper cat-file failed (exit status \(process.terminationStatus))")
    }
    return String(decoding: data, as: UTF8.self)
  }
}
