package dev.consentgate.tools;

import dev.consentgate.cli.AppProperties;
import dev.consentgate.cli.CommandFailure;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.cli.Preflight;
import dev.consentgate.policy.Policy;
import dev.consentgate.replay.ReplayEngine;
import dev.consentgate.replay.ReplayException;
import dev.consentgate.replay.ReplayReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code consentgate replay}: re-derives decisions from the sources and compares them with the audit topic. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Re-derive every decision from the input topics and the consent topic, under the policy each audit record names,",
                "and compare with the audit topic. A bounded job: it reads with assigned consumers (no consumer group) and writes nothing to Kafka.",
                "Exit 0 when everything matches, 5 when anything differs.",
                "With --diff: replay under the one --policy given and report how decisions would change per purpose and reason (exit 0)."})
final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "Application properties, as for run: Kafka and registry settings, consentgate.* topic names. CONSENTGATE_<NAME> variables override them.")
    Path config;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "A policy file (YAML); repeat for every policy version in the range. Audit records are matched to them by content hash. "
                    + "Default: every policy in consentgate.policies.topic, each checked against the hash it is keyed by.")
    List<Path> policies = List.of();

    @Option(names = "--diff", description = "What-if: replay under the one --policy given, whatever the audit records name, and report the changes.")
    boolean diff;

    @Option(names = "--from", paramLabel = "INSTANT", description = "Replay input records with a timestamp at or after this ISO-8601 instant (default: the beginning).")
    Instant from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "Replay input records with a timestamp before this ISO-8601 instant (default: the end when the replay starts).")
    Instant to;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the report as JSON to this file.")
    Path report;

    @Option(names = "--show", paramLabel = "N", defaultValue = "20", description = "How many mismatches the report lists side by side (default: ${DEFAULT-VALUE}).")
    int show;

    @Option(names = "--progress-seconds", paramLabel = "S", defaultValue = "10", description = "Seconds between progress lines on stderr (default: ${DEFAULT-VALUE}).")
    int progressSeconds;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the replay keeps its temporary consent stores (default: the system's temporary directory). "
                    + "The test driver commits after every record: a memory file system (/dev/shm) makes that cheap.")
    Path stateDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (diff && policies.size() != 1) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "--diff replays under exactly one --policy");
        }
        Setup setup = Setup.withoutPolicy(config, System.getenv());
        Map<String, Object> properties = setup.properties();
        List<Policy> fromFiles = policies.stream().map(Setup::policy).toList();
        if (from != null && to != null && !from.isBefore(to)) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "--from must be before --to");
        }
        Preflight.requireRegistry(properties);
        try (Admin admin = Admin.create(AppProperties.toProperties(properties))) {
            Preflight.requireBroker(admin, properties);
        }
        List<Policy> parsed = fromFiles.isEmpty() ? PolicyTopic.read(setup) : fromFiles;
        ReplayReport result;
        try {
            result = new ReplayEngine(new ReplayEngine.Options(properties, parsed, diff, from, to, show,
                    Duration.ofSeconds(Math.max(1, progressSeconds)), line -> spec.commandLine().getErr().println(line), stateDir)).run();
        } catch (ReplayException e) {
            throw new CommandFailure(switch (e.kind()) {
                case INVALID_INPUT -> ExitCodes.INVALID_INPUT;
                case UNREACHABLE -> ExitCodes.UNREACHABLE;
                case TOPIC_PROBLEM -> ExitCodes.TOPIC_PROBLEM;
            }, e.getMessage());
        }
        spec.commandLine().getOut().print(result.text());
        spec.commandLine().getOut().flush();
        if (report != null) {
            Files.writeString(report, result.json(), StandardCharsets.UTF_8);
        }
        return diff || result.allMatch() ? ExitCodes.OK : ExitCodes.AUDIT_DIFFERENCE;
    }
}
