package dev.consentgate.metrics;

/**
 * Every ConsentGate meter name and tag key, in one place so that dashboards, alert rules and code
 * agree. Names are Micrometer's dotted names; the Prometheus registry renders them with
 * underscores, a {@code _total} suffix for counters and a {@code _seconds} suffix for timers (the
 * rendered name is given on each constant).
 *
 * <p>Tag values are bounded: purposes and data categories come from the policy and the schemas,
 * decisions, reasons and statuses from enums. No tag ever holds a customer id, an event id or any
 * other value taken from a record's content.
 */
public final class MeterNames {

    /** Counter {@code consentgate_decisions_total}: one per (event, declared purpose); tags purpose, decision, reason. */
    public static final String DECISIONS = "consentgate.decisions";

    /** Counter {@code consentgate_redacted_fields_total}: one per field removed or transformed; tags purpose, category. */
    public static final String REDACTED_FIELDS = "consentgate.redacted.fields";

    /** Counter {@code consentgate_dlq_records_total}: one per record sent to the dead-letter topic; tag reason. */
    public static final String DLQ_RECORDS = "consentgate.dlq.records";

    /** Counter {@code consentgate_consent_updates_total}: one per consent statement applied (an event, or a signal's statement); tag status. */
    public static final String CONSENT_UPDATES = "consentgate.consent.updates";

    /** Timer {@code consentgate_decision_lag_seconds}: wall-clock time from an event's own time to its decision. */
    public static final String DECISION_LAG = "consentgate.decision.lag";

    /**
     * Counter {@code consentgate_unmatched_category_paths_total}: category paths of an input mapping that name no field
     * of a schema met on its topic, counted once per (schema, task); tag topic. Above zero, a mapping has gone stale.
     */
    public static final String UNMATCHED_CATEGORY_PATHS = "consentgate.unmatched.category.paths";

    /**
     * Counter {@code consentgate_misplaced_records_total}: records that arrived on a partition other than their customer
     * id's and were moved to it; tag topic (the consent topic or an input keyed by customer id). Above zero, a producer
     * partitions with something other than Kafka's murmur2 on the customer id: correct, but each costs a second write.
     */
    public static final String MISPLACED_RECORDS = "consentgate.misplaced.records";

    /** Gauge {@code consentgate_shadow_mode}: 1 while the policy runs in shadow mode (nothing is dropped), else 0. */
    public static final String SHADOW_MODE = "consentgate.shadow.mode";

    /**
     * Gauge {@code consentgate_review_queue_records}: records held for a reviewer (purposes with {@code review: required})
     * in this instance's tasks, refreshed every 15 seconds.
     */
    public static final String REVIEW_QUEUE_RECORDS = "consentgate.review.queue.records";

    /**
     * Gauge {@code consentgate_review_queue_oldest_age_seconds}: how long the oldest held record of this instance's tasks
     * has waited, from its held decision's time to now; 0 when none waits.
     */
    public static final String REVIEW_QUEUE_OLDEST_AGE = "consentgate.review.queue.oldest.age";

    /**
     * Gauge {@code consentgate_erasure_notices_waiting}: erasure notices of this instance's tasks read but not yet written,
     * their records still being looked up in the purpose topics.
     */
    public static final String ERASURE_NOTICES_WAITING = "consentgate.erasure.notices.waiting";

    /**
     * Gauge {@code consentgate_erasure_notices_oldest_wait_seconds}: how long the oldest notice still waiting has waited
     * since it was first read; 0 when none waits.
     */
    public static final String ERASURE_NOTICES_OLDEST_WAIT = "consentgate.erasure.notices.oldest.wait";

    /** Tag key: the declared processing purpose as the policy names it, or {@link #UNKNOWN_PURPOSE}. */
    public static final String PURPOSE = "purpose";

    /** Tag key: the outcome in lowercase, {@code permit}, {@code redact}, {@code tag} or {@code drop}. */
    public static final String DECISION = "decision";

    /** Tag key: a reason code; for decisions the first reason code, for dead letters the dead-letter reason. */
    public static final String REASON = "reason";

    /** Tag key: the data category of a redacted field, e.g. {@code user.contact.email}. */
    public static final String CATEGORY = "category";

    /** Tag key: an input topic named by the policy. */
    public static final String TOPIC = "topic";

    /** Tag key: a consent status, {@code GRANTED}, {@code DENIED}, {@code WITHDRAWN} or {@code ERASED}. */
    public static final String STATUS = "status";

    /** Common tag key on every meter: the application's name, so several deployments can share a Prometheus. */
    public static final String APPLICATION = "application";

    /** The purpose tag value for a declared purpose the policy does not know: the declared text is unbounded. */
    public static final String UNKNOWN_PURPOSE = "unknown";

    private MeterNames() {
    }
}
