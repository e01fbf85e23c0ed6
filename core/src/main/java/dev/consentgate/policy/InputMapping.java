package dev.consentgate.policy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How to read the envelope of the records of one CRM input topic.
 *
 * @param eventId           where the event id comes from; empty: {@code topic-partition-offset}
 * @param jurisdiction      where a jurisdiction sent with the event comes from; it can only make a purpose
 *                          opt-in, the customer's consent records say where they are
 * @param keyedByCustomerId the record key already is the customer id, so no repartition is needed
 * @param fieldCategories   field path (dotted for nested fields) → data category; completes or overrides
 *                          the schema's {@code data_category} field properties
 * @param allowedPurposes   the purposes (and their descendants) the topic's producers may declare; empty:
 *                          any purpose the policy has a rule for
 * @param passHeaders       the input headers copied to purpose records; every other input header is dropped
 * @param signals           where the events carry privacy signals; {@link SignalSources#NONE} for none
 */
public record InputMapping(
        String topic,
        ValueSource customerId,
        ValueSource purposes,
        ValueSource eventTime,
        Optional<ValueSource> eventId,
        Optional<ValueSource> jurisdiction,
        boolean keyedByCustomerId,
        Map<String, DataCategory> fieldCategories,
        Optional<Set<Purpose>> allowedPurposes,
        Set<String> passHeaders,
        SignalSources signals) {

    public InputMapping {
        fieldCategories = Map.copyOf(fieldCategories);
        allowedPurposes = allowedPurposes.map(Set::copyOf);
        passHeaders = Set.copyOf(passHeaders);
    }

    /** A mapping of an input whose events carry no signal. */
    public InputMapping(String topic, ValueSource customerId, ValueSource purposes, ValueSource eventTime, Optional<ValueSource> eventId,
                        Optional<ValueSource> jurisdiction, boolean keyedByCustomerId, Map<String, DataCategory> fieldCategories,
                        Optional<Set<Purpose>> allowedPurposes, Set<String> passHeaders) {
        this(topic, customerId, purposes, eventTime, eventId, jurisdiction, keyedByCustomerId, fieldCategories, allowedPurposes,
                passHeaders, SignalSources.NONE);
    }

    /** True when the topic's producers may declare {@code purpose}: it is or descends from an allowed purpose. */
    public boolean mayDeclare(Purpose purpose) {
        if (allowedPurposes.isEmpty()) {
            return true;
        }
        for (Purpose allowed : allowedPurposes.get()) {
            if (allowed.covers(purpose)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The paths of the fields the envelope reads that are not data but describe the event (event id, event time,
     * purposes): they pass to every purpose. The customer id is data, and is not among them.
     */
    public Set<String> envelopeFields() {
        return Stream.concat(Stream.of(purposes, eventTime), eventId.stream())
                .filter(source -> source.kind() == ValueSource.Kind.FIELD)
                .map(ValueSource::name)
                .collect(Collectors.toUnmodifiableSet());
    }
}
