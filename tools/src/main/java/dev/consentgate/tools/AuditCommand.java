package dev.consentgate.tools;

import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.audit.ChainVerifier;
import dev.consentgate.audit.CheckpointVerifier;
import dev.consentgate.config.ConsentGateConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code consentgate audit}: verify the audit topic (its chains, signed checkpoints and anchors), make a signing key, anchor checkpoints. */
@Command(name = "audit", description = "Check the audit topic.", mixinStandardHelpOptions = true,
        subcommands = {AuditCommand.Verify.class, AuditKeygenCommand.class, AuditAnchorCommand.class})
final class AuditCommand {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check the hash chain of every audit partition (docs/audit.md): report the first altered, missing, "
                    + "reordered or repeated record with its partition and offset.",
                    "Reads committed records only, joins no consumer group, writes nothing. "
                            + "Exit 0 when every chain read is intact, 5 when not."})
    static final class Verify implements Callable<Integer> {

        @Option(names = "--config", required = true, paramLabel = "FILE",
                description = "The service's properties file: bootstrap.servers, security, schema.registry.url, consentgate.audit.topic.")
        Path config;

        @Mixin
        RecordRange range;

        @Option(names = "--public-key", paramLabel = "FILE",
                description = "Also check the signed checkpoints (consentgate.audit.checkpoints.topic) with this Ed25519 public key "
                        + "(X.509, PEM or DER): every signature, and every signed head against the chain. Fails when there are none.")
        Path publicKey;

        @Option(names = "--anchors", paramLabel = "DIR",
                description = "Also check the anchors in this directory (written by audit anchor): they follow one another unbroken, "
                        + "and every chain read still passes through every head they hold. Fails when there are none.")
        Path anchors;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            range.validate();
            PrintWriter out = spec.commandLine().getOut();
            Setup setup = Setup.withoutPolicy(config, System.getenv());
            Map<Integer, ChainVerifier> verifiers = new TreeMap<>();
            ChainLinks links = new ChainLinks();
            CheckpointCheck checkpoints = publicKey == null ? null
                    : new CheckpointCheck(new CheckpointVerifier(SignedCheckpoints.publicKey(publicKey)), links);
            AnchorStore anchorStore = anchors == null ? null : new DirectoryAnchorStore(anchors);
            List<BoundedTopicReader.Span> spans;
            try (AuditLog log = new AuditLog(setup)) {
                spans = log.spans(range);
                spans.forEach(span -> verifiers.put(span.partition().partition(),
                        new ChainVerifier(span.partition().partition(), span.startsTheLog())));
                spans.forEach(span -> links.partitionRead(span.partition().partition()));
                log.read(spans, entry -> {
                    long sequence = entry.record() == null ? -1 : entry.record().getChain().getSequence();
                    byte[] value = entry.record() == null ? null : entry.value();
                    verifiers.get(entry.partition()).accept(entry.offset(), sequence, value);
                    links.add(entry.partition(), entry.offset(), sequence, value);
                });
            }
            boolean checkpointsHold = checkpoints == null || checkCheckpoints(setup, checkpoints, out);
            boolean anchorsHold = anchorStore == null || checkAnchors(anchorStore, new AnchorCheck(links), out);
            List<ChainVerifier.Problem> firstProblems = new ArrayList<>();
            long records = 0;
            for (BoundedTopicReader.Span span : spans) {
                ChainVerifier.Summary summary = verifiers.get(span.partition().partition()).finish();
                records += summary.records();
                out.println(describe(span, summary));
                summary.firstProblem().ifPresent(firstProblems::add);
            }
            if (firstProblems.isEmpty() && checkpointsHold && anchorsHold) {
                out.printf("%s: intact, %,d records in %d partitions%n", setup.config().auditTopic(), records, spans.size());
                return ExitCodes.OK;
            }
            out.printf("%s: NOT intact, problems in %d of %d partitions%s%n", setup.config().auditTopic(), firstProblems.size(), spans.size(),
                    (checkpointsHold ? "" : "; the signed checkpoints do not hold") + (anchorsHold ? "" : "; the anchors do not hold"));
            return ExitCodes.AUDIT_DIFFERENCE;
        }

        /** Reads every checkpoint and checks it against the chains read; prints what it found. */
        private static boolean checkCheckpoints(Setup setup, CheckpointCheck check, PrintWriter out) {
            String topic = setup.config().checkpointTopic();
            SignedCheckpoints.read(setup, record -> check.checkpoint(record.partition(), record.offset(), record.value()));
            if (check.checkpoints() == 0) {
                out.printf("%s: no checkpoints: the service signs none without %s%n", topic, ConsentGateConfig.SIGNING_KEY_FILE);
                return false;
            }
            check.problems().forEach(problem -> out.println("  CHECKPOINT PROBLEM: " + problem));
            out.printf("%s: %,d checkpoints, %,d matching the chain, %,d problems%n", topic, check.checkpoints(), check.matched(),
                    check.problems().size());
            return check.problems().isEmpty();
        }

        /** Reads every anchor and checks it against the chains read; prints what it found. */
        private static boolean checkAnchors(AnchorStore store, AnchorCheck check, PrintWriter out) {
            check.check(store.readAll());
            if (check.anchors() == 0) {
                out.printf("anchors in %s: none: audit anchor writes them%n", store.describe());
                return false;
            }
            check.problems().forEach(problem -> out.println("  ANCHOR PROBLEM: " + problem));
            out.printf("anchors in %s: %,d anchors, %,d heads, %,d matching the chain, %,d problems%n", store.describe(), check.anchors(),
                    check.heads(), check.matched(), check.problems().size());
            return check.problems().isEmpty();
        }

        private static String describe(BoundedTopicReader.Span span, ChainVerifier.Summary summary) {
            StringBuilder line = new StringBuilder(String.format("partition %d, offsets %d to %d: ",
                    summary.partition(), span.start(), span.end() - 1));
            if (summary.records() == 0) {
                return line.append("no records").toString();
            }
            line.append(String.format("%,d records", summary.records()));
            if (summary.unchained() > 0) {
                line.append(String.format(" (%,d written before the chain existed)", summary.unchained()));
            }
            if (summary.headHash() != null) {
                line.append(String.format(", sequences %d to %d, head %s", summary.firstSequence(), summary.lastSequence(), summary.headHash()));
            }
            if (!span.startsTheLog()) {
                line.append(", first link taken on trust (the range starts after the partition's first record)");
            }
            summary.firstProblem().ifPresentOrElse(
                    problem -> line.append(String.format("%n  FIRST PROBLEM at offset %d: %s: %s (%d problems in this partition)",
                            problem.offset(), problem.kind(), problem.detail(), summary.problems().size())),
                    () -> line.append(", intact"));
            return line.toString();
        }
    }
}
