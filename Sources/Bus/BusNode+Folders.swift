import FHIR
import Logging
import Store

extension BusNode {
    /// The folder channels' sources: what they store wakes this node's router.
    func folderSources() -> [FolderSource] {
        configuration.channels.compactMap { channel in
            guard let folder = channel.folder else { return nil }
            var logger = self.logger
            logger[metadataKey: "hl7.channel"] = "\(channel.name)"
            let intake = Intake(store: store, configuration: channel.intake, metrics: metrics, logger: logger)
            let fhirIntake = FHIRIntake(
                store: store, configuration: FHIRIntake.Configuration(deduplicationWindow: channel.intake.deduplicationWindow), validator: validator,
                metrics: metrics, logger: logger)
            let incoming = self.incoming
            return FolderSource(channel: channel.name, configuration: folder, intake: intake, fhirIntake: fhirIntake, logger: logger) {
                incoming.ring()
            }
        }
    }
}
