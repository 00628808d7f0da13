import ArgumentParser
import Foundation
import Guv

/// Where the config comes from: --config-file, --config (text) or GUV_CONFIG.
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("config-file"), help: "Path to a YAML or JSON guv config.")
    var file: String?

    @Option(name: .customLong("config"), help: "Config as a YAML or JSON string (else GUV_CONFIG).")
    var text: String?

    func load() throws -> GuvConfig {
        let env = ProcessInfo.processInfo.environment
        // `--config PATH` is accepted too when it names an existing file.
        var file = self.file
        var text = self.text
        if file == nil, let t = text, !t.contains("\n"), !t.contains(":"), FileManager.default.fileExists(atPath: t) {
            file = t
            text = nil
        }
        let source = try ConfigLoader.text(file: file, string: text, environment: env)
        return try ConfigLoader.load(source, environment: env)
    }
}
