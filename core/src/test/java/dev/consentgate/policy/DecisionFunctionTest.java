package dev.consentgate.policy;

import static dev.consentgate.policy.PolicyFixtures.optOut;
import static dev.consentgate.policy.PolicyFixtures.policy;
import static dev.consentgate.policy.PolicyFixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The decision function as tables: basis × consent state × jurisdictions at one time, then the two times
 * (the event's and the decision's), then the missing-consent actions. The event declares
 * {@code marketing.communications.email} at t=5000; the rule under test is on {@code marketing}; US-CA
 * makes {@code marketing} opt-out.
 */
class DecisionFunctionTest {

    private static final Purpose DECLARED = Purpose.of("marketing.communications.email");
    private static final Purpose ANCESTOR = Purpose.of("marketing");
    private static final long EVENT_TIME = 5_000;
    private static final long DECIDED_AT = 8_000;
    private static final Map<String, JurisdictionRule> JURISDICTIONS =
            Map.of("EU", new JurisdictionRule("EU", java.util.Set.of()), "US-CA", optOut("US-CA", "marketing"));

    /** What the consent store answers for the declared purpose at one time. */
    enum State {
        NONE_UNKNOWN_CUSTOMER(ConsentAnswer.none(false)),
        NONE_KNOWN_CUSTOMER(ConsentAnswer.none(true)),
        GRANTED(ConsentAnswer.found(record(DECLARED, ConsentChoice.GRANTED, null))),
        GRANTED_EXPIRING_AT_6000(ConsentAnswer.found(record(DECLARED, ConsentChoice.GRANTED, 6_000L))),
        EXPIRED(ConsentAnswer.found(record(DECLARED, ConsentChoice.GRANTED, 5_000L))),
        DENIED(ConsentAnswer.found(record(DECLARED, ConsentChoice.DENIED, null))),
        WITHDRAWN(ConsentAnswer.found(record(DECLARED, ConsentChoice.WITHDRAWN, null))),
        GRANTED_TO_ANCESTOR(ConsentAnswer.found(record(ANCESTOR, ConsentChoice.GRANTED, null))),
        DENIED_ON_ANCESTOR(ConsentAnswer.found(record(ANCESTOR, ConsentChoice.DENIED, null))),
        WITHDRAWN_ON_ANCESTOR(ConsentAnswer.found(record(ANCESTOR, ConsentChoice.WITHDRAWN, null))),
        ERASED(ConsentAnswer.found(record(null, ConsentChoice.ERASED, null))),
        HISTORY_EXPIRED(ConsentAnswer.beyondHistory()),
        /** Erasure requested at 6000, after the event, and a grant at 7000: the grant is in force at the decision's time. */
        GRANTED_AFTER_ERASURE_AT_6000(ConsentAnswer.found(record(DECLARED, ConsentChoice.GRANTED, 7_000, null),
                record(null, ConsentChoice.ERASED, 6_000, null))),
        /** Erasure requested at 4000, before the event, and a grant at 4500: a customer who came back. */
        GRANTED_AFTER_ERASURE_AT_4000(ConsentAnswer.found(record(DECLARED, ConsentChoice.GRANTED, 4_500, null),
                record(null, ConsentChoice.ERASED, 4_000, null))),
        /** Erasure requested at 4000, and a denial at 4500: the customer did not come back. */
        DENIED_AFTER_ERASURE_AT_4000(ConsentAnswer.found(record(DECLARED, ConsentChoice.DENIED, 4_500, null),
                record(null, ConsentChoice.ERASED, 4_000, null))),
        /** Erasure requested at 4000, and an ancestor's withdrawal at 4500. */
        WITHDRAWN_ON_ANCESTOR_AFTER_ERASURE_AT_4000(ConsentAnswer.found(record(ANCESTOR, ConsentChoice.WITHDRAWN, 4_500, null),
                record(null, ConsentChoice.ERASED, 4_000, null)));

        final ConsentAnswer answer;

        State(ConsentAnswer answer) {
            this.answer = answer;
        }
    }

    private static ConsentState record(Purpose purpose, ConsentChoice status, Long expiresAt) {
        return record(purpose, status, 1_000, expiresAt);
    }

