package dev.consentgate.reliability;

import dev.consentgate.testing.EndToEndScenario;
import dev.consentgate.testing.EndToEndScenario.Message;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentEventType;
import dev.consentgate.schema.ConsentStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Traffic of {@link RestartDeterminismIT}: a consent history, sent and read in full before any CRM
 * event, and CRM events most of which lie before their customer's latest consent change, so that
 * deciding them reads the versioned stores' older versions.
 *
 * <p>Each generated customer has 2 to 6 changes at distinct times, produced in a shuffled order (out of
 * order per customer): grants, denials and withdrawals of consent and legitimate-interest purposes (a
 * "no" on personalize.profiling is an objection), of a parent purpose too (marketing), some without a
 * jurisdiction, one in five moves to another jurisdiction along its history, one in twenty requests
 * erasure. A few more customers have hand-written histories whose events' decisions are computed here
 * by hand ({@link #handComputed}). Events declare only purposes their input may declare.
 */
final class RestartScenario {

    static final String MARKETING = "marketing";
    static final String EMAIL = "marketing.communications.email";
    static final String ADVERTISING = "marketing.advertising";
    static final String ANALYTICS = "analytics.reporting";
    static final String PROFILING = "personalize.profiling";
    static final String TRAINING = "train_ai_system";
    static final String SALES = "sales.prospecting";
    static final String ESSENTIAL = "essential.service";
    private static final List<String> CONSENT_PURPOSES = List.of(MARKETING, EMAIL, ADVERTISING, ANALYTICS, PROFILING, TRAINING, SALES);
    private static final List<String> INPUTS = List.of("crm.contacts", "crm.email-engagement", "crm.lead-scores");
    /** Of the purposes used, those the example policy's allowed_purposes let each input declare. */
    private static final Map<String, List<String>> DECLARABLE = Map.of(
            "crm.contacts", List.of(EMAIL, ADVERTISING, ANALYTICS, PROFILING, SALES, ESSENTIAL),
            "crm.email-engagement", List.of(EMAIL, ANALYTICS, PROFILING, TRAINING),
            "crm.lead-scores", List.of(ANALYTICS, PROFILING, TRAINING, ADVERTISING, SALES));
    private static final List<String> JURISDICTIONS = List.of("EU", "US-CA", "BR");
    /** Business time ends well in the past: brokers reject records too far in the future and delete those past retention. */
    private static final long T0 = Instant.now().minusSeconds(900).toEpochMilli() / 1000 * 1000;
    private static final long HOUR_MS = 3_600_000;
    /** Consent changes lie in the ten minutes before T0; events up to a minute either side of a customer's history. */
    private static final long WINDOW_MS = 600_000;

    /** What one event's audit record must say: its jurisdiction and, per declared purpose, "DECISION [REASONS]". */
    record Expected(String eventId, String jurisdiction, Map<String, String> decisions) {
    }

    final List<Message> consents = new ArrayList<>();
    final List<Message> events = new ArrayList<>();
    final List<Expected> handComputed = new ArrayList<>();
    /** How many events lie before their customer's latest consent change. */
    int beforeLatestChange;
    private final Random random;

    RestartScenario(long seed, int customers, int eventCount) {
        random = new Random(seed);
        handWrittenHistories();
        long[][] spans = new long[customers][];
        for (int c = 0; c < customers; c++) {
            spans[c] = history(customer(c));
        }
        Collections.shuffle(consents, random);
        for (int i = 1; i <= eventCount; i++) {
            int c = random.nextInt(customers);
            long first = spans[c][0];
            long last = spans[c][1];
            int roll = random.nextInt(20);
            long time = roll < 14 ? first + random.nextInt((int) (last - first))
                    : roll < 17 ? last + 1 + random.nextInt(60_000)
                    : first - 1 - random.nextInt(60_000);
            String input = INPUTS.get(i % INPUTS.size());
            List<String> purposes = new ArrayList<>();
            for (String purpose : DECLARABLE.get(input)) {
                if (random.nextInt(3) == 0) {
                    purposes.add(purpose);
                }
            }
            if (purposes.isEmpty()) {
                purposes.add(DECLARABLE.get(input).get(random.nextInt(DECLARABLE.get(input).size())));
            }
            event("rd-" + i, input, customer(c), time, purposes);
            if (time < last) {
                beforeLatestChange++;
            }
        }
    }

    /** A generated customer's history; its first and last change's times. */
    private long[] history(String customer) {
        int changes = 2 + random.nextInt(5);
        TreeSet<Long> times = new TreeSet<>();
        while (times.size() < changes) {
            times.add(T0 - WINDOW_MS + random.nextInt((int) WINDOW_MS));
        }
        String jurisdiction = JURISDICTIONS.get(random.nextInt(JURISDICTIONS.size()));
        int movesAt = random.nextInt(5) == 0 ? 1 + random.nextInt(changes - 1) : -1;
        int erasedAt = random.nextInt(20) == 0 ? changes - 1 - random.nextInt(2) : -1;
        int k = 0;
        for (long time : times) {
            if (k == movesAt) {
                String from = jurisdiction;
                jurisdiction = JURISDICTIONS.get((JURISDICTIONS.indexOf(from) + 1 + random.nextInt(2)) % JURISDICTIONS.size());
            }
            String stated = random.nextInt(10) == 0 ? null : jurisdiction;
            if (k == erasedAt) {
                erasure(customer, time, stated);
            } else {
                int roll = random.nextInt(4);
                ConsentStatus status = roll < 2 ? ConsentStatus.GRANTED : roll == 2 ? ConsentStatus.DENIED : ConsentStatus.WITHDRAWN;
                consent(customer, CONSENT_PURPOSES.get(random.nextInt(CONSENT_PURPOSES.size())), status, time, stated);
            }
            k++;
        }
        return new long[] {times.first(), times.last()};
    }

    /**
     * Customers whose events' decisions follow from the policy by hand. Changes at {@code a} and {@code c}, the
     * event at {@code b} between them (before the latest change) and some at {@code d} after; every event is decided
     * after all consent was read, so at a decision time at or after {@code c}: a "no" read by then drops.
     */
    private void handWrittenHistories() {
        long a = T0 - 500_000;
        long b = T0 - 300_000;
        long c = T0 - 100_000;
        long d = T0 - 50_000;
        // An objection (WITHDRAWN) after the event drops the legitimate-interest purpose, not the granted one.
        consent("p-01", EMAIL, ConsentStatus.GRANTED, a, "EU");
        consent("p-01", PROFILING, ConsentStatus.GRANTED, a + 1, "EU");
        consent("p-01", PROFILING, ConsentStatus.WITHDRAWN, c, null);
        expect(event("hand-objection-withdrawn", "crm.contacts", "p-01", b, List.of(PROFILING, EMAIL)), "EU",
                PROFILING, "DROP [OBJECTION]", EMAIL, "PERMIT [CONSENT_GRANTED]");
        // An objection (DENIED) before the event drops it; a grant after the event does not reach back to it.
        consent("p-02", PROFILING, ConsentStatus.DENIED, a, "EU");
        consent("p-02", ANALYTICS, ConsentStatus.GRANTED, c, "EU");
        expect(event("hand-objection-denied", "crm.email-engagement", "p-02", b, List.of(PROFILING, ANALYTICS)), "EU",
                PROFILING, "DROP [OBJECTION]", ANALYTICS, "REDACT [NO_CONSENT]");
        // An erasure after the event drops every purpose, the contract one too.
        consent("p-03", EMAIL, ConsentStatus.GRANTED, a, "EU");
        consent("p-03", ANALYTICS, ConsentStatus.GRANTED, a + 1, "EU");
        erasure("p-03", c, "EU");
        expect(event("hand-erasure", "crm.contacts", "p-03", b, List.of(EMAIL, ANALYTICS, ESSENTIAL, PROFILING)), "EU",
                EMAIL, "DROP [ERASURE_REQUESTED]", ANALYTICS, "DROP [ERASURE_REQUESTED]", ESSENTIAL, "DROP [ERASURE_REQUESTED]",
                PROFILING, "DROP [ERASURE_REQUESTED]");
        // A withdrawal after the event drops it (consent is judged at the decision time too), and every later one.
        consent("p-04", EMAIL, ConsentStatus.GRANTED, a, "EU");
        consent("p-04", EMAIL, ConsentStatus.WITHDRAWN, c, "EU");
        expect(event("hand-withdrawn-before", "crm.email-engagement", "p-04", b, List.of(EMAIL, TRAINING)), "EU",
                EMAIL, "DROP [CONSENT_WITHDRAWN]", TRAINING, "DROP [NO_CONSENT]");
        expect(event("hand-withdrawn-after", "crm.email-engagement", "p-04", d, List.of(EMAIL)), "EU",
                EMAIL, "DROP [CONSENT_WITHDRAWN]");
        // A move from US-CA (advertising is opt-out) to EU: the event is judged under its time's jurisdiction, but opt-out
        // must hold at the decision's time too, after the move (the consent history is read before the events).
        consent("p-05", EMAIL, ConsentStatus.GRANTED, a, "US-CA");
        consent("p-05", EMAIL, ConsentStatus.GRANTED, c, "EU");
        expect(event("hand-jurisdiction-before-move", "crm.lead-scores", "p-05", b, List.of(ADVERTISING, ANALYTICS)), "US-CA",
                ADVERTISING, "DROP [NO_CONSENT]", ANALYTICS, "REDACT [NO_CONSENT]");
        expect(event("hand-jurisdiction-after-move", "crm.lead-scores", "p-05", d, List.of(ADVERTISING)), "EU",
                ADVERTISING, "DROP [NO_CONSENT]");
        // A denial in force at the event's time drops it although a grant follows: no retroactive consent.
        consent("p-06", EMAIL, ConsentStatus.DENIED, a, "EU");
        consent("p-06", EMAIL, ConsentStatus.GRANTED, c, "EU");
        expect(event("hand-denied-then-granted", "crm.contacts", "p-06", b, List.of(EMAIL)), "EU", EMAIL, "DROP [CONSENT_DENIED]");
        expect(event("hand-granted-after", "crm.contacts", "p-06", d, List.of(EMAIL)), "EU", EMAIL, "PERMIT [CONSENT_GRANTED]");
        // A grant of the parent purpose covers the child; a denial after the event drops it.
        consent("p-07", MARKETING, ConsentStatus.GRANTED, a, "EU");
        consent("p-07", ANALYTICS, ConsentStatus.DENIED, c, "EU");
        expect(event("hand-inherited", "crm.contacts", "p-07", b, List.of(EMAIL, ANALYTICS)), "EU",
                EMAIL, "PERMIT [CONSENT_GRANTED, CONSENT_INHERITED]", ANALYTICS, "DROP [CONSENT_DENIED]");
        // A withdrawal that its consent platform dated two hours ahead of its record counts from the bound, an hour after the
        // record (consentgate.time.max.ahead.ms): not dropped as a dead letter, and the partition decides no further ahead.
        consent("p-09", EMAIL, ConsentStatus.GRANTED, a, "EU");
        consent("p-09", EMAIL, ConsentStatus.WITHDRAWN, c + 2 * HOUR_MS, c, "EU");
        expect(event("hand-withdrawal-dated-ahead", "crm.contacts", "p-09", b, List.of(EMAIL)), "EU", EMAIL, "DROP [CONSENT_WITHDRAWN]");
        // A grant for a while suspends a denial: once it lapsed, before the event, the denial drops the event again rather
        // than leave a customer who said no redacted as having said nothing.
        consent("p-10", ANALYTICS, ConsentStatus.DENIED, a, "EU");
        grantUntil("p-10", ANALYTICS, a + 1, b - 1, "EU");
        expect(event("hand-denial-after-lapsed-grant", "crm.contacts", "p-10", b, List.of(ANALYTICS)), "EU", ANALYTICS, "DROP [CONSENT_DENIED]");
        // Before a customer's first change the customer is unknown: consent purposes drop, the contract one passes.
        consent("p-08", EMAIL, ConsentStatus.GRANTED, c, "EU");
        expect(event("hand-unknown-then", "crm.contacts", "p-08", b, List.of(EMAIL, ESSENTIAL)), null,
                EMAIL, "DROP [UNKNOWN_CUSTOMER]", ESSENTIAL, "PERMIT [CONTRACT]");
    }

    private void expect(String eventId, String jurisdiction, String... purposeDecisions) {
        Map<String, String> decisions = new TreeMap<>();
        for (int i = 0; i < purposeDecisions.length; i += 2) {
            decisions.put(purposeDecisions[i], purposeDecisions[i + 1]);
        }
        handComputed.add(new Expected(eventId, jurisdiction, decisions));
    }

    private void consent(String customer, String purpose, ConsentStatus status, long capturedAt, String jurisdiction) {
        consent(customer, purpose, status, capturedAt, capturedAt, jurisdiction);
    }

    /** A consent event in a record stamped {@code timestamp}, which its capture time may lie ahead of. */
    private void consent(String customer, String purpose, ConsentStatus status, long capturedAt, long timestamp, String jurisdiction) {
        consent(customer, purpose, status, capturedAt, timestamp, null, jurisdiction);
    }

    private void grantUntil(String customer, String purpose, long capturedAt, long expiresAt, String jurisdiction) {
        consent(customer, purpose, ConsentStatus.GRANTED, capturedAt, capturedAt, Instant.ofEpochMilli(expiresAt), jurisdiction);
    }

    private void consent(String customer, String purpose, ConsentStatus status, long capturedAt, long timestamp, Instant expiresAt,
                         String jurisdiction) {
        consents.add(new Message("consent.events", customer, timestamp, ConsentEvent.newBuilder().setCustomerId(customer)
                .setPurpose(purpose).setStatus(status).setCapturedAt(Instant.ofEpochMilli(capturedAt)).setExpiresAt(expiresAt)
                .setJurisdiction(jurisdiction).setSource("restart-test").build(), null));
    }

    private void erasure(String customer, long capturedAt, String jurisdiction) {
        consents.add(new Message("consent.events", customer, capturedAt, ConsentEvent.newBuilder().setType(ConsentEventType.ERASURE)
                .setCustomerId(customer).setStatus(ConsentStatus.DENIED).setCapturedAt(Instant.ofEpochMilli(capturedAt))
                .setJurisdiction(jurisdiction).setSource("restart-test").build(), null));
    }

    private String event(String eventId, String input, String customer, long time, List<String> purposes) {
        events.add(switch (input) {
            case "crm.contacts" -> new Message(input, customer, time, EndToEndScenario.contact(eventId, customer, time, purposes), null);
            case "crm.email-engagement" -> new Message(input, "campaign-" + Math.floorMod(eventId.hashCode(), 13), time,
                    EndToEndScenario.engagement(eventId, customer, time, purposes), null);
            default -> new Message(input, "lead-" + Math.floorMod(eventId.hashCode(), 13), time,
                    EndToEndScenario.leadScore(eventId, customer, time, purposes), null);
        });
        return eventId;
    }

    int eventCount() {
        return events.size();
    }

    private static String customer(int number) {
        return String.format("c-%05d", number);
    }
}
