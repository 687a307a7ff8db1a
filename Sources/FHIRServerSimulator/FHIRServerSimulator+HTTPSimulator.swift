public import SimulatorSupport

/// Tests run it with `withRunning`: the FHIR base is `<url>/fhir`, the token endpoint
/// `<url>/oauth/token`.
extension FHIRServerSimulator: HTTPSimulator {}
