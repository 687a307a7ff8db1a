/// The e-prescription simulator's counters (`GET /sim/stats`).
public struct EPrescriptionSimulatorStatistics: Codable, Sendable, Hashable {
    /// Login requests, accepted or not.
    public var logins = 0
    /// Submissions, whatever their answer.
    public var submissions = 0
    /// Prescriptions accepted for the first time.
    public var accepted = 0
    /// Submissions of a code already accepted (answered 200 with the first checksum).
    public var duplicates = 0
    /// Submissions answered 422.
    public var rejected = 0
    /// Submissions answered with an injected failure.
    public var failed = 0
    /// Submissions answered 401.
    public var unauthorized = 0
    /// Injected failures still to come.
    public var pendingFailures = 0

    /// Creates zeroed counters.
    public init() {}
}
