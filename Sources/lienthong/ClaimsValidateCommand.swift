import ArgumentParser
import Foundation
import InsuranceVN

/// `lienthong claims validate FILE… [--table XMLn] [--quiet] [--repeat N] [--stats]`
struct ClaimsValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check claim files against the gateway's offline rules (ClaimValidator).",
        discussion: """
            Reads each envelope (GIAMDINHHS), or each table document with --table, and prints every \
            problem the validator finds, one per line, in English and Vietnamese: file, table, record, \
            field and rule, never a field's value. Exit status 1 when a file cannot be read or has \
            a problem of severity error. With --repeat and --stats it measures how many files are read \
            and validated per second (bench/claims/run).
            """
    )

    @Option(help: "Read each file as one table document of this table (XML0 … XML15) instead of an envelope.")
    var table: String?

    @Flag(help: "Print no problems, only files that cannot be read (and --stats).")
    var quiet = false

    @Option(help: "Read and validate every file this many times (for benchmarks); problems are printed once.")
    var `repeat` = 1

    @Flag(help: "Print the count, the time and the rate (files/s) to standard error.")
    var stats = false

    @Argument(help: "Envelope files (or table documents with --table).")
    var files: [String]

    func run() async throws {
        let definition = try table.map { name in
            guard let definition = ClaimDefinitions.standard[name] else {
                throw CLIError("no table \(name) in the standard (XML0 … XML15)")
            }
            return definition
        }
        let inputs = try files.map { Data(try InputFile.read($0).bytes) }
        let validator = ClaimValidator()
        var failed = false
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        var problemCount = 0
        for round in 0..<max(1, `repeat`) {
            for (name, input) in zip(files, inputs) {
                count += 1
                let problems: [ClaimProblem]
                do {
                    if let definition {
                        problems = validator.validate(try ClaimTableDocument(xml: input, table: definition))
                    } else {
                        problems = try validator.validate(try ClaimEnvelope(xml: input))
                    }
                } catch {
                    if round == 0 { printError("\(name): \(error)") }
                    failed = true
                    continue
                }
                problemCount += problems.count
                guard round == 0 else { continue }
                if problems.contains(where: { $0.severity == .error }) { failed = true }
                if !quiet {
                    for problem in problems {
                        print("\(name): \(problem) — \(problem.vietnamese)")
                    }
                }
            }
        }
        if stats {
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            printError(
                String(
                    format: "validated %d files in %.3f s: %.0f files/s (%d problems)", count, seconds,
                    Double(count) / seconds, problemCount))
        }
        if failed { throw ExitCode(1) }
    }
}
