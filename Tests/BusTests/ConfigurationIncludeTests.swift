import Foundation
import Testing
@testable import Bus

/// A configuration split into files per channel (`include: channels/*.yaml`): merged in name
/// order, relative paths relative to each file, errors naming the included file and line.
@Suite struct ConfigurationIncludeTests {
    /// A folder with `conf/bus.yaml` and the given files under `conf/`.
    func withFiles(_ files: [String: String], _ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-include-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (path, text) in files {
            let file = folder.appendingPathComponent("conf").appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        try body(folder.appendingPathComponent("conf/bus.yaml"))
    }

    func load(_ file: URL) throws(ConfigurationError) -> BusConfiguration {
        try BusConfiguration(contentsOf: file, name: "conf/bus.yaml", environment: [:])
    }

    func failure(_ file: URL) -> ConfigurationError? {
        do {
            _ = try load(file)
            return nil
        } catch {
            return error
        }
    }

    static let main = """
        include: channels/*.yaml
        destinations:
          archive: {file: {directory: archive}}
        """

    @Test func channelsAndDestinationsFromIncludedFilesAreMerged() throws {
        try withFiles([
            "bus.yaml": Self.main,
            "channels/lab.yaml": """
                channels:
                  lab: {mllp: {port: 2576}, routes: [{destination: lis}, {destination: archive}]}
                destinations:
                  lis: {file: {directory: lis-out}}
                """,
            "channels/his.yaml": "channels:\n  his: {mllp: {port: 2575}, routes: [{destination: archive}]}\n",
            "channels/notes.txt": "not yaml: [",
        ]) { file in
            let configuration = try load(file)
            #expect(configuration.channels.map(\.name) == ["his", "lab"], "in file name order")
            #expect(configuration.destinations.map(\.name) == ["archive", "lis"])
            guard case .file(let directory) = configuration.destinations[1].endpoint else { throw ConfigurationError(file: "", key: "", message: "not a file destination") }
            // Relative to the included file's folder.
            #expect(directory.path == file.deletingLastPathComponent().appendingPathComponent("channels/lis-out").standardizedFileURL.path)
            #expect(configuration.channels[1].origin == ConfigurationOrigin(file: "conf/channels/lab.yaml", line: 2, column: 3))
        }
    }

    @Test func anErrorInAnIncludedFileNamesThatFileAndLine() throws {
        try withFiles([
            "bus.yaml": Self.main,
            "channels/his.yaml": "channels:\n  his:\n    mllp: {port: 2575}\n    routes:\n      - {destination: archive, when: [\"PID-8 is F\"]}\n",
        ]) { file in
            let error = try #require(failure(file))
            #expect(error.file == "conf/channels/his.yaml")
            #expect(error.line == 5)
            #expect(error.key == "channels.his.routes[0].when[0]")
        }
    }

    @Test func crossChecksNameTheIncludedFileAndTheChannelsLine() throws {
        try withFiles([
            "bus.yaml": Self.main,
            "channels/his.yaml": "# the HIS\nchannels:\n  his: {mllp: {port: 2575}, routes: [{destination: lis}]}\n",
        ]) { file in
            let error = try #require(failure(file))
            #expect(error.description == #"conf/channels/his.yaml:3:3: channels.his.routes[0].destination: no destination named "lis""#)
        }
    }

    @Test func aNameDefinedInTwoFilesIsAnError() throws {
        try withFiles([
            "bus.yaml": Self.main,
            "channels/a.yaml": "channels:\n  his: {mllp: {port: 2575}}\n",
            "channels/b.yaml": "\nchannels:\n  his: {mllp: {port: 2577}}\n",
        ]) { file in
            let error = try #require(failure(file))
            #expect(error.description == "conf/channels/b.yaml:3:3: channels.his: a second channel with this name (the first is at conf/channels/a.yaml:2)")
        }
    }

    @Test func includedFilesHoldOnlyChannelsAndDestinations() throws {
        try withFiles([
            "bus.yaml": Self.main,
            "channels/his.yaml": "store: {sqlite: {path: x.sqlite}}\n",
        ]) { file in
            let error = try #require(failure(file))
            #expect(error.file == "conf/channels/his.yaml")
            #expect(error.line == 1)
            #expect(error.message.hasPrefix("unknown key; expected one of: channels, destinations"))
        }
    }

    @Test func aMissingIncludedFileIsAnError() throws {
        try withFiles(["bus.yaml": "include: [lab.yaml]\nchannels: {}\ndestinations: {}\n"]) { file in
            let error = try #require(failure(file))
            #expect(error.description == "conf/bus.yaml:1:11: include[0]: the included file conf/lab.yaml does not exist")
        }
    }

    @Test func patternsMatchStarAndQuestionMark() {
        #expect(IncludePattern.matches("his.yaml", "*.yaml"))
        #expect(IncludePattern.matches("lab1.yaml", "lab?.yaml"))
        #expect(!IncludePattern.matches("lab.yaml.bak", "*.yaml"))
        #expect(!IncludePattern.matches("lab12.yaml", "lab?.yaml"))
    }
}
