public import SimulatorSupport

/// Tests run it with `withRunning`; the system's API is at the base URL itself.
extension EPrescriptionSimulator: HTTPSimulator {}
