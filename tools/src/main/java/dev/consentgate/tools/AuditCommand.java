package dev.consentgate.tools;

import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.audit.ChainVerifier;
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

/** {@code consentgate audit verify}: checks the hash chain of the audit topic. */
@Command(name = "audit", description = "Check the audit topic.", mixinStandardHelpOptions = true,
        subcommands = AuditCommand.Verify.class)
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

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            range.validate();
            PrintWriter out = spec.commandLine().getOut();
            Setup setup = Setup.withoutPolicy(config, System.getenv());
            Map<Integer, ChainVerifier> verifiers = new TreeMap<>();
            List<BoundedTopicReader.Span> spans;
            try (AuditLog log = new AuditLog(setup)) {
                spans = log.spans(range);
                spans.forEach(span -> verifiers.put(span.partition().partition(),
                        new ChainVerifier(span.partition().partition(), span.startsTheLog())));
                log.read(spans, entry -> verifiers.get(entry.partition()).accept(entry.offset(),
                        entry.record() == null ? -1 : entry.record().getChain().getSequence(),
                        entry.record() == null ? null : entry.value()));
            }
            List<ChainVerifier.Problem> firstProblems = new ArrayList<>();
            long records = 0;
            for (BoundedTopicReader.Span span : spans) {
                ChainVerifier.Summary summary = verifiers.get(span.partition().partition()).finish();
                records += summary.records();
                out.println(describe(span, summary));
                summary.firstProblem().ifPresent(firstProblems::add);
            }
            if (firstProblems.isEmpty()) {
                out.printf("%s: intact, %,d records in %d partitions%n", setup.config().auditTopic(), records, spans.size());
                return ExitCodes.OK;
            }
            out.printf("%s: NOT intact, problems in %d of %d partitions%n", setup.config().auditTopic(), firstProblems.size(), spans.size());
            return ExitCodes.AUDIT_DIFFERENCE;
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
