package dev.consentgate.ingest;

import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A record bound for the dead-letter topic.
 *
 * @param detail what was wrong, without any of the record's content (it may hold PII)
 */
public record Rejected(RejectReason reason, String detail, byte[] rawKey, byte[] rawValue, SourcePosition position)
        implements ReaderOutput {

    /** What a reader forwards for an input record it refuses: no key (the record's own may not name a customer), the raw bytes kept. */
    static Record<String, ReaderOutput> of(Record<byte[], byte[]> record, RejectException e, SourcePosition position) {
        return record.withKey((String) null).withValue(new Rejected(e.reason(), e.getMessage(), record.key(), record.value(), position));
    }

    @Override
    public <R> R match(Function<ConsentUpdate, R> consent, Function<PendingEvent, R> event, Function<Rejected, R> rejected) {
        return rejected.apply(this);
    }
}
