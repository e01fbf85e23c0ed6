package dev.consentgate.tools;

import dev.consentgate.audit.Anchor;
import dev.consentgate.audit.ChainHash;
import dev.consentgate.audit.Checkpoint;
import dev.consentgate.audit.CheckpointVerifier;
import dev.consentgate.cli.CommandFailure;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code consentgate audit anchor}: copies the latest signed checkpoint of every audit partition to an append-only
 * place outside Kafka, so that a later rewrite of the audit and checkpoint topics, even by a holder of the signing key,
 * shows to {@code audit verify --anchors}.
 */
@Command(name = "anchor", mixinStandardHelpOptions = true,
        description = {"Append the latest signed checkpoint of every audit partition to the anchor directory, as a new file "
                + "(docs/audit.md#anchors). Every checkpoint must verify under --public-key, and no partition's latest signed "
                + "sequence may be below the last anchor's.",
                "Reads committed records only, joins no consumer group, writes nothing to Kafka. Exit 0 when anchored, 5 when "
                        + "a checkpoint does not verify, none exists or the checkpoints went back, 2 for a bad directory or key."})
final class AuditAnchorCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The service's properties file: bootstrap.servers, security, consentgate.audit.checkpoints.topic.")
    Path config;

    @Option(names = "--anchors", required = true, paramLabel = "DIR",
            description = "The anchor directory (must exist): a write-once volume outside the Kafka cluster.")
    Path anchors;

    @Option(names = "--public-key", required = true, paramLabel = "FILE",
            description = "The checkpoint signing key's Ed25519 public key (X.509, PEM or DER): only checkpoints that verify are anchored.")
    Path publicKey;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Setup setup = Setup.withoutPolicy(config, System.getenv());
        CheckpointVerifier verifier = new CheckpointVerifier(SignedCheckpoints.publicKey(publicKey));
        AnchorStore store = new DirectoryAnchorStore(anchors);
        List<AnchorStore.Stored> earlier = store.readAll();
        String topic = setup.config().checkpointTopic();
        Map<Integer, Checkpoint> latest = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        SignedCheckpoints.read(setup, record -> {
            String where = "checkpoint at partition " + record.partition() + " offset " + record.offset();
            try {
                Checkpoint checkpoint = Checkpoint.decode(record.value());
                verifier.signatureProblem(checkpoint).ifPresentOrElse(problem -> problems.add(where + ": " + problem),
                        () -> latest.merge(checkpoint.partition(), checkpoint, (a, b) -> a.sequence() >= b.sequence() ? a : b));
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + e.getMessage());
            }
        });
        PrintWriter out = spec.commandLine().getOut();
        if (latest.isEmpty() && problems.isEmpty()) {
            throw new CommandFailure(ExitCodes.AUDIT_DIFFERENCE, topic + " holds no checkpoint: nothing to anchor");
        }
        byte[] previous = new byte[ChainHash.SIZE];
        if (!earlier.isEmpty()) {
            AnchorStore.Stored last = earlier.get(earlier.size() - 1);
            previous = Anchor.sha256(last.content());
            wentBack(last, latest).forEach(problems::add);
        }
        if (!problems.isEmpty()) {
            problems.forEach(problem -> out.println("  CHECKPOINT PROBLEM: " + problem));
            throw new CommandFailure(ExitCodes.AUDIT_DIFFERENCE, "nothing anchored: " + problems.size() + " problems with " + topic);
        }
        Anchor anchor = new Anchor(Instant.now(), setup.config().auditTopic(), topic, previous, List.copyOf(latest.values()));
        String name = store.append(anchor.encode());
        latest.values().forEach(c -> out.printf("  audit partition %d: sequence %d, head %s%n", c.partition(), c.sequence(),
                ChainHash.hex(c.headHash())));
        out.printf("anchored %d checkpoints of %s in %s as %s%n", latest.size(), topic, store.describe(), name);
        return ExitCodes.OK;
    }

    /** The partitions whose latest checkpoint signs a sequence below the one {@code last} anchored: checkpoints were removed. */
    private static List<String> wentBack(AnchorStore.Stored last, Map<Integer, Checkpoint> latest) {
        Anchor anchor;
        try {
            anchor = Anchor.decode(last.content());
        } catch (IllegalArgumentException e) {
            return List.of("the last anchor " + last.name() + " cannot be read: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (Checkpoint anchored : anchor.checkpoints()) {
            Checkpoint now = latest.get(anchored.partition());
            if (now == null || now.sequence() < anchored.sequence()) {
                problems.add(String.format("audit partition %d: the latest checkpoint signs %s, but anchor %s holds sequence %d",
                        anchored.partition(), now == null ? "nothing" : "sequence " + now.sequence(), last.name(), anchored.sequence()));
            }
        }
        return problems;
    }
}