    private static ConsentState record(Purpose purpose, ConsentChoice status, long capturedAt, Long expiresAt) {
        return new ConsentState(purpose, status, capturedAt, expiresAt, "EU", "web-banner", "notice-3", "c-1");
    }

    private static DecisionFunction function(LegalBasis basis, MissingConsentAction missing) {
        return new DecisionFunction(policy(List.of(rule("marketing", basis, missing)), JURISDICTIONS));
    }

    private static List<ReasonCode> reasons(String names) {
        return Arrays.stream(names.split(",")).map(ReasonCode::valueOf).toList();
    }

    @ParameterizedTest(name = "{0} basis, {1}, customer in {2}, event says {3} → {4} {5}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            consent             | NONE_UNKNOWN_CUSTOMER  | EU    | null  | DROP   | UNKNOWN_CUSTOMER
            consent             | NONE_KNOWN_CUSTOMER    | EU    | null  | DROP   | NO_CONSENT
            consent             | GRANTED                | EU    | null  | PERMIT | CONSENT_GRANTED
            consent             | GRANTED_EXPIRING_AT_6000 | EU  | null  | PERMIT | CONSENT_GRANTED
            consent             | EXPIRED                | EU    | null  | DROP   | CONSENT_EXPIRED
            consent             | DENIED                 | EU    | null  | DROP   | CONSENT_DENIED
            consent             | WITHDRAWN              | EU    | null  | DROP   | CONSENT_WITHDRAWN
            consent             | GRANTED_TO_ANCESTOR    | EU    | null  | PERMIT | CONSENT_GRANTED,CONSENT_INHERITED
            consent             | DENIED_ON_ANCESTOR     | EU    | null  | DROP   | CONSENT_DENIED,CONSENT_INHERITED
            consent             | ERASED                 | EU    | null  | DROP   | ERASURE_REQUESTED
            consent             | HISTORY_EXPIRED        | EU    | null  | DROP   | CONSENT_HISTORY_EXPIRED
            consent             | NONE_KNOWN_CUSTOMER    | null  | null  | DROP   | NO_CONSENT
            consent             | NONE_KNOWN_CUSTOMER    | XX    | null  | DROP   | NO_CONSENT
            consent             | NONE_KNOWN_CUSTOMER    | US-NY | null  | DROP   | NO_CONSENT
            consent             | NONE_UNKNOWN_CUSTOMER  | US-CA | null  | PERMIT | OPT_OUT_NOT_EXERCISED
            consent             | NONE_KNOWN_CUSTOMER    | US-CA | null  | PERMIT | OPT_OUT_NOT_EXERCISED
            consent             | GRANTED                | US-CA | null  | PERMIT | CONSENT_GRANTED
            consent             | EXPIRED                | US-CA | null  | PERMIT | OPT_OUT_NOT_EXERCISED
            consent             | DENIED                 | US-CA | null  | DROP   | OPTED_OUT
            consent             | WITHDRAWN              | US-CA | null  | DROP   | OPTED_OUT
            consent             | DENIED_ON_ANCESTOR     | US-CA | null  | DROP   | OPTED_OUT,CONSENT_INHERITED
            consent             | ERASED                 | US-CA | null  | DROP   | ERASURE_REQUESTED
            consent             | HISTORY_EXPIRED        | US-CA | null  | DROP   | CONSENT_HISTORY_EXPIRED
            consent             | NONE_KNOWN_CUSTOMER    | EU    | US-CA | DROP   | NO_CONSENT
            consent             | NONE_UNKNOWN_CUSTOMER  | null  | US-CA | DROP   | UNKNOWN_CUSTOMER
            consent             | NONE_KNOWN_CUSTOMER    | US-CA | EU    | DROP   | NO_CONSENT
            consent             | NONE_KNOWN_CUSTOMER    | US-CA | XX    | DROP   | NO_CONSENT
            consent             | NONE_KNOWN_CUSTOMER    | US-CA | US-CA | PERMIT | OPT_OUT_NOT_EXERCISED
            consent             | GRANTED                | US-CA | EU    | PERMIT | CONSENT_GRANTED
            legitimate_interest | NONE_UNKNOWN_CUSTOMER  | EU    | null  | PERMIT | LEGITIMATE_INTEREST
            legitimate_interest | NONE_KNOWN_CUSTOMER    | EU    | null  | PERMIT | LEGITIMATE_INTEREST
            legitimate_interest | GRANTED                | EU    | null  | PERMIT | LEGITIMATE_INTEREST
            legitimate_interest | EXPIRED                | EU    | null  | PERMIT | LEGITIMATE_INTEREST
            legitimate_interest | DENIED                 | EU    | null  | DROP   | OBJECTION
            legitimate_interest | WITHDRAWN              | EU    | null  | DROP   | OBJECTION
            legitimate_interest | GRANTED_TO_ANCESTOR    | EU    | null  | PERMIT | LEGITIMATE_INTEREST,CONSENT_INHERITED
            legitimate_interest | DENIED_ON_ANCESTOR     | EU    | null  | DROP   | OBJECTION,CONSENT_INHERITED
            legitimate_interest | WITHDRAWN_ON_ANCESTOR  | EU    | null  | DROP   | OBJECTION,CONSENT_INHERITED
            legitimate_interest | ERASED                 | EU    | null  | DROP   | ERASURE_REQUESTED
            legitimate_interest | HISTORY_EXPIRED        | EU    | null  | DROP   | CONSENT_HISTORY_EXPIRED
            legitimate_interest | DENIED                 | US-CA | null  | DROP   | OBJECTION
            contract            | NONE_UNKNOWN_CUSTOMER  | EU    | null  | PERMIT | CONTRACT
            contract            | DENIED                 | EU    | null  | PERMIT | CONTRACT
            contract            | WITHDRAWN              | US-CA | null  | PERMIT | CONTRACT
            contract            | ERASED                 | EU    | null  | DROP   | ERASURE_REQUESTED
            contract            | HISTORY_EXPIRED        | EU    | null  | PERMIT | CONTRACT
            legal_obligation    | NONE_UNKNOWN_CUSTOMER  | EU    | null  | PERMIT | LEGAL_OBLIGATION
            legal_obligation    | DENIED                 | EU    | null  | PERMIT | LEGAL_OBLIGATION
            legal_obligation    | ERASED                 | EU    | null  | PERMIT | ERASED_BUT_LEGAL_OBLIGATION
            legal_obligation    | HISTORY_EXPIRED        | US-CA | null  | PERMIT | LEGAL_OBLIGATION
            """)
    void decidesFromBasisConsentAndJurisdictions(String basis, State state, String customerJurisdiction, String eventJurisdiction,
                                                 Verdict outcome, String reasons) {
        // Given
        LegalBasis legalBasis = PolicyWords.parse(LegalBasis.class, basis).orElseThrow();
        DecisionFunction function = function(legalBasis, MissingConsentAction.DROP);

        // When: decided in order, at the event's time
        EventDecision decision = function.decide(List.of(DECLARED), p -> true, (p, t) -> state.answer,
                new DecisionContext(EVENT_TIME, EVENT_TIME, customerJurisdiction, eventJurisdiction));

        // Then
        PurposeVerdict only = decision.decisions().get(0);
        assertThat(only.outcome()).isEqualTo(outcome);
        assertThat(only.reasons()).containsExactlyElementsOf(reasons(reasons));
        assertThat(only.basis()).isEqualTo(legalBasis);
        assertThat(only.rule().orElseThrow().purpose()).isEqualTo(ANCESTOR);
        assertThat(decision.jurisdiction()).as("judged under the customer's recorded jurisdiction").isEqualTo(customerJurisdiction);
    }

    @ParameterizedTest(name = "{0} basis, on missing {1}: {2} at the event's time, {3} at the decision's → {4} {5}, consent used from {6}")
    @CsvSource(delimiter = '|', textBlock = """
            consent             | drop   | GRANTED                  | GRANTED             | PERMIT | CONSENT_GRANTED                   | EVENT
            consent             | redact | GRANTED                  | WITHDRAWN           | DROP   | CONSENT_WITHDRAWN                 | DECISION
            consent             | redact | GRANTED                  | WITHDRAWN_ON_ANCESTOR | DROP | CONSENT_WITHDRAWN,CONSENT_INHERITED | DECISION
            consent             | redact | GRANTED                  | ERASED              | DROP   | ERASURE_REQUESTED                 | DECISION
            consent             | redact | DENIED                   | ERASED              | DROP   | CONSENT_DENIED                    | EVENT
            consent             | redact | NONE_KNOWN_CUSTOMER      | GRANTED             | REDACT | NO_CONSENT                        | NONE
            consent             | drop   | NONE_UNKNOWN_CUSTOMER    | GRANTED             | DROP   | UNKNOWN_CUSTOMER                  | NONE
            consent             | redact | GRANTED_EXPIRING_AT_6000 | GRANTED_EXPIRING_AT_6000 | REDACT | CONSENT_EXPIRED          | DECISION
            consent             | redact | NONE_KNOWN_CUSTOMER      | DENIED              | DROP   | CONSENT_DENIED                    | DECISION
            legitimate_interest | tag    | NONE_KNOWN_CUSTOMER      | DENIED              | DROP   | OBJECTION                         | DECISION
            legitimate_interest | tag    | GRANTED                  | WITHDRAWN           | DROP   | OBJECTION                         | DECISION
            legitimate_interest | tag    | HISTORY_EXPIRED          | GRANTED             | DROP   | CONSENT_HISTORY_EXPIRED           | NONE
            consent             | redact | HISTORY_EXPIRED          | GRANTED             | DROP   | CONSENT_HISTORY_EXPIRED           | NONE
            consent             | tag    | HISTORY_EXPIRED          | NONE_KNOWN_CUSTOMER | DROP   | CONSENT_HISTORY_EXPIRED           | NONE
            contract            | tag    | GRANTED                  | ERASED              | DROP   | ERASURE_REQUESTED                 | DECISION
            contract            | tag    | DENIED_AFTER_ERASURE_AT_4000 | DENIED_AFTER_ERASURE_AT_4000 | DROP | ERASURE_REQUESTED     | ERASURE
            contract            | tag    | WITHDRAWN_ON_ANCESTOR_AFTER_ERASURE_AT_4000 | WITHDRAWN_ON_ANCESTOR_AFTER_ERASURE_AT_4000 | DROP | ERASURE_REQUESTED | ERASURE
            contract            | tag    | GRANTED_AFTER_ERASURE_AT_4000 | GRANTED_AFTER_ERASURE_AT_4000 | PERMIT | CONTRACT         | NONE
            contract            | tag    | HISTORY_EXPIRED          | GRANTED_AFTER_ERASURE_AT_4000 | DROP | ERASURE_REQUESTED     | ERASURE
            contract            | tag    | HISTORY_EXPIRED          | GRANTED             | PERMIT | CONTRACT                          | NONE
            legal_obligation    | drop   | DENIED_AFTER_ERASURE_AT_4000 | DENIED_AFTER_ERASURE_AT_4000 | PERMIT | ERASED_BUT_LEGAL_OBLIGATION | ERASURE
            legal_obligation    | drop   | NONE_KNOWN_CUSTOMER      | ERASED              | PERMIT | ERASED_BUT_LEGAL_OBLIGATION       | DECISION
            consent             | redact | GRANTED                  | GRANTED_AFTER_ERASURE_AT_6000 | DROP | ERASURE_REQUESTED     | ERASURE
            legitimate_interest | tag    | NONE_KNOWN_CUSTOMER      | GRANTED_AFTER_ERASURE_AT_6000 | DROP | ERASURE_REQUESTED     | ERASURE
            contract            | tag    | GRANTED                  | GRANTED_AFTER_ERASURE_AT_6000 | DROP | ERASURE_REQUESTED     | ERASURE
            legal_obligation    | drop   | NONE_KNOWN_CUSTOMER      | GRANTED_AFTER_ERASURE_AT_6000 | PERMIT | ERASED_BUT_LEGAL_OBLIGATION | ERASURE
            consent             | redact | DENIED                   | GRANTED_AFTER_ERASURE_AT_6000 | DROP | CONSENT_DENIED        | EVENT
            consent             | redact | GRANTED_AFTER_ERASURE_AT_4000 | GRANTED_AFTER_ERASURE_AT_4000 | PERMIT | CONSENT_GRANTED | EVENT
            """)
    void thePurposesBasisMustHoldAtTheEventsTimeAndAtTheDecisionsTime(String basis, String action, State atEvent, State atDecision,
                                                                       Verdict outcome, String reasons, String consentUsedFrom) {
        // Given
        DecisionFunction function = function(PolicyWords.parse(LegalBasis.class, basis).orElseThrow(),
                PolicyWords.parse(MissingConsentAction.class, action).orElseThrow());
        ConsentLookup twoTimes = (p, t) -> t == EVENT_TIME ? atEvent.answer : atDecision.answer;

        // When
        EventDecision decision = function.decide(List.of(DECLARED), p -> true, twoTimes, new DecisionContext(EVENT_TIME, DECIDED_AT, "EU", null));

        // Then
        PurposeVerdict only = decision.decisions().get(0);
        assertThat(only.outcome()).isEqualTo(outcome);
        assertThat(only.reasons()).containsExactlyElementsOf(reasons(reasons));
        assertThat(only.consentUsed()).isEqualTo(switch (consentUsedFrom) {
            case "EVENT" -> atEvent.answer.record();
            case "DECISION" -> atDecision.answer.record();
            case "ERASURE" -> atDecision.answer.erasure();
            default -> null;
        });
        assertThat(decision.decidedAt()).isEqualTo(DECIDED_AT);
    }

    @ParameterizedTest(name = "on_missing_consent {0} → {1}")
    @CsvSource({"drop, DROP", "redact, REDACT", "tag, TAG"})
    void whenTheCustomerSaidNothingThePurposesActionApplies(String action, Verdict outcome) {
        MissingConsentAction missing = PolicyWords.parse(MissingConsentAction.class, action).orElseThrow();
        DecisionFunction function = function(LegalBasis.CONSENT, missing);

        PurposeVerdict decision = function.decide(List.of(DECLARED), p -> true, (p, t) -> State.NONE_KNOWN_CUSTOMER.answer,
                DecisionContext.atEventTime(EVENT_TIME, "EU")).decisions().get(0);

        assertThat(decision.outcome()).isEqualTo(outcome);
        assertThat(decision.reasons()).containsExactly(ReasonCode.NO_CONSENT);
        assertThat(decision.consentUsed()).isNull();
    }

    @ParameterizedTest(name = "{0} basis, on_missing_consent {1}, {2} → DROP {3}")
    @CsvSource(delimiter = '|', textBlock = """
            consent             | redact | DENIED    | CONSENT_DENIED
            consent             | tag    | WITHDRAWN | CONSENT_WITHDRAWN
            consent             | redact | ERASED    | ERASURE_REQUESTED
            legitimate_interest | tag    | DENIED    | OBJECTION
            legitimate_interest | redact | WITHDRAWN | OBJECTION
            legitimate_interest | tag    | ERASED    | ERASURE_REQUESTED
            """)
    void aNoAlwaysDropsWhateverTheMissingConsentActionSays(String basis, String action, State state, ReasonCode reason) {
        DecisionFunction function = function(PolicyWords.parse(LegalBasis.class, basis).orElseThrow(),
                PolicyWords.parse(MissingConsentAction.class, action).orElseThrow());

        PurposeVerdict decision = function.decide(List.of(DECLARED), p -> true, (p, t) -> state.answer,
                DecisionContext.atEventTime(EVENT_TIME, "EU")).decisions().get(0);

        assertThat(decision.outcome()).isEqualTo(Verdict.DROP);
        assertThat(decision.reasons()).containsExactly(reason);
        assertThat(decision.consentUsed()).isEqualTo(state.answer.record());
    }

    @Test
    void theMostSpecificRuleWins() {
        DecisionFunction function = new DecisionFunction(policy(List.of(
                rule("marketing", LegalBasis.CONSENT, MissingConsentAction.DROP),
                rule("marketing.communications", LegalBasis.CONTRACT, MissingConsentAction.DROP)), Map.of()));

        EventDecision decision = function.decide(List.of(DECLARED, Purpose.of("marketing.advertising")), p -> true,
                (p, t) -> ConsentAnswer.none(true), DecisionContext.atEventTime(EVENT_TIME, "EU"));

        assertThat(decision.decisions()).extracting(PurposeVerdict::outcome, d -> d.rule().orElseThrow().purpose().key())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Verdict.PERMIT, "marketing.communications"),
                        org.assertj.core.groups.Tuple.tuple(Verdict.DROP, "marketing"));
    }

    @Test
    void aPurposeNoRuleCoversIsDroppedAsUnknown() {
        DecisionFunction function = new DecisionFunction(policy(List.of(rule("marketing", LegalBasis.CONTRACT, MissingConsentAction.TAG)), Map.of()));

        PurposeVerdict decision = function.decide(List.of(Purpose.of("sales.upsell")), p -> true, (p, t) -> State.GRANTED.answer,
                DecisionContext.atEventTime(EVENT_TIME, "EU")).decisions().get(0);

        assertThat(decision.outcome()).isEqualTo(Verdict.DROP);
        assertThat(decision.reasons()).containsExactly(ReasonCode.UNKNOWN_PURPOSE);
        assertThat(decision.rule()).isEmpty();
        assertThat(decision.basis()).isNull();
    }

    @Test
    void anEventWithoutPurposesGetsNoDecisionAndTheNoPurposeReason() {
        DecisionFunction function = function(LegalBasis.CONTRACT, MissingConsentAction.DROP);

        EventDecision decision = function.decide(List.of(), p -> true, (p, t) -> State.GRANTED.answer, new DecisionContext(EVENT_TIME, DECIDED_AT, "EU", null));

        assertThat(decision.decisions()).isEmpty();
        assertThat(decision.eventReasons()).containsExactly(ReasonCode.NO_PURPOSE);
        assertThat(decision.decidedAt()).isEqualTo(DECIDED_AT);
    }

    @Test
    void aPurposeDeclaredTwiceIsDecidedOnce() {
        DecisionFunction function = function(LegalBasis.CONTRACT, MissingConsentAction.DROP);

        EventDecision decision = function.decide(List.of(DECLARED, DECLARED), p -> true, (p, t) -> ConsentAnswer.none(false),
                DecisionContext.atEventTime(EVENT_TIME, "EU"));

        assertThat(decision.decisions()).hasSize(1);
    }

    @Test
    void theLookupIsAskedAboutTheEventsTimeThenTheDecisionsTime() {
        DecisionFunction function = function(LegalBasis.CONSENT, MissingConsentAction.DROP);
        List<Long> askedAt = new java.util.ArrayList<>();

        function.decide(List.of(DECLARED), p -> true, (p, t) -> {
            askedAt.add(t);
            return State.GRANTED.answer;
        }, new DecisionContext(123_456, 234_567, "EU", null));

        assertThat(askedAt).containsExactly(123_456L, 234_567L);
    }

    @Test
    void anEventDecidedAtItsOwnTimeIsLookedUpOnce() {
        DecisionFunction function = function(LegalBasis.CONSENT, MissingConsentAction.DROP);
        List<Long> askedAt = new java.util.ArrayList<>();

        function.decide(List.of(DECLARED), p -> true, (p, t) -> {
            askedAt.add(t);
            return State.GRANTED.answer;
        }, DecisionContext.atEventTime(123_456, "EU"));

        assertThat(askedAt).containsExactly(123_456L);
    }

    @Test
    void aPurposeTheInputMayNotDeclareDropsWithoutLookingAtConsentAndAnUnknownOneStaysUnknown() {
        List<Purpose> declared = List.of(DECLARED, Purpose.of("sales.upsell"));

        EventDecision decision = function(LegalBasis.CONSENT, MissingConsentAction.DROP).decide(declared, purpose -> false, (p, t) -> State.GRANTED.answer,
                new DecisionContext(EVENT_TIME, DECIDED_AT, "EU", null));

        assertThat(decision.decisions()).extracting(PurposeVerdict::outcome).containsExactly(Verdict.DROP, Verdict.DROP);
        assertThat(decision.decisions()).extracting(PurposeVerdict::reasons)
                .containsExactly(List.of(ReasonCode.PURPOSE_NOT_ALLOWED_FOR_INPUT), List.of(ReasonCode.UNKNOWN_PURPOSE));
        assertThat(decision.decisions().get(0).consentUsed()).isNull();
    }
}
