package dev.consentgate.bench;

import dev.consentgate.policy.ConsentAnswer;
import dev.consentgate.policy.ConsentLookup;
import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.ConsentChoice;
import dev.consentgate.policy.Purpose;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Consent answers held in plain maps, standing in for the consent store so that a benchmark times
 * the decision and not RocksDB. The mix follows the end-to-end workload: one customer in ten has no
 * consent at all, one in eight of the rest has withdrawn one purpose.
 */
public final class InMemoryConsent {

    public static final Purpose EMAIL = Purpose.of("marketing.communications.email");
    public static final Purpose ANALYTICS = Purpose.of("analytics.reporting");
    public static final List<Purpose> TWO_PURPOSES = List.of(EMAIL, ANALYTICS);
    public static final List<String> TWO_PURPOSE_KEYS = List.of(EMAIL.key(), ANALYTICS.key());
    private static final List<String> JURISDICTIONS = List.of("EU", "US-CA", "BR");
    private static final long CAPTURED_AT = 1_700_000_000_000L;

    private final Map<String, Map<Purpose, ConsentAnswer>> byCustomer = new HashMap<>();
    private final Map<String, String> jurisdictions = new HashMap<>();

    public InMemoryConsent(int customers) {
        for (int i = 0; i < customers; i++) {
            if (i % 10 == 0) {
                continue;
            }
            String jurisdiction = jurisdiction(i);
            Map<Purpose, ConsentAnswer> answers = new HashMap<>();
            answers.put(EMAIL, ConsentAnswer.found(state(EMAIL, i % 8 == 1 ? ConsentChoice.WITHDRAWN : ConsentChoice.GRANTED, jurisdiction, i)));
            answers.put(ANALYTICS, ConsentAnswer.found(state(ANALYTICS, ConsentChoice.GRANTED, jurisdiction, i)));
            byCustomer.put(SampleContacts.customerId(i), answers);
            jurisdictions.put(SampleContacts.customerId(i), jurisdiction);
        }
    }

    public static String jurisdiction(int customer) {
        return JURISDICTIONS.get(customer % JURISDICTIONS.size());
    }

    /** The customer's jurisdiction as their consent records give it; null for a customer without any. */
    public String jurisdictionOf(String customerId) {
        return jurisdictions.get(customerId);
    }

    /** The lookup for one customer, as the processor builds one per event over the consent history. */
    public ConsentLookup forCustomer(String customerId) {
        Map<Purpose, ConsentAnswer> answers = byCustomer.get(customerId);
        if (answers == null) {
            return (purpose, time) -> ConsentAnswer.none(false);
        }
        return (purpose, time) -> answers.getOrDefault(purpose, ConsentAnswer.none(true));
    }

    private static ConsentState state(Purpose purpose, ConsentChoice status, String jurisdiction, int customer) {
        return new ConsentState(purpose, status, CAPTURED_AT, null, jurisdiction, "web-banner", "privacy-notice-2026-10", "cmp-" + customer);
    }
}
