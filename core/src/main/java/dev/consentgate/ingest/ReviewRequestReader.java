package dev.consentgate.ingest;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/** Wraps each record of the review-decision topic with where it was read, for the enforcer. */
public final class ReviewRequestReader extends ContextualProcessor<byte[], byte[], String, EnforcerInput> {

    @Override
    public void process(Record<byte[], byte[]> record) {
        // No customer id travels with a review decision: the review id names the held record, and the partition its task.
        context().forward(record.withKey((String) null)
                .withValue(new ReviewRequest(record.key(), record.value(), SourcePosition.of(context()))));
    }
}
