public import Foundation

/// One FHIR channel as the HTTP listener serves it: its base path and its intake, wired to wake
/// the router of the bus node it belongs to.
public struct FHIREndpoint: Sendable {
    /// The channel's name.
    public let channel: String
    /// The base path, e.g. `/fhir`.
    public let path: String
    /// Reads, validates and stores what the channel receives.
    public let intake: FHIRIntake
    /// Who may send to the channel (``ChannelConfiguration/allow``); `nil`: anyone. The HTTP
    /// listener checks it on every request, before reading the body.
    public var allow: SenderAllowList?
    let onStored: @Sendable () -> Void

    /// Creates an endpoint; `onStored` runs after a new message was stored.
    public init(channel: String, path: String, intake: FHIRIntake, onStored: @escaping @Sendable () -> Void = {}) {
        self.channel = channel
        self.path = path
        self.intake = intake
        self.onStored = onStored
    }

    /// Handles one request: intake, then wakes the router when a new message was stored.
    public func receive(_ request: FHIRIntake.Request, receivedAt: Date = Date()) async -> FHIRIntake.Response {
        let response = await intake.receive(request, channel: channel, receivedAt: receivedAt)
        if response.status / 100 == 2, !response.isDuplicate { onStored() }
        return response
    }

    /// Counts a request refused by ``allow`` (``BusMetrics/Name/sendersRefused``).
    public func refused(_ reason: SenderRefusal) {
        intake.metrics.refused(channel: channel, reason: reason)
    }

    /// Records the time from a request read to its answer written (``BusMetrics/Name/acknowledgmentDuration``).
    public func acknowledged(after duration: Duration) {
        intake.metrics.acknowledged(channel: channel, after: duration)
    }

    /// Answers a body over the size limit (413), storing its first bytes as rejected.
    public func reject(oversized prefix: [UInt8], length: Int?, contentType: String?, receivedAt: Date = Date()) async -> FHIRIntake.Response {
        await intake.reject(oversized: prefix, length: length, contentType: contentType, channel: channel, receivedAt: receivedAt)
    }
}
