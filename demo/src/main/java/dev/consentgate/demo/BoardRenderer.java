package dev.consentgate.demo;

import dev.consentgate.schema.Decision;
import java.util.Locale;

/** Renders the tally as a table that fits an 80-column terminal. */
public final class BoardRenderer {

    private static final String ROW = "%-30s %11s %11s %11s %11s%n";

    private BoardRenderer() {
    }

    public static String table(DecisionTally tally) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, ROW, "purpose", "permit", "redact", "tag", "drop"));
        out.append("-".repeat(78)).append('\n');
        for (String purpose : tally.purposes()) {
            out.append(String.format(Locale.ROOT, ROW, shorten(purpose),
                    number(tally.count(purpose, Decision.PERMIT)), number(tally.count(purpose, Decision.REDACT)),
                    number(tally.count(purpose, Decision.TAG)), number(tally.count(purpose, Decision.DROP))));
        }
        out.append("-".repeat(78)).append('\n');
        out.append(String.format(Locale.ROOT, "%s events decided, %s records in the dead-letter topic%n",
                number(tally.events()), number(tally.deadLetters())));
        return out.toString();
    }

    /** One line per signal kind: how many decisions rested on its statements, from the signals topic and from events. */
    public static String signals(DecisionTally tally) {
        StringBuilder out = new StringBuilder();
        for (String kind : tally.signalKinds()) {
            out.append(String.format(Locale.ROOT, "  %-4s %11s from consent.signals, %11s from signals in the events%n", kind + ":",
                    number(tally.decisionsOnSignalsTopic(kind)), number(tally.decisionsOnSignalsInEvents(kind))));
        }
        return out.toString();
    }

    private static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String shorten(String purpose) {
        return purpose.length() <= 30 ? purpose : purpose.substring(0, 29) + "…";
    }
}
