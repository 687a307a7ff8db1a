/// Polls `condition` every `interval` until it holds or `timeout` passes; whether it held.
///
/// A bound against hangs, not a timing assertion: the default is generous, because a full test
/// run starts many listeners and processes at once on two cores. When a condition does not hold
/// in time, the test fails and says what it waited for.
public func eventually(
    timeout: Duration = .seconds(60), interval: Duration = .milliseconds(100), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
