package dev.consentgate.bench.e2e;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The summary of the rounds: medians per app and the enforcement/baseline ratio, by the wall clock (whole rounds and
 * their second halves) and by the CPU time used.
 */
final class Report {

    private Report() {
    }

    static void print(List<EndToEndBenchmark.Round> rounds, String auditTopic, String dlqTopic, PrintStream out) {
        out.println();
        printThroughput(rounds, "", EndToEndBenchmark.Round::eventsPerSecond, out);
        printThroughput(rounds, "second half: ", EndToEndBenchmark.Round::secondHalfEventsPerSecond, out);
        for (StreamsAppMain.AppKind kind : rounds.stream().map(EndToEndBenchmark.Round::kind).distinct().toList()) {
            out.printf(Locale.ROOT, "median %-11s %,10d events per CPU-second of the app, %,10d per CPU-second of its stream thread, JIT %.1f s%n",
                    kind.label(), median(rounds, kind, EndToEndBenchmark.Round::eventsPerProcessCpuSecond),
                    median(rounds, kind, EndToEndBenchmark.Round::eventsPerStreamThreadCpuSecond),
                    median(rounds, kind, round -> Math.round(round.timing().jitSeconds() * 1000)) / 1000.0);
        }
        for (EndToEndBenchmark.Round round : rounds) {
            if (round.kind() != StreamsAppMain.AppKind.BASELINE) {
                // The hand-written join writes no audit or dead-letter records: its counts there are 0.
                Map<String, Long> committed = round.committed();
                long purposeRecords = committed.entrySet().stream()
                        .filter(e -> !e.getKey().equals(auditTopic) && !e.getKey().equals(dlqTopic))
                        .mapToLong(Map.Entry::getValue).sum();
                out.printf(Locale.ROOT, "%s round %d: %,d audit records, %,d purpose-topic records, %,d dead letters, peak RSS %,d MB%n",
                        round.kind().label(), round.round(), committed.get(auditTopic), purposeRecords,
                        committed.get(dlqTopic), round.peakRssKb() / 1024);
            } else {
                out.printf(Locale.ROOT, "baseline round %d: %,d records copied, peak RSS %,d MB%n",
                        round.round(), round.committed().values().stream().mapToLong(Long::longValue).sum(), round.peakRssKb() / 1024);
            }
        }
    }

    /** The medians of events/s by {@code measure} and their ratios; {@code scope} names the part of the rounds measured. */
    private static void printThroughput(List<EndToEndBenchmark.Round> rounds, String scope,
                                        ToLongFunction<EndToEndBenchmark.Round> measure, PrintStream out) {
        long baseline = median(rounds, StreamsAppMain.AppKind.BASELINE, measure);
        long enforcement = median(rounds, StreamsAppMain.AppKind.ENFORCEMENT, measure);
        long join = median(rounds, StreamsAppMain.AppKind.HAND_WRITTEN_JOIN, measure);
        // First, the comparison users ask for: ConsentGate against the join they would write themselves.
        out.printf(Locale.ROOT, "%sratio enforcement/hand-written join %.2f (target >= 0.8)%n", scope, (double) enforcement / join);
        out.printf(Locale.ROOT, "%smedian hand-written join %,10d events/s%n", scope, join);
        out.printf(Locale.ROOT, "%smedian baseline     %,10d events/s%n", scope, baseline);
        out.printf(Locale.ROOT, "%smedian enforcement  %,10d events/s%n", scope, enforcement);
        out.printf(Locale.ROOT, "%sratio enforcement/baseline %.2f (target >= 0.3)%n", scope, (double) enforcement / baseline);
        boolean fanOutRan = rounds.stream().anyMatch(round -> round.kind() == StreamsAppMain.AppKind.FAN_OUT);
        if (fanOutRan) {
            long fanOut = median(rounds, StreamsAppMain.AppKind.FAN_OUT, measure);
            long withoutAudit = median(rounds, StreamsAppMain.AppKind.FAN_OUT_WITHOUT_AUDIT, measure);
            out.printf(Locale.ROOT, "%smedian fan-out      %,10d events/s, without the audit record %,10d events/s%n", scope, fanOut, withoutAudit);
            // Fan-out/join bounds enforcement/join for this design; fan-out without audit/join, for any way of auditing.
            out.printf(Locale.ROOT, "%sratio fan-out/hand-written join %.2f, without the audit record %.2f; enforcement/fan-out %.2f%n",
                    scope, (double) fanOut / join, (double) withoutAudit / join, (double) enforcement / fanOut);
        }
    }

    static long median(List<EndToEndBenchmark.Round> rounds, StreamsAppMain.AppKind kind, ToLongFunction<EndToEndBenchmark.Round> measure) {
        List<Long> sorted = rounds.stream().filter(r -> r.kind() == kind).map(measure::applyAsLong).sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
