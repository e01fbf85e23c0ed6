package dev.consentgate.enforce;

import dev.consentgate.ingest.AvroCodec;
import dev.consentgate.ingest.RejectException;
import dev.consentgate.ingest.ReviewRequest;
import dev.consentgate.ingest.SourcePosition;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;

/**
 * Reads a record of the review-decision topic as the enforcer takes it, for a reviewer's {@code review list}: a record
 * the enforcer dead-letters decides nothing, so the list must not count it as a decision.
 */
public final class ReviewDecisionReader {

    private final AvroCodec codec;

    public ReviewDecisionReader(Serde<Object> valueSerde) {
        this.codec = new AvroCodec(valueSerde);
    }

    /**
     * The review id the record decides; empty when it is no decision, is keyed by another id, or lies on another partition
     * than its id names (the task holding the record never reads it).
     */
    public Optional<String> decidedReviewId(String topic, int partition, long offset, byte[] key, byte[] value) {
        String reviewId;
        try {
            reviewId = new ReviewRequest(key, value, new SourcePosition(topic, partition, offset)).decision(codec).getReviewId();
        } catch (RejectException e) {
            return Optional.empty();
        }
        return ReviewId.parse(reviewId).filter(id -> id.partition() == partition).map(id -> reviewId);
    }
}
