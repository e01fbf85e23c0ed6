package dev.consentgate.replay;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** Progress lines for long replays: records read of the total known so far, at most once per interval. */
final class Progress {

    private final Consumer<String> sink;
    private final long intervalNanos;
    private final LongSupplier clock;
    private long total;
    private long read;
    private long replayed;
    private long lastShown;

    Progress(Consumer<String> sink, Duration interval, LongSupplier nanoClock) {
        this.sink = sink;
        this.intervalNanos = interval.toNanos();
        this.clock = nanoClock;
        this.lastShown = nanoClock.getAsLong();
    }

    void addToTotal(long records) {
        total += records;
    }

    void read(long records) {
        read += records;
        maybeShow();
    }

    void replayed() {
        replayed++;
        maybeShow();
    }

    private void maybeShow() {
        long now = clock.getAsLong();
        if (now - lastShown >= intervalNanos) {
            lastShown = now;
            sink.accept(line());
        }
    }

    String line() {
        long percent = total == 0 ? 100 : Math.min(100, read * 100 / total);
        return String.format(Locale.ROOT, "replay: %,d of %,d records read (%d%%), %,d events replayed", read, total, percent, replayed);
    }
}
