package dev.consentgate.tools;

import dev.consentgate.cli.CommandFailure;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.config.KeyUse;
import dev.consentgate.policy.KeyRing;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.PurposeDecision;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code consentgate explain}: what was done with an event, or with one customer's events, and why. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Tell in plain words what happened to an event for each purpose and why, from the audit topic alone: "
                + "the consent record used, the legal basis, the policy rule, the fields removed or hashed.",
                "With --customer-id, list every event of one customer (a subject access request); the id is matched through "
                        + "its HMAC under the pseudonym key and every previous pseudonym key, so records made before a key rotation "
                        + "are found too, and is never printed.",
                "Reads committed records only, joins no consumer group, writes nothing. Exit 0 when something was found, 2 when not."})
final class ExplainCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The service's properties file: bootstrap.servers, security, schema.registry.url, consentgate.audit.topic, "
                    + "the pseudonym key (consentgate.keys.pseudonym or consentgate.hmac.key) and its previous keys.")
    Path config;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Selector selector;

    @Mixin
    RecordRange range;

    @Spec
    CommandSpec spec;

    /** Which events to explain: exactly one of these. */
    static final class Selector {
        @Option(names = "--event-id", paramLabel = "ID", description = "The event's id.")
        String eventId;

        @ArgGroup(exclusive = false)
        InputPosition position;

        @Option(names = "--customer-id", paramLabel = "ID", description = "Every event of this customer.")
        String customerId;
    }

    /** Where the event was read from. */
    static final class InputPosition {
        @Option(names = "--input-topic", required = true, paramLabel = "TOPIC", description = "The input topic the event was read from.")
        String topic;

        @Option(names = "--input-partition", required = true, paramLabel = "N", description = "Its partition.")
        int partition;

        @Option(names = "--input-offset", required = true, paramLabel = "OFFSET", description = "Its offset.")
        long offset;
    }

    @Override
    public Integer call() {
        range.validate();
        Setup setup = Setup.withoutPolicy(config, System.getenv());
        KeyRing pseudonymKeys = setup.keyRing(KeyUse.PSEUDONYM);
        Predicate<DecisionRecord> wanted = wanted(pseudonymKeys);
        Set<String> knownKeyIds = pseudonymKeys.ids();
        PrintWriter out = spec.commandLine().getOut();
        List<String> explanations = new ArrayList<>();
        Set<String> unknownKeyIds = new TreeSet<>();
        Map<String, Long> perPurpose = new TreeMap<>();
        long[] read = {0};
        try (AuditLog log = new AuditLog(setup)) {
            log.read(log.spans(range), entry -> {
                read[0]++;
                // Records written before audit records named their key carry no id; they are matched under every known key.
                String keyId = entry.record() == null ? null : entry.record().getPseudonymKeyId();
                if (keyId != null && !knownKeyIds.contains(keyId)) {
                    unknownKeyIds.add(keyId);
                }
                if (entry.record() != null && wanted.test(entry.record())) {
                    explanations.add(DecisionExplainer.explain(entry.record(), log.topic(), entry.partition(), entry.offset()));
                    for (PurposeDecision decision : entry.record().getDecisions()) {
                        perPurpose.merge(decision.getPurpose() + ": " + decision.getDecision(), 1L, Long::sum);
                    }
                }
            });
        }
        if (selector.customerId != null && !unknownKeyIds.isEmpty()) {
            // The customer's records among them cannot be recognized: an answer to a subject access request would be incomplete.
            spec.commandLine().getErr().printf("warning: records made under pseudonym key ids that the configuration does not hold were "
                    + "not searched: %s; add their keys to %s%n", String.join(", ", unknownKeyIds), KeyUse.PSEUDONYM.previousKeysFileConfig());
        }
        if (explanations.isEmpty()) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, String.format("no audit record in %s matches (%,d records read)",
                    setup.config().auditTopic(), read[0]));
        }
        explanations.forEach(explanation -> out.println(explanation));
        if (selector.customerId != null) {
            out.printf("%,d events of this customer in %s (%,d records read). Decisions per purpose:%n",
                    explanations.size(), setup.config().auditTopic(), read[0]);
            perPurpose.forEach((purposeDecision, count) -> out.printf("  %s  %,d%n", purposeDecision, count));
        }
        return ExitCodes.OK;
    }

    private Predicate<DecisionRecord> wanted(KeyRing pseudonymKeys) {
        if (selector.eventId != null) {
            return record -> record.getEventId().equals(selector.eventId);
        }
        if (selector.position != null) {
            InputPosition position = selector.position;
            return record -> record.getInputTopic().equals(position.topic) && record.getInputPartition() == position.partition
                    && record.getInputOffset() == position.offset;
        }
        Set<String> hashes = pseudonymKeys.hashesOf(selector.customerId);
        return record -> hashes.contains(record.getCustomerIdHmac());
    }
}
