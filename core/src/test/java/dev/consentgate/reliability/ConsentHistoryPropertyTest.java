package dev.consentgate.reliability;

import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.PurposeDecision;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.enforce.EnforcementDriver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random consent histories, sent out of order and interleaved with CRM events, through the real
 * topology under the bundled example policy: every audited decision must equal the one a small
 * reference model computes, no record may reach a purpose topic in the clear without a legal basis, and
 * of a record that does, no field, key or header the purpose may not see ({@link WithUnnamedData}: every
 * event carries a field nobody categorized, a nested record and an input header holding an email).
 *
 * <p>The reference model is written from the rules of docs/policy-reference.md, not from DecisionFunction
 * or ConsentHistory. With the default grace period of 0 an event is decided on arrival, so the model judges
 * each event by the consent events of its customer that were <em>sent before it</em>, at two times: the
 * event's own and the decision's, which is the driver's stream time (the latest timestamp sent so far, of
 * any history in the batch, the event's included).
 *
 * <p>Histories come from a seeded {@link Random}: a failing try names its seed and replays exactly.
 * (jqwik, the usual tool, asks since 1.10 not to be used by AI coding agents, which build this project.)
 *
 * <p>Count: a TopologyTestDriver takes 100-300 ms to start and close, so each try runs a batch of
 * {@value #HISTORIES_PER_TRY} independent histories (no customer id shared between them) through one
 * driver: {@value #TRIES} tries × {@value #HISTORIES_PER_TRY} = 1,000 histories per run, each of
 * 2-4 customers with 0-5 consent changes (broad and narrow ones often captured at the same instant) and
 * 1-3 CRM events apiece, plus late events stamped before a "no" and sent after it. Every other try keeps a
 * single customer's entry of the consent purpose index in memory, so that entries are read back from the
 * store all the time.
 */
class ConsentHistoryPropertyTest {

    private static final int TRIES = 25;
    private static final int HISTORIES_PER_TRY = 40;
    /** Times are multiples of one slot, so consent times, expiries and event times often coincide: the boundaries get tested. */
    private static final long SLOT_MS = 100;

    private static final String EMAIL = "marketing.communications.email";
    private static final String ADVERTISING = "marketing.advertising";
    private static final String REPORTING = "analytics.reporting";
    private static final String PROFILING = "personalize.profiling";
    private static final String ESSENTIAL = "essential.service";
    /** No rule covers it (the rules are for its descendants): decided UNKNOWN_PURPOSE. */
    private static final String UNRULED = "marketing";

    private static final List<String> CONSENT_PURPOSES = List.of(
            "marketing", EMAIL, ADVERTISING, "analytics", REPORTING, "personalize", PROFILING);
    private static final List<String> DECLARED_PURPOSES = List.of(EMAIL, ADVERTISING, REPORTING, PROFILING, ESSENTIAL, UNRULED);
    private static final List<String> PURPOSE_TOPICS = List.of(EMAIL, ADVERTISING, REPORTING, PROFILING, ESSENTIAL);

    private static final String EU = "EU";
    private static final String US_CA = "US-CA";

    /** The example policy's rules, transcribed by hand: basis and what a purpose gets when the basis does not hold. */
    private static final Map<String, Rule> RULES = Map.of(
            EMAIL, new Rule(Basis.CONSENT, "DROP"),
            REPORTING, new Rule(Basis.CONSENT, "REDACT"),
            PROFILING, new Rule(Basis.LEGITIMATE_INTEREST, "DROP"),
            "train_ai_system", new Rule(Basis.CONSENT, "DROP"),
            ADVERTISING, new Rule(Basis.CONSENT, "DROP"),
            ESSENTIAL, new Rule(Basis.CONTRACT, null));

    private static final String POLICY = EnforcementDriver.examplePolicy();

    static IntStream seeds() {
        return IntStream.range(0, TRIES);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyAuditedDecisionIsTheReferenceModelsAndNoPurposeGetsARecordInTheClearWithoutALegalBasis(int seed) {
        // Given: the histories' consent and CRM events, interleaved in one random send order
        List<Step> sendOrder = sendOrder(batch(new Random(seed)));

        // When
        List<DecisionRecord> audits;
        Map<String, Object> config = seed % 2 == 0 ? Map.of() : Map.of(ConsentGateConfig.CACHED_CUSTOMERS, 1);
        List<Delivered> delivered = new ArrayList<>();
        try (EnforcementDriver driver = new EnforcementDriver(POLICY, config)) {
            for (Step step : sendOrder) {
                send(driver, step);
            }
            audits = driver.audits();
            for (String purpose : PURPOSE_TOPICS) {
                driver.purpose(purpose).forEach(r -> delivered.add(new Delivered(purpose, r, driver.decode("x", r.value()))));
            }
        }

        // Then: one audit record per event, in send order, each decision exactly the model's
        List<Judged> judged = judge(sendOrder);
        assertThat(audits).hasSameSizeAs(judged);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < judged.size(); i++) {
            String expected = judged.get(i).expectedAudit();
            String actual = describe(audits.get(i));
            if (!actual.equals(expected)) {
                mismatches.add("expected " + expected + "\n but was " + actual + "\n consent sent before it: " + judged.get(i).model().arrived());
            }
        }
        assertThat(mismatches).isEmpty();

        // And: the safety invariant, stated on its own over what the purpose topics actually hold: a record only with a
        // legal basis at both times (or marked, after silence), and of it only the fields, key and headers the purpose may see
        Map<String, Judged> eventsById = new HashMap<>();
        judged.forEach(j -> eventsById.put(j.event().eventId(), j));
        List<String> violations = new ArrayList<>();
        for (Delivered out : delivered) {
            Judged event = eventsById.get(header(out.record(), "consent-event-id"));
            String decision = header(out.record(), "consent-decision");
            if (!event.mayReach(out.purpose(), decision)) {
                violations.add(out.purpose() + " got " + event.event().eventId() + " as " + decision + ", legal basis held: "
                        + event.legalBasisHeld(out.purpose()) + ", the customer said no: " + event.saidNo(out.purpose()));
            }
            violations.addAll(WithUnnamedData.leaks(out.purpose(), decision, out.record(), out.value(), event.event().customer()));
        }
        assertThat(violations).isEmpty();
    }

    /** A record a purpose topic received, with its value decoded. */
    private record Delivered(String purpose, TestRecord<byte[], byte[]> record, GenericRecord value) {
    }

    /** Each CRM event of the send order with its customer's consent as sent before it and the decision's time. */
    private static List<Judged> judge(List<Step> sendOrder) {
        List<Judged> judged = new ArrayList<>();
        long streamTime = Long.MIN_VALUE;
        for (int i = 0; i < sendOrder.size(); i++) {
            Step step = sendOrder.get(i);
            streamTime = Math.max(streamTime, step.timestamp());
            if (step instanceof CrmEvent event) {
                judged.add(new Judged(event, ReferenceModel.before(sendOrder, i, event.customer()), streamTime));
            }
        }
        return judged;
    }

    /**
     * Found by the property above: a change without a jurisdiction took the one stored when it arrived,
     * so a late change naming the customer's new jurisdiction never reached it.
     */
    @Test
    void aLateChangeOfJurisdictionReachesTheLaterChangesThatNameNone() {
        try (EnforcementDriver driver = new EnforcementDriver(POLICY)) {
            // Given: a Californian customer moves to the EU at 2000, but that change arrives after one of 3000 naming no jurisdiction
            driver.consent("cust-moved", REPORTING, ConsentStatus.GRANTED, 1_000, null, US_CA);
            driver.consent("cust-moved", "personalize", ConsentStatus.GRANTED, 3_000, null, null);
            driver.consent("cust-moved", REPORTING, ConsentStatus.GRANTED, 2_000, null, EU);

            // When
            driver.send(contact("e-after-move", "cust-moved", 4_000, ADVERTISING));

            // Then: judged as an EU customer, advertising (opt-out only in US-CA) needs consent it does not have
            assertThat(driver.audits()).extracting(ConsentHistoryPropertyTest::describe)
                    .containsExactly("e-after-move jurisdiction=EU decidedAt=4000 | marketing.advertising:DROP:[NO_CONSENT]");
            assertThat(driver.purpose(ADVERTISING)).isEmpty();
        }
    }

    private static String describe(DecisionRecord audit) {
        StringBuilder text = new StringBuilder(audit.getEventId() + " jurisdiction=" + audit.getJurisdiction()
                + " decidedAt=" + audit.getDecidedAt().toEpochMilli());
        for (PurposeDecision decision : audit.getDecisions()) {
            text.append(" | ").append(decision.getPurpose()).append(':').append(decision.getDecision()).append(':').append(decision.getReasons());
        }
        return text.toString();
    }

    private static void send(EnforcementDriver driver, Step step) {
        if (step instanceof ConsentChange change) {
            if (change.status() == Status.ERASED) {
                driver.erasure(change.customer(), change.capturedAt());
            } else {
                driver.consent(change.customer(), change.purpose(), ConsentStatus.valueOf(change.status().name()),
                        change.capturedAt(), change.expiresAt(), change.jurisdiction());
            }
        } else if (step instanceof CrmEvent event) {
            GenericRecord value = WithUnnamedData.contact(event.eventId(), event.customer(), event.occurredAt(), event.purposes());
            driver.sendRawWithHeaders(EnforcementDriver.CONTACTS, event.customer(), driver.encodeGeneric(EnforcementDriver.CONTACTS, value),
                    event.occurredAt(), WithUnnamedData.HEADERS);
        }
    }

    // ---- the reference model

    enum Status { GRANTED, DENIED, WITHDRAWN, ERASED }

    enum Basis { CONSENT, LEGITIMATE_INTEREST, CONTRACT }

    record Rule(Basis basis, String onMissing) {
    }

    /** How a purpose's basis stands at one time: permitted, a "no" from the customer, or nothing said that covers it. */
    enum Standing { PERMIT, NO, SILENT }

    /** The standing at one time, with its reason and the change it rests on (none when nothing was said). */
    record Verdict(Standing standing, String reason, Optional<ConsentChange> change) {
    }

    /** One event as the model judges it: at its own time and at the decision's time. */
    record Judged(CrmEvent event, ReferenceModel model, long decidedAt) {

        String expectedAudit() {
            StringBuilder text = new StringBuilder(event.eventId() + " jurisdiction=" + model.jurisdiction(event.occurredAt())
                    + " decidedAt=" + decidedAt);
            for (String purpose : event.purposes()) {
                text.append(" | ").append(decide(purpose));
            }
            return text.toString();
        }

        /**
         * A "no" at either time drops, the event time's first; a permit at both permits, with the event time's reason;
         * otherwise the rule's missing-consent action, with the reason of a time where nothing covering was said.
         */
        private String decide(String purpose) {
            Optional<Rule> rule = ruleFor(purpose);
            if (rule.isEmpty()) {
                return purpose + ":DROP:[UNKNOWN_PURPOSE]";
            }
            boolean optOut = model.optOut(purpose, event.occurredAt()) && model.optOut(purpose, decidedAt);
            Verdict atEvent = model.verdict(purpose, event.occurredAt(), optOut);
            Verdict atDecision = model.verdict(purpose, decidedAt, optOut);
            Verdict used;
            String outcome;
            if (atEvent.standing() == Standing.NO || atDecision.standing() == Standing.NO) {
                used = atEvent.standing() == Standing.NO ? atEvent : atDecision;
                outcome = "DROP";
            } else if (atEvent.standing() == Standing.PERMIT && atDecision.standing() == Standing.PERMIT) {
                used = atEvent;
                outcome = "PERMIT";
            } else {
                used = atEvent.standing() == Standing.SILENT ? atEvent : atDecision;
                outcome = rule.get().onMissing();
            }
            // An erasure request between the event's time and the decision's covers the event, whatever was granted after it.
            boolean restsOnErasure = used.change().map(c -> c.status() == Status.ERASED).orElse(false);
            if (!outcome.equals("DROP") && !restsOnErasure && erasedSinceTheEvent()) {
                return purpose + ":DROP:[ERASURE_REQUESTED]";
            }
            List<String> reasons = new ArrayList<>(List.of(used.reason()));
            // Inherited: the change used was captured for an ancestor (an erasure has no purpose of its own).
            if (used.change().isPresent() && used.change().get().purpose() != null && !used.change().get().purpose().equals(purpose)) {
                reasons.add("CONSENT_INHERITED");
            }
            return purpose + ":" + outcome + ":" + reasons;
        }

        /** The safety predicate: a purpose may see the record in the clear only with its basis at both times, marked only after silence. */
        boolean mayReach(String purpose, String decision) {
            if (legalBasisHeld(purpose)) {
                return decision.equals("permit");
            }
            String missing = RULES.get(purpose).onMissing();
            return !saidNo(purpose) && missing != null && !missing.equals("DROP") && decision.equals(missing.toLowerCase());
        }

        boolean legalBasisHeld(String purpose) {
            boolean optOut = model.optOut(purpose, event.occurredAt()) && model.optOut(purpose, decidedAt);
            return model.basisHolds(purpose, event.occurredAt(), optOut) && model.basisHolds(purpose, decidedAt, optOut)
                    && !erasedSinceTheEvent();
        }

        boolean saidNo(String purpose) {
            return model.saidNo(purpose, event.occurredAt()) || model.saidNo(purpose, decidedAt) || erasedSinceTheEvent();
        }

        private boolean erasedSinceTheEvent() {
            return model.erasureSince(event.occurredAt(), decidedAt).isPresent();
        }
    }

    /** One customer's consent as known to the topology when an event arrives: the changes sent before it, in send order. */
    record ReferenceModel(List<ConsentChange> arrived) {

        static ReferenceModel before(List<Step> sendOrder, int index, String customer) {
            List<ConsentChange> arrived = new ArrayList<>();
            for (Step step : sendOrder.subList(0, index)) {
                if (step instanceof ConsentChange change && change.customer().equals(customer)) {
                    arrived.add(change);
                }
            }
            return new ReferenceModel(arrived);
        }

        /**
         * The statement in force for the purpose at {@code time}: the latest change captured by then about the purpose,
         * an ancestor, or everything (an erasure); on a tie the more restrictive, then the more specific; of two about
         * the same purpose at one instant and as restrictive, a denial before a withdrawal and the grant that lapses first.
         */
        Optional<ConsentChange> latest(String purpose, long time) {
            return arrived.stream()
                    .filter(c -> c.capturedAt() <= time && (c.status() == Status.ERASED || covers(c.purpose(), purpose)))
                    .max(Comparator.comparingLong(ConsentChange::capturedAt)
                            .thenComparingInt(c -> restrictiveness(c.status()))
                            .thenComparingInt(c -> c.purpose() == null ? 0 : c.purpose().length())
                            .thenComparingInt(c -> -c.status().ordinal())
                            .thenComparingLong(c -> c.expiresAt() == null ? Long.MIN_VALUE : -c.expiresAt()));
        }

        /**
         * The statement that decides at {@code time}: the latest, unless it is a grant lapsed by then; then the "no" in
         * force before it and every lapsed grant before it, if one is, else the lapsed grant. A grant that holds at
         * {@code time}, at any instant the search reaches, ends it.
         */
        Optional<ConsentChange> inForce(String purpose, long time) {
            Optional<ConsentChange> latest = latest(purpose, time);
            Optional<ConsentChange> before = latest;
            while (before.isPresent() && before.get().status() == Status.GRANTED && expired(before.get(), time)
                    && !grantHoldsAt(purpose, before.get().capturedAt(), time)) {
                before = latest(purpose, before.get().capturedAt() - 1);
            }
            return before.isPresent() && before.get().status() != Status.GRANTED ? before : latest;
        }

        /** Whether a grant about a purpose covering {@code purpose}, captured at {@code instant}, holds at {@code time}. */
        private boolean grantHoldsAt(String purpose, long instant, long time) {
            return arrived.stream().anyMatch(c -> c.capturedAt() == instant && c.status() == Status.GRANTED
                    && covers(c.purpose(), purpose) && !expired(c, time));
        }

        private static int restrictiveness(Status status) {
            return switch (status) {
                case GRANTED -> 0;
                case DENIED, WITHDRAWN -> 1;
                case ERASED -> 2;
            };
        }

        /**
         * A change without a jurisdiction keeps the one the customer had; two different ones at one instant are both the
         * customer's, sorted and joined by a comma, whatever the order they were sent in.
         */
        String jurisdiction(long time) {
            long latest = Long.MIN_VALUE;
            for (ConsentChange change : arrived) {
                if (change.jurisdiction() != null && change.capturedAt() <= time) {
                    latest = Math.max(latest, change.capturedAt());
                }
            }
            TreeSet<String> codes = new TreeSet<>();
            for (ConsentChange change : arrived) {
                if (change.jurisdiction() != null && change.capturedAt() == latest) {
                    codes.add(change.jurisdiction());
                }
            }
            return codes.isEmpty() ? null : String.join(",", codes);
        }

        boolean customerKnown(long time) {
            return arrived.stream().anyMatch(c -> c.capturedAt() <= time);
        }

        /** Under the customer's recorded jurisdiction at {@code time}; contacts carry none of their own here. Opt-out needs it at both times. */
        boolean optOut(String purpose, long time) {
            return US_CA.equals(jurisdiction(time)) && covers(ADVERTISING, purpose);
        }

        /** The basis's standing at one time; {@code optOut} is judged once per event, under the jurisdiction of its time. */
        Verdict verdict(String purpose, long time, boolean optOut) {
            Rule rule = ruleFor(purpose).orElseThrow();
            Optional<ConsentChange> change = inForce(purpose, time);
            Status status = change.map(ConsentChange::status).orElse(null);
            if (status == Status.ERASED) {
                return new Verdict(Standing.NO, "ERASURE_REQUESTED", change);
            }
            return switch (rule.basis()) {
                case CONTRACT -> erasureStanding(purpose, time)
                        .map(erasure -> new Verdict(Standing.NO, "ERASURE_REQUESTED", Optional.of(erasure)))
                        .orElse(new Verdict(Standing.PERMIT, "CONTRACT", Optional.empty()));
                case LEGITIMATE_INTEREST -> status == Status.DENIED || status == Status.WITHDRAWN
                        ? new Verdict(Standing.NO, "OBJECTION", change)
                        : new Verdict(Standing.PERMIT, "LEGITIMATE_INTEREST", change);
                case CONSENT -> consentVerdict(change, optOut, time);
            };
        }

        private Verdict consentVerdict(Optional<ConsentChange> change, boolean optOut, long time) {
            if (change.isEmpty()) {
                return optOut ? new Verdict(Standing.PERMIT, "OPT_OUT_NOT_EXERCISED", change)
                        : new Verdict(Standing.SILENT, customerKnown(time) ? "NO_CONSENT" : "UNKNOWN_CUSTOMER", change);
            }
            return switch (change.get().status()) {
                case DENIED -> new Verdict(Standing.NO, optOut ? "OPTED_OUT" : "CONSENT_DENIED", change);
                case WITHDRAWN -> new Verdict(Standing.NO, optOut ? "OPTED_OUT" : "CONSENT_WITHDRAWN", change);
                case GRANTED -> !expired(change.get(), time) ? new Verdict(Standing.PERMIT, "CONSENT_GRANTED", change)
                        : optOut ? new Verdict(Standing.PERMIT, "OPT_OUT_NOT_EXERCISED", change)
                        : new Verdict(Standing.SILENT, "CONSENT_EXPIRED", change);
                case ERASED -> throw new IllegalStateException("erasures are judged before the basis");
            };
        }

        /** The safety predicate's half, from the rules only: does the purpose's basis hold at {@code time}? */
        boolean basisHolds(String purpose, long time, boolean optOut) {
            Rule rule = ruleFor(purpose).orElseThrow();
            Optional<Status> status = inForce(purpose, time).map(ConsentChange::status);
            if (status.equals(Optional.of(Status.ERASED))) {
                return false;
            }
            return switch (rule.basis()) {
                case CONTRACT -> erasureStanding(purpose, time).isEmpty();
                case LEGITIMATE_INTEREST -> status.isEmpty() || status.get() == Status.GRANTED;
                case CONSENT -> optOut
                        ? status.isEmpty() || status.get() == Status.GRANTED
                        : status.isPresent() && status.get() == Status.GRANTED && !expired(inForce(purpose, time).get(), time);
            };
        }

        /** For a contract: the latest erasure request by {@code time} stands, unless the change in force is a grant given after it. */
        Optional<ConsentChange> erasureStanding(String purpose, long time) {
            Optional<ConsentChange> erasure = erasureSince(Long.MIN_VALUE, time);
            Optional<ConsentChange> change = inForce(purpose, time);
            boolean grantedSince = erasure.isPresent() && change.isPresent() && change.get().status() == Status.GRANTED
                    && change.get().capturedAt() > erasure.get().capturedAt();
            return grantedSince ? Optional.empty() : erasure;
        }

        /** The latest erasure request captured by {@code time}, when it was captured at or after {@code since}. */
        Optional<ConsentChange> erasureSince(long since, long time) {
            return arrived.stream().filter(c -> c.status() == Status.ERASED && c.capturedAt() <= time)
                    .max(java.util.Comparator.comparingLong(ConsentChange::capturedAt)).filter(c -> c.capturedAt() >= since);
        }

        /** Whether the statement in force at {@code time} is a "no": DENIED, WITHDRAWN or an erasure. */
        boolean saidNo(String purpose, long time) {
            return inForce(purpose, time).map(c -> c.status() != Status.GRANTED).orElse(false);
        }

        private static boolean expired(ConsentChange change, long time) {
            return change.expiresAt() != null && change.expiresAt() <= time;
        }
    }

    static Optional<Rule> ruleFor(String purpose) {
        return selfAndAncestors(purpose).stream().filter(RULES::containsKey).findFirst().map(RULES::get);
    }

    static List<String> selfAndAncestors(String purpose) {
        List<String> keys = new ArrayList<>();
        for (String key = purpose; key != null; key = key.contains(".") ? key.substring(0, key.lastIndexOf('.')) : null) {
            keys.add(key);
        }
        return keys;
    }

    static boolean covers(String ancestor, String purpose) {
        return purpose.equals(ancestor) || purpose.startsWith(ancestor + ".");
    }

    // ---- generated histories

    /** Where a consent change's jurisdiction comes from: the customer's home one, the other one (they moved), or none. */
    enum JurisdictionChoice { HOME, OTHER, NONE }

    record ConsentSpec(String purpose, Status status, int timeSlot, Integer validSlots, JurisdictionChoice jurisdiction, int sendSlot) {
    }

    record EventSpec(int timeSlot, List<String> purposes, int sendSlot) {
    }

    record CustomerSpec(String home, List<ConsentSpec> consents, List<EventSpec> events) {
    }

    record HistorySpec(List<CustomerSpec> customers) {
    }

    sealed interface Step permits ConsentChange, CrmEvent {
        int sendSlot();

        /** The record timestamp it is sent with: capture time or event time. */
        long timestamp();
    }

    /** A consent change; an erasure has status ERASED, no purpose and no jurisdiction. */
    record ConsentChange(String customer, String purpose, Status status, long capturedAt, Long expiresAt, String jurisdiction,
                         int sendSlot) implements Step {
        @Override
        public long timestamp() {
            return capturedAt;
        }
    }

    record CrmEvent(String eventId, String customer, long occurredAt, List<String> purposes, int sendSlot) implements Step {
        @Override
        public long timestamp() {
            return occurredAt;
        }
    }

    /** {@value #HISTORIES_PER_TRY} independent histories of 2-4 customers each. */
    static List<HistorySpec> batch(Random random) {
        List<HistorySpec> batch = new ArrayList<>(HISTORIES_PER_TRY);
        for (int h = 0; h < HISTORIES_PER_TRY; h++) {
            List<CustomerSpec> customers = new ArrayList<>();
            for (int c = between(random, 2, 4); c > 0; c--) {
                customers.add(customer(random));
            }
            batch.add(new HistorySpec(customers));
        }
        return batch;
    }

    private static CustomerSpec customer(Random random) {
        List<ConsentSpec> consents = new ArrayList<>();
        // One change per (key, instant): a second one would replace the first in the store, in send order. Different keys,
        // a broad and a narrow purpose or an erasure, often share an instant, so the more restrictive must win the tie.
        java.util.Set<String> usedKeysAndSlots = new java.util.HashSet<>();
        List<Integer> usedSlots = new ArrayList<>();
        for (int n = between(random, 0, 5); n > 0; n--) {
            int slot = !usedSlots.isEmpty() && random.nextInt(10) < 4 ? pick(random, usedSlots) : between(random, 0, 20);
            Status status = weighted(random, new Status[] {Status.GRANTED, Status.DENIED, Status.WITHDRAWN, Status.ERASED}, 4, 2, 2, 1);
            String purpose = pick(random, CONSENT_PURPOSES);
            if (usedKeysAndSlots.add((status == Status.ERASED ? "*" : purpose) + "@" + slot)) {
                usedSlots.add(slot);
                consents.add(new ConsentSpec(purpose, status, slot,
                        random.nextInt(10) < 6 ? null : between(random, 1, 8),
                        weighted(random, JurisdictionChoice.values(), 6, 1, 2),
                        between(random, 0, 999)));
            }
        }
        List<EventSpec> events = new ArrayList<>();
        for (int n = between(random, 1, 3); n > 0; n--) {
            events.add(new EventSpec(between(random, 0, 22), declared(random), between(random, 0, 999)));
        }
        // Late events: stamped before a "no", sent after it, so only the decision's time sees it.
        for (ConsentSpec consent : consents) {
            if (consent.status() != Status.GRANTED && consent.timeSlot() > 0 && consent.sendSlot() < 999 && random.nextBoolean()) {
                events.add(new EventSpec(between(random, 0, consent.timeSlot() - 1), declared(random),
                        between(random, consent.sendSlot() + 1, 999)));
            }
        }
        return new CustomerSpec(pick(random, List.of(EU, US_CA)), consents, events);
    }

    /** One to three distinct purposes an event declares. */
    private static List<String> declared(Random random) {
        List<String> purposes = new ArrayList<>(DECLARED_PURPOSES);
        java.util.Collections.shuffle(purposes, random);
        return List.copyOf(purposes.subList(0, between(random, 1, 3)));
    }

    private static int between(Random random, int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** One of {@code values}, each as likely as its weight. */
    private static <T> T weighted(Random random, T[] values, int... weights) {
        int roll = random.nextInt(java.util.Arrays.stream(weights).sum());
        for (int i = 0; ; i++) {
            roll -= weights[i];
            if (roll < 0) {
                return values[i];
            }
        }
    }

    /** All steps of the batch, ordered by their send slots: a random order, unrelated to capture and event times. */
    static List<Step> sendOrder(List<HistorySpec> batch) {
        List<Step> steps = new ArrayList<>();
        for (int h = 0; h < batch.size(); h++) {
            List<CustomerSpec> customers = batch.get(h).customers();
            for (int c = 0; c < customers.size(); c++) {
                CustomerSpec spec = customers.get(c);
                String customer = "h" + h + "-cust-" + c;
                for (ConsentSpec consent : spec.consents()) {
                    steps.add(change(customer, spec.home(), consent));
                }
                for (int e = 0; e < spec.events().size(); e++) {
                    EventSpec event = spec.events().get(e);
                    steps.add(new CrmEvent(customer + "-e" + e, customer, event.timeSlot() * SLOT_MS, event.purposes(), event.sendSlot()));
                }
            }
        }
        steps.sort(Comparator.comparingInt(Step::sendSlot));
        return steps;
    }

    private static ConsentChange change(String customer, String home, ConsentSpec spec) {
        long capturedAt = spec.timeSlot() * SLOT_MS;
        if (spec.status() == Status.ERASED) {
            return new ConsentChange(customer, null, Status.ERASED, capturedAt, null, null, spec.sendSlot());
        }
        String jurisdiction = switch (spec.jurisdiction()) {
            case HOME -> home;
            case OTHER -> home.equals(EU) ? US_CA : EU;
            case NONE -> null;
        };
        Long expiresAt = spec.validSlots() == null ? null : capturedAt + spec.validSlots() * SLOT_MS;
        return new ConsentChange(customer, spec.purpose(), spec.status(), capturedAt, expiresAt, jurisdiction, spec.sendSlot());
    }
}
