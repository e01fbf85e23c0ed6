package dev.consentgate.ingest;

import java.util.function.Function;

/**
 * A record bound for the dead-letter topic.
 *
 * @param detail what was wrong, without any of the record's content (it may hold PII)
 */
public record Rejected(RejectReason reason, String detail, byte[] rawKey, byte[] rawValue, SourcePosition position)
        implements ReaderOutput {

    @Override
    public <R> R match(Function<ConsentUpdate, R> consent, Function<PendingEvent, R> event, Function<Rejected, R> rejected) {
        return rejected.apply(this);
    }
}
