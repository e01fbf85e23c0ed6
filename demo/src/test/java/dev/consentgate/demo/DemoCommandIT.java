package dev.consentgate.demo;

import dev.consentgate.cli.ConsentGateCommand;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's first command, in-process: the demo decides N events and exits 0 with a summary. */
class DemoCommandIT {

    @Test
    void theDemoDecidesEveryEventPrintsASummaryAndExitsZero() throws IOException {
        Set<Path> stateDirsBefore = demoStateDirs();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ConsentGateCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), "demo", "--events", "1500", "--rate", "3000", "--customers", "500", "--http-port", "0");

        assertThat(exit).as("stderr: %s", err).isZero();
        assertThat(demoStateDirs()).as("the run's state directory is deleted when it ends").isEqualTo(stateDirsBefore);
        String summary = out.toString().substring(out.toString().lastIndexOf("Summary:"));
        assertThat(summary).startsWith("Summary: 1500 CRM events produced; every one decided or dead-lettered.")
                .contains("purpose", "permit", "redact", "tag", "drop", "train_ai_system", "Example decisions from the audit topic");
        // Decided plus dead-lettered adds up to what was produced.
        String totals = summary.lines().filter(l -> l.contains("events decided")).findFirst().orElseThrow();
        String[] numbers = totals.replace(",", "").replaceAll("[^0-9 ]", " ").trim().split("\\s+");
        assertThat(Long.parseLong(numbers[0]) + Long.parseLong(numbers[1])).isEqualTo(1500);
        // Signals from the signals topic and from contact-update headers decided some purposes
        String signals = summary.substring(summary.indexOf("Privacy signals:"));
        assertThat(signals.lines().skip(2).takeWhile(line -> !line.isBlank()).map(String::trim).toList())
                .allMatch(line -> line.matches("(tcf|gpp|gpc): +[0-9,]+ from consent\\.signals, +[0-9,]+ from signals in the events"))
                .anySatisfy(line -> assertThat(line).startsWith("tcf:").doesNotContain(" 0 from signals in the events"))
                .anySatisfy(line -> assertThat(line).startsWith("gpp:").doesNotContain(" 0 from signals in the events"));
        // One record held for sales.prospecting is approved: decided again, and audited with the reviewer.
        String review = out.toString().substring(out.toString().indexOf("Review of one record of sales.prospecting"));
        List<String> reviewLines = review.lines().map(String::trim).toList();
        assertThat(reviewLines.get(1)).matches("held: [0-9]+ records of sales\\.prospecting wait on consent\\.review, each with the decision it "
                + "would have had");
        assertThat(reviewLines.get(2)).matches("approved [0-9]+-[0-9]+-sales\\.prospecting as demo-reviewer: decided again at approval: "
                + "((permit|tag) \\([A-Z_, ]+\\), sent to crm\\.purpose\\.sales\\.prospecting|drop \\([A-Z_, ]+\\), sent to no topic)");
        // One customer is erased at the end: what the marketing purpose received encrypted can no longer be read.
        String erasure = out.toString().substring(out.toString().indexOf("Erasure of one customer"));
        List<String> lines = erasure.lines().map(String::trim).toList();
        assertThat(lines.get(1)).matches("before: ([0-9]+) of their \\1 records in crm\\.purpose\\.marketing\\.communications\\.email decrypt; "
                + "the email is back in the clear");
        assertThat(lines.get(2)).isEqualTo("erasure request sent; their data key is destroyed (a tombstone on consent.keys)");
        assertThat(lines.get(3)).matches("after:  0 of the same [0-9]+ records decrypt, though every one is still in the topic: the encrypted "
                + "fields of this record of crm\\.purpose\\.marketing\\.communications\\.email cannot be read: the data key of subject "
                + "[0-9a-f]{64} was destroyed by an erasure request");
        // Every decision of the run, the approval's included, is derived again from the topics and matches its audit record.
        String replay = out.toString().substring(out.toString().indexOf("Replay of every decision above"));
        long decided = Long.parseLong(numbers[0]);
        long deadLettered = Long.parseLong(numbers[1]);
        assertThat(replay.lines().skip(3).map(l -> l.trim().replaceAll(" +", " ")).filter(l -> !l.isEmpty()).toList()).containsExactly(
                String.format(Locale.ROOT, "matched %,d", decided + 1),
                "mismatched 0",
                "missing audit 0",
                "audit without input 0",
                "input deleted 0",
                String.format(Locale.ROOT, "dead-lettered inputs %,d", deadLettered),
                String.format(Locale.ROOT, "result: all %,d decisions match", decided + 1));
        // The board never shows a customer id or a raw email: only purposes, counts and event ids.
        assertThat(out.toString()).doesNotContain("@example.com", "cust-0");
    }

    private static Set<Path> demoStateDirs() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(path -> path.getFileName().toString().startsWith("consentgate-demo")).collect(Collectors.toSet());
        }
    }
}
