import HL7v2
import MLLP
import Synchronization

/// Sends a plan over several MLLP connections at once, optionally paced to a rate, and measures.
struct Sender: Sendable {
    let plan: SendPlan
    let clients: [MLLPClient]
    /// Sends per second over all connections; `nil` sends as fast as the peer answers.
    let rate: Double?

    /// The next send index, shared by the connections.
    private final class Counter: Sendable {
        let next = Mutex(0)
        func take() -> Int { next.withLock { value in defer { value += 1 }; return value } }
        var taken: Int { next.withLock { $0 } }
    }

    /// Runs the plan; `progress` is called about once a second with the number of sends started.
    func run(progress: @escaping @Sendable (Int) -> Void = { _ in }) async -> SendReport {
        let clock = ContinuousClock()
        let start = clock.now
        let counter = Counter()
        var report = await withTaskGroup(of: SendReport?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    if Task.isCancelled { break }
                    progress(min(counter.taken, plan.count))
                }
                return nil
            }
            for client in clients {
                group.addTask {
                    var partial = SendReport()
                    while true {
                        let index = counter.take()
                        guard index < plan.count else { break }
                        if let rate, rate > 0 {
                            try? await Task.sleep(until: start + .seconds(Double(index) / rate), clock: clock)
                        }
                        let message: Message
                        do {
                            message = try plan.message(at: index)
                        } catch {
                            partial.errors["invalidMessage", default: 0] += 1
                            continue
                        }
                        let sent = clock.now
                        do {
                            let acknowledgment = try await client.send(message)
                            partial.codes[acknowledgment.code.rawValue, default: 0] += 1
                        } catch let error as MLLPError {
                            partial.errors[error.code.description, default: 0] += 1
                        } catch {
                            partial.errors["other", default: 0] += 1
                        }
                        partial.latencies.append(clock.now - sent)
                    }
                    return partial
                }
            }
            var merged = SendReport()
            var finished = 0
            while let partial = await group.next() {
                guard let partial else { continue }
                merged.merge(partial)
                finished += 1
                if finished == clients.count { group.cancelAll() }
            }
            return merged
        }
        report.elapsed = clock.now - start
        return report
    }
}
