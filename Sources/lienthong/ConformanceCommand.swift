import ArgumentParser
import Conformance
import Foundation
import Logging

/// `lienthong conformance run SUITE… [--target …] [--junit FILE] [--html FILE] [--jobs N] [--timeout S]`
struct ConformanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Run conformance suites (conformance/<suite>/suite.yaml, docs/CONFORMANCE.md).",
        subcommands: [ConformanceRunCommand.self]
    )
}

struct ConformanceRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run suites against LienThong in-process (local) or another system; write JUnit XML and an HTML report.",
        discussion: """
            Each SUITE is a folder with a suite.yaml. --target local (the default) starts, per suite, \
            an in-process bus on free ports (SQLite in a temporary folder) and the suite's receivers; \
            --target mllp://host:port and/or --target http://host:port/base test another system: only \
            the sender-side cases run (HL7 v2 over MLLP, FHIR over HTTP), the others are skipped with \
            the reason. One line per case, then `N passed, M failed, K skipped`. Exit status 0 only \
            when no case failed.
            """
    )

    @Argument(help: "Suite folders (each with a suite.yaml).")
    var suites: [String]

    @Option(help: "local, mllp://host:port or http(s)://host:port/base (mllp and http may both be given).")
    var target: [String] = []

    @Option(help: "Write a JUnit XML report to this file.")
    var junit: String?

    @Option(help: "Write a single-file HTML report to this file.")
    var html: String?

    @Option(help: "Cases of a suite run at the same time.")
    var jobs: Int = 4

    @Option(help: "Each case's time limit in seconds (a case's own timeout wins).")
    var timeout: Double = 10

    @Option(help: "Run only the cases whose suite/id contains this text.")
    var filter: String?

    @Flag(help: "Write each map case's actual Bundle over its golden file (then review the changes).")
    var updateGoldens = false

    @Flag(help: "Print the differences of failed cases under their lines.")
    var verbose = false

    @Option(help: "Log level of the local bus (to standard error): trace … critical.")
    var logLevel: String = "critical"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard jobs >= 1, timeout > 0 else { throw ValidationError("--jobs must be at least 1 and --timeout above 0") }
        var logger = Logger(label: "lienthong.conformance") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = level
        let target: ConformanceTarget
        var loaded: [ConformanceSuite] = []
        do {
            target = try ConformanceTarget(self.target)
            for folder in suites {
                loaded.append(try ConformanceSuite(folder: URL(fileURLWithPath: folder)))
            }
        } catch {
            throw CLIError("\(error)")
        }
        if let filter { loaded = loaded.map { suite in suite.filtered { "\($0)".contains(filter) } } }
        let runner = ConformanceRunner(
            configuration: .init(target: target, jobs: jobs, timeout: .milliseconds(Int(timeout * 1000)), updatesGoldens: updateGoldens),
            logger: logger)
        let verbose = self.verbose
        let results: [CaseResult]
        do {
            results = try await runner.run(loaded) { result in
                var line = "\(result.status.name.uppercased().padding(toLength: 7, withPad: " ", startingAt: 0)) \(result.name)"
                if result.status == .skipped {
                    line += " (\(result.message))"
                } else {
                    line += " (\(result.duration.components.seconds * 1000 + result.duration.components.attoseconds / 1_000_000_000_000_000) ms)"
                }
                if result.status == .failed {
                    let lines = result.message.split(separator: "\n")
                    line += ": " + (lines.first.map(String.init) ?? "")
                    if lines.count > 1 { line += " (+\(lines.count - 1) more)" }
                    if verbose {
                        line += "\n" + lines.dropFirst().map { "        \($0)" }.joined(separator: "\n")
                        if !result.diff.isEmpty { line += "\n" + result.diff.split(separator: "\n").map { "        \($0)" }.joined(separator: "\n") }
                    }
                }
                print(line)
            }
        } catch {
            throw CLIError("\(error)")
        }
        let summary = ConformanceSummary(results)
        print(summary.description)
        if let junit {
            try Data(JUnitReport.xml(results).utf8).write(to: URL(fileURLWithPath: junit))
        }
        if let html {
            try Data(HTMLReport.html(results, target: target.description).utf8).write(to: URL(fileURLWithPath: html))
        }
        if !summary.allPassed { throw ExitCode(1) }
    }
}
