import Logging
import ServiceLifecycle
import Synchronization

/// Runs named children — an MLLP listener, a destination's workers — each in its own
/// `ServiceGroup`, so that a configuration reload can stop one gracefully, or start a new one,
/// while the others keep running.
///
/// The supervisor is one service of the bus's group: on the bus's graceful shutdown every child
/// shuts down gracefully (the children's groups follow their parent's). A child given at start
/// that fails fails the supervisor, and so the bus (a listener that cannot bind stops `serve`,
/// as before reloads existed); a child started later that fails is logged and recorded, and the
/// others keep running.
final class ServiceSupervisor: Service, Sendable {
    /// One child: its group, and whether it has finished (and how).
    final class Child: Sendable {
        let name: String
        let group: ServiceGroup
        private let state = Mutex<(finished: Bool, error: String?, waiters: [CheckedContinuation<Void, Never>])>((false, nil, []))

        init(name: String, services: [any Service], logger: Logger) {
            self.name = name
            // The services stop in reverse order; no signal of their own (the bus's group has them).
            group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    // A service that ends on its own (a watcher with nothing to watch) is no failure.
                    services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .ignore) },
                    logger: logger))
        }

        /// Whether the child has stopped, and its error when it failed.
        var outcome: (finished: Bool, error: String?) { state.withLock { ($0.finished, $0.error) } }

        func finish(error: String?) {
            let waiters = state.withLock { state in
                state.finished = true
                state.error = error
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }

        /// Returns once the child has stopped.
        func wait() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let finished = state.withLock { state in
                    if !state.finished { state.waiters.append(continuation) }
                    return state.finished
                }
                if finished { continuation.resume() }
            }
        }
    }

    let name: String
    let logger: Logger
    private let initial: [Child]
    private let started: AsyncStream<Child>
    private let starter: AsyncStream<Child>.Continuation

    /// Creates a supervisor that starts `initial` when it runs.
    init(name: String, initial: [(name: String, services: [any Service])], logger: Logger) {
        self.name = name
        self.logger = logger
        self.initial = initial.map { Child(name: $0.name, services: $0.services, logger: logger) }
        (started, starter) = AsyncStream.makeStream(of: Child.self)
    }

    /// The children given at start.
    var initialChildren: [Child] { initial }

    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for child in initial {
                group.addTask {
                    do {
                        try await child.group.run()
                        child.finish(error: nil)
                    } catch {
                        child.finish(error: "\(error)")
                        // Stops accepting new children, so that the supervisor returns and fails.
                        self.starter.finish()
                        throw error
                    }
                }
            }
            for await child in started.cancelOnGracefulShutdown() {
                group.addTask {
                    do {
                        try await child.group.run()
                        child.finish(error: nil)
                    } catch {
                        self.logger.error("a service started by a reload failed", metadata: ["bus.service": "\(child.name)", "error": "\(error)"])
                        child.finish(error: "\(error)")
                    }
                }
            }
            // Graceful shutdown: the children's groups were told by their parent and finish on their own.
        }
        logger.debug("supervisor stopped", metadata: ["bus.supervisor": "\(name)"])
    }

    /// Starts a child; it runs until ``stop(_:)`` or the bus's shutdown.
    func start(name: String, services: [any Service]) -> Child {
        let child = Child(name: name, services: services, logger: logger)
        if case .terminated = starter.yield(child) {
            // The bus is shutting down: the child never runs.
            child.finish(error: "the bus is shutting down")
        }
        return child
    }

    /// Shuts a child down gracefully and returns once it has stopped.
    func stop(_ child: Child) async {
        await child.group.triggerGracefulShutdown()
        await child.wait()
    }
}
