package dev.consentgate.testing;

import org.apache.kafka.common.utils.Time;

/** A clock for tests that moves only when slept on: a slow broker's waits take no real time. */
public final class SteppedTime implements Time {

    private long nowMs;

    public SteppedTime(long startMs) {
        this.nowMs = startMs;
    }

    @Override
    public long milliseconds() {
        return nowMs;
    }

    @Override
    public long nanoseconds() {
        return nowMs * 1_000_000;
    }

    @Override
    public void sleep(long ms) {
        nowMs += ms;
    }
}
