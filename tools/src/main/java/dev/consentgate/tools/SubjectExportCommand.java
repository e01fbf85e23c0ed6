package dev.consentgate.tools;

import dev.consentgate.cli.CommandFailure;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.config.KeyUse;
import dev.consentgate.config.ConsentGateConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code consentgate subject export}: everything ConsentGate holds about one customer, as JSON or as text. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export one customer's consent history as recorded and every decision made on their events, with purpose, "
                + "outcome, reasons, legal basis, the consent used, the fields removed or changed and the purpose topic (docs/subject-rights.md).",
                "Reads only the customer's partition of the consent, rerouted-consent and audit topics, with progress on stderr. "
                        + "Reads committed records only, joins no consumer group, writes nothing to Kafka. Exit 0, also when nothing is found."})
final class SubjectExportCommand implements Callable<Integer> {

    /** The environment variable that sets {@value ConsentGateConfig#HMAC_KEY}, over the properties file. */
    private static final String HMAC_KEY_VARIABLE = "CONSENTGATE_CONSENTGATE_HMAC_KEY";

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The service's properties file: bootstrap.servers, security, schema.registry.url, the consent, rerouted-consent "
                    + "and audit topics, consentgate.hmac.key.")
    Path config;

    @Option(names = "--customer-id", required = true, paramLabel = "ID", description = "The customer (data subject) whose data to export.")
    String customerId;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json",
            description = "json (machine-readable, the default) or text (for a person).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the export to FILE instead of stdout.")
    Path out;

    @Option(names = "--hmac-key-file", paramLabel = "FILE",
            description = "Read the pseudonym key from FILE (its content, without a final line break) instead of consentgate.hmac.key.")
    Path hmacKeyFile;

    @Option(names = "--progress-seconds", paramLabel = "S", defaultValue = "10",
            description = "Seconds between progress lines on stderr (default: ${DEFAULT-VALUE}); a line ends each partition read.")
    int progressSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        boolean json = switch (format) {
            case "json" -> true;
            case "text" -> false;
            default -> throw new CommandFailure(ExitCodes.INVALID_INPUT, "--format must be json or text, not " + format);
        };
        Setup setup = Setup.withoutPolicy(config, environment());
        SubjectHistory history = new SubjectHistory(customerId, setup.keyRing(KeyUse.PSEUDONYM));
        PrintWriter err = spec.commandLine().getErr();
        new CustomerPartitionScan(setup, err, Duration.ofSeconds(Math.max(1, progressSeconds))).scan(history);
        if (history.isEmpty()) {
            err.println("subject export: no consent record and no decision of this customer in the partitions read");
        }
        write(json ? SubjectExportJson.write(history) : SubjectExportText.write(history));
        return ExitCodes.OK;
    }

    /** The process's environment, with the key file's content as the variable that overrides the properties file's key. */
    private Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>(System.getenv());
        if (hmacKeyFile != null) {
            try {
                environment.put(HMAC_KEY_VARIABLE, Files.readString(hmacKeyFile, StandardCharsets.UTF_8).stripTrailing());
            } catch (IOException e) {
                throw new CommandFailure(ExitCodes.INVALID_INPUT, "cannot read the HMAC key file " + hmacKeyFile + ": " + e);
            }
        }
        return environment;
    }

    private void write(String document) {
        if (out == null) {
            spec.commandLine().getOut().print(document);
            spec.commandLine().getOut().flush();
            return;
        }
        if (Files.exists(out)) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, out + " exists; an export is never written over another file");
        }
        try {
            // A customer's personal data: readable by its owner only, as the key files are.
            Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(out, document, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "cannot write " + out + ": " + e);
        }
    }
}
