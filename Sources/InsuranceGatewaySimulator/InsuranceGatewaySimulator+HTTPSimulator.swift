public import SimulatorSupport

/// Tests run it with `withRunning`; the gateway's API is at the base URL itself.
extension InsuranceGatewaySimulator: HTTPSimulator {}
