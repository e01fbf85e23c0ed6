package dev.consentgate.demo;

import dev.consentgate.cli.ConsentGateCommand;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The README's first command, in-process: the demo decides N events and exits 0 with a summary. */
class DemoCommandIT {

    @Test
    void theDemoDecidesEveryEventPrintsASummaryAndExitsZero() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ConsentGateCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), "demo", "--events", "1500", "--rate", "3000", "--customers", "500", "--http-port", "0");

        assertThat(exit).as("stderr: %s", err).isZero();
        String summary = out.toString().substring(out.toString().lastIndexOf("Summary:"));
        assertThat(summary).startsWith("Summary: 1500 CRM events produced; every one decided or dead-lettered.")
                .contains("purpose", "permit", "redact", "tag", "drop", "train_ai_system", "Example decisions from the audit topic");
        // Decided plus dead-lettered adds up to what was produced.
        String totals = summary.lines().filter(l -> l.contains("events decided")).findFirst().orElseThrow();
        String[] numbers = totals.replace(",", "").replaceAll("[^0-9 ]", " ").trim().split("\\s+");
        assertThat(Long.parseLong(numbers[0]) + Long.parseLong(numbers[1])).isEqualTo(1500);
        // The board never shows a customer id or a raw email: only purposes, counts and event ids.
        assertThat(out.toString()).doesNotContain("@example.com", "cust-0");
    }
}
