package dev.consentgate.output;

/** Header names ConsentGate writes. Incoming headers with the {@code consent-} prefix are dropped, so they cannot be forged upstream. */
public final class OutputHeaders {

    public static final String PREFIX = "consent-";
    public static final String DECISION = "consent-decision";
    public static final String BASIS = "consent-basis";
    public static final String REASONS = "consent-reasons";
    public static final String POLICY_VERSION = "consent-policy-version";
    public static final String EVENT_ID = "consent-event-id";
    public static final String MODE = "consent-mode";
    /** On a record of the review topic: the review id a reviewer's decision names. */
    public static final String REVIEW_ID = "consent-review-id";
    /** On a record of the review topic: the declared purpose it waits to reach. */
    public static final String PURPOSE = "consent-purpose";
    /** On a record whose key is the customer id's HMAC: the id of the pseudonym key that made it, never the key. */
    public static final String PSEUDONYM_KEY_ID = "consent-pseudonym-key-id";
    /** On a record with a field the {@code hash} action replaced: the id of the field-hashing key, never the key. */
    public static final String FIELD_HASH_KEY_ID = "consent-field-hash-key-id";

    public static final String DLQ_REASON = "consent-dlq-reason";
    public static final String DLQ_DETAIL = "consent-dlq-detail";
    public static final String DLQ_TOPIC = "consent-dlq-topic";
    public static final String DLQ_PARTITION = "consent-dlq-partition";
    public static final String DLQ_OFFSET = "consent-dlq-offset";
    /** On a rerouted consent event: where it was read, {@code topic-partition@offset}. */
    public static final String REROUTED_FROM = "consent-rerouted-from";

    private OutputHeaders() {
    }
}
