package dev.consentgate.tools;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a scan of one partition, on stderr: records read, and the offset reached of the end offset fixed when the
 * scan began (transaction markers take offsets too, so the two differ). A line at most once per interval, and one when
 * the partition is done. It names topics and offsets only, never a key or a value.
 */
final class ScanProgress {

    private final BoundedTopicReader.Span span;
    private final PrintWriter err;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private long recordsRead;
    private long position;
    private long lastShown;

    ScanProgress(BoundedTopicReader.Span span, PrintWriter err, Duration interval, LongSupplier nanoClock) {
        this.span = span;
        this.err = err;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.position = span.start();
        this.lastShown = nanoClock.getAsLong();
    }

    void read(long offset) {
        recordsRead++;
        position = offset + 1;
        long now = nanoClock.getAsLong();
        if (now - lastShown >= intervalNanos) {
            lastShown = now;
            err.println(line(String.format(Locale.ROOT, "at offset %,d of end offset %,d", position, span.end())));
        }
    }

    /** The partition is read: prints its last line and says what was read. */
    SubjectHistory.Source done() {
        err.println(line(String.format(Locale.ROOT, "offsets %,d to %,d, done", span.start(), span.end())));
        return new SubjectHistory.Source(
                new SubjectHistory.Position(span.partition().topic(), span.partition().partition(), span.start()), span.end(), recordsRead);
    }

    private String line(String where) {
        return String.format(Locale.ROOT, "subject export: %s partition %d: %,d records read, %s",
                span.partition().topic(), span.partition().partition(), recordsRead, where);
    }
}
