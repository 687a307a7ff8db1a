import Store

extension BusNode {
    /// Checks that the store answers a cheap query (``Store/MessageStore/queueDepths()``) within
    /// `timeout`, and that every MLLP listener the node runs (those of its configuration, as
    /// reloads changed it) is bound and has not stopped.
    public func readiness(timeout: Duration = .seconds(5)) async -> Readiness {
        var problems: [String] = []
        let store = self.store
        let answered: Result<Void, any Error>? = await withTaskGroup(of: Result<Void, any Error>?.self) { group in
            group.addTask {
                do {
                    _ = try await store.queueDepths()
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch answered {
        case .success: break
        case .failure(let error): problems.append("store: \(error)")
        case nil: problems.append("store: no answer within \(timeout)")
        }
        if let reloader = reloader.withLock({ $0 }) {
            problems += await reloader.listenerProblems()
        } else {
            problems.append("bus: not running")
        }
        return Readiness(problems: problems)
    }
}

extension BusReloader {
    /// The MLLP listeners that are not bound yet, or have stopped, by channel.
    func listenerProblems() -> [String] {
        listeners.sorted { $0.key < $1.key }.compactMap { name, listener in
            if let outcome = listener.child?.outcome, outcome.finished {
                return "channel \(name): the MLLP listener stopped" + (outcome.error.map { " (\($0))" } ?? "")
            }
            return listener.ready.isSet ? nil : "channel \(name): the MLLP listener is not bound"
        }
    }
}
