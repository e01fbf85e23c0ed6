package dev.consentgate.ingest;

import dev.consentgate.schema.ReviewAction;
import dev.consentgate.schema.ReviewDecision;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;

/**
 * A record of the review-decision topic as read, not yet decoded: the enforcer decodes it, since only the task that holds
 * the record it names can tell whether it is held, and dead-letters what it cannot read.
 */
public record ReviewRequest(byte[] rawKey, byte[] rawValue, SourcePosition position) implements EnforcerInput {

    @Override
    public <R> R route(Function<DeciderInput, R> decider, Function<ReviewRequest, R> review) {
        return review.apply(this);
    }

    /**
     * The reviewer's decision.
     *
     * @throws RejectException when the record is not a {@code ReviewDecision} with every field set, keyed by its review id
     */
    public ReviewDecision decision(AvroCodec codec) throws RejectException {
        GenericRecord value = codec.decodeOrReject(position.topic(), rawValue);
        String reviewId = text(value, "reviewId");
        String action = text(value, "action");
        ReviewAction parsed = Arrays.stream(ReviewAction.values()).filter(a -> a.name().equals(action)).findFirst()
                .orElseThrow(() -> malformed("action is neither APPROVE nor REJECT"));
        // The key places the decision on the held record's partition: a key naming another record may have put it elsewhere.
        if (rawKey == null || !reviewId.equals(new String(rawKey, StandardCharsets.UTF_8))) {
            throw malformed("the record's key is not its review id");
        }
        return new ReviewDecision(reviewId, parsed, text(value, "reviewer"), text(value, "reason"));
    }

    /** The dead letter for this request, refused for {@code reason}; {@code detail} holds nothing a reviewer wrote. */
    public Rejected refused(RejectReason reason, String detail) {
        return new Rejected(reason, detail, rawKey, rawValue, position);
    }

    /** The dead letter for a request that could not be read. */
    public Rejected refused(RejectException e) {
        return refused(e.reason(), e.getMessage());
    }

    private static String text(GenericRecord value, String field) throws RejectException {
        Object text = value.hasField(field) ? value.get(field) : null;
        if (text == null || text.toString().isBlank()) {
            throw malformed("no " + field);
        }
        return text.toString();
    }

    private static RejectException malformed(String detail) {
        return new RejectException(RejectReason.MALFORMED_REVIEW_DECISION, "not a review decision: " + detail);
    }
}
