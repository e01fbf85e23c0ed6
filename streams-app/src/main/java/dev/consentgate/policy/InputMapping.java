package dev.consentgate.policy;

import java.util.Map;
import java.util.Optional;

/**
 * How to read the envelope of the records of one CRM input topic.
 *
 * @param eventId           where the event id comes from; empty: {@code topic-partition-offset}
 * @param jurisdiction      where the customer's jurisdiction comes from; empty: from the customer's
 *                          consent records
 * @param keyedByCustomerId the record key already is the customer id, so no repartition is needed
 * @param fieldCategories   field path → data category; completes or overrides the schema's
 *                          {@code data_category} field properties
 */
public record InputMapping(
        String topic,
        ValueSource customerId,
        ValueSource purposes,
        ValueSource eventTime,
        Optional<ValueSource> eventId,
        Optional<ValueSource> jurisdiction,
        boolean keyedByCustomerId,
        Map<String, DataCategory> fieldCategories) {

    public InputMapping {
        fieldCategories = Map.copyOf(fieldCategories);
    }
}
