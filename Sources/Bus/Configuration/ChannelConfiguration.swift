public import MLLP

/// One way into the bus: an MLLP listener, the intake settings of what it receives, and the
/// routes that decide where each message goes.
public struct ChannelConfiguration: Sendable {
    /// The channel's name, stored with each message.
    public var name: String
    /// Where and how the channel listens.
    public var listener: MLLPServer.Configuration
    /// Deduplication window and the patient identifier's path.
    public var intake: Intake.Configuration
    /// The destinations, each with its filter and ordering key.
    public var routes: [Route]

    /// Creates a channel.
    public init(name: String, listener: MLLPServer.Configuration, intake: Intake.Configuration = Intake.Configuration(), routes: [Route]) {
        self.name = name
        self.listener = listener
        self.intake = intake
        self.routes = routes
    }
}
