package dev.consentgate.bench.e2e;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The summary of the rounds: medians per app and the enforcement/baseline ratio, by the wall clock and by the CPU
 * time used.
 */
final class Report {

    private Report() {
    }

    static void print(List<EndToEndBenchmark.Round> rounds, String auditTopic, String dlqTopic, PrintStream out) {
        long baseline = median(rounds, StreamsAppMain.AppKind.BASELINE, EndToEndBenchmark.Round::eventsPerSecond);
        long enforcement = median(rounds, StreamsAppMain.AppKind.ENFORCEMENT, EndToEndBenchmark.Round::eventsPerSecond);
        out.println();
        out.printf(Locale.ROOT, "median baseline     %,10d events/s%n", baseline);
        out.printf(Locale.ROOT, "median enforcement  %,10d events/s%n", enforcement);
        out.printf(Locale.ROOT, "ratio enforcement/baseline %.2f (target >= 0.5, aim 0.7)%n", (double) enforcement / baseline);
        boolean fanOutRan = rounds.stream().anyMatch(round -> round.kind() == StreamsAppMain.AppKind.FAN_OUT);
        if (fanOutRan) {
            long fanOut = median(rounds, StreamsAppMain.AppKind.FAN_OUT, EndToEndBenchmark.Round::eventsPerSecond);
            out.printf(Locale.ROOT, "median fan-out      %,10d events/s%n", fanOut);
            out.printf(Locale.ROOT, "ratio fan-out/baseline %.2f, enforcement/fan-out %.2f%n",
                    (double) fanOut / baseline, (double) enforcement / fanOut);
        }
        for (StreamsAppMain.AppKind kind : rounds.stream().map(EndToEndBenchmark.Round::kind).distinct().toList()) {
            out.printf(Locale.ROOT, "median %-11s %,10d events per CPU-second of the app, %,10d per CPU-second of its stream thread%n",
                    kind.label(), median(rounds, kind, EndToEndBenchmark.Round::eventsPerProcessCpuSecond),
                    median(rounds, kind, EndToEndBenchmark.Round::eventsPerStreamThreadCpuSecond));
        }
        for (EndToEndBenchmark.Round round : rounds) {
            if (round.kind() != StreamsAppMain.AppKind.BASELINE) {
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

    static long median(List<EndToEndBenchmark.Round> rounds, StreamsAppMain.AppKind kind, ToLongFunction<EndToEndBenchmark.Round> measure) {
        List<Long> sorted = rounds.stream().filter(r -> r.kind() == kind).map(measure::applyAsLong).sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
