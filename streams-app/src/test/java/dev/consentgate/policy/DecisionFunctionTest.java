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
 * The decision function as a table: basis × consent state × jurisdiction, then the missing-consent
 * actions. The event declares {@code marketing.communications.email} at t=5000; the rule under test
 * is on {@code marketing}; US-CA makes {@code marketing} opt-out.
 */
class DecisionFunctionTest {

    private static final Purpose DECLARED = Purpose.of("marketing.communications.email");
    private static final Purpose ANCESTOR = Purpose.of("marketing");
    private static final long EVENT_TIME = 5_000;

    /** What the consent store answers for the declared purpose at the event's time. */
    enum State {
        NONE_UNKNOWN_CUSTOMER(ConsentAnswer.none(false)),
        NONE_KNOWN_CUSTOMER(ConsentAnswer.none(true)),
        GRANTED(ConsentAnswer.found(record(DECLARED, ConsentStatus.GRANTED, null))),
        GRANTED_EXPIRING_LATER(ConsentAnswer.found(record(DECLARED, ConsentStatus.GRANTED, 6_000L))),
        EXPIRED(ConsentAnswer.found(record(DECLARED, ConsentStatus.GRANTED, 5_000L))),
        DENIED(ConsentAnswer.found(record(DECLARED, ConsentStatus.DENIED, null))),
        WITHDRAWN(ConsentAnswer.found(record(DECLARED, ConsentStatus.WITHDRAWN, null))),
        GRANTED_TO_ANCESTOR(ConsentAnswer.found(record(ANCESTOR, ConsentStatus.GRANTED, null))),
        DENIED_ON_ANCESTOR(ConsentAnswer.found(record(ANCESTOR, ConsentStatus.DENIED, null))),
        ERASED(ConsentAnswer.found(record(null, ConsentStatus.ERASED, null))),
        HISTORY_EXPIRED(ConsentAnswer.beyondHistory());

        final ConsentAnswer answer;

        State(ConsentAnswer answer) {
            this.answer = answer;
        }
    }

    private static ConsentState record(Purpose purpose, ConsentStatus status, Long expiresAt) {
        return new ConsentState(purpose, status, 1_000, expiresAt, "EU", "web-banner", "notice-3", "c-1");
    }

    @ParameterizedTest(name = "{0} basis, {1}, jurisdiction {2} → {3} {4}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            consent             | NONE_UNKNOWN_CUSTOMER  | EU    | DROP   | UNKNOWN_CUSTOMER
            consent             | NONE_KNOWN_CUSTOMER    | EU    | DROP   | NO_CONSENT
            consent             | GRANTED                | EU    | PERMIT | CONSENT_GRANTED
            consent             | GRANTED_EXPIRING_LATER | EU    | PERMIT | CONSENT_GRANTED
            consent             | EXPIRED                | EU    | DROP   | CONSENT_EXPIRED
            consent             | DENIED                 | EU    | DROP   | CONSENT_DENIED
            consent             | WITHDRAWN              | EU    | DROP   | CONSENT_WITHDRAWN
            consent             | GRANTED_TO_ANCESTOR    | EU    | PERMIT | CONSENT_GRANTED,CONSENT_INHERITED
            consent             | DENIED_ON_ANCESTOR     | EU    | DROP   | CONSENT_DENIED,CONSENT_INHERITED
            consent             | ERASED                 | EU    | DROP   | ERASURE_REQUESTED
            consent             | HISTORY_EXPIRED        | EU    | DROP   | CONSENT_HISTORY_EXPIRED
            consent             | NONE_KNOWN_CUSTOMER    | null  | DROP   | NO_CONSENT
            consent             | NONE_KNOWN_CUSTOMER    | XX    | DROP   | NO_CONSENT
            consent             | NONE_KNOWN_CUSTOMER    | US-NY | DROP   | NO_CONSENT
            consent             | NONE_UNKNOWN_CUSTOMER  | US-CA | PERMIT | OPT_OUT_NOT_EXERCISED
            consent             | NONE_KNOWN_CUSTOMER    | US-CA | PERMIT | OPT_OUT_NOT_EXERCISED
            consent             | GRANTED                | US-CA | PERMIT | CONSENT_GRANTED
            consent             | EXPIRED                | US-CA | PERMIT | OPT_OUT_NOT_EXERCISED
            consent             | DENIED                 | US-CA | DROP   | OPTED_OUT
            consent             | WITHDRAWN              | US-CA | DROP   | OPTED_OUT
            consent             | DENIED_ON_ANCESTOR     | US-CA | DROP   | OPTED_OUT,CONSENT_INHERITED
            consent             | ERASED                 | US-CA | DROP   | ERASURE_REQUESTED
            consent             | HISTORY_EXPIRED        | US-CA | DROP   | CONSENT_HISTORY_EXPIRED
            legitimate_interest | NONE_UNKNOWN_CUSTOMER  | EU    | PERMIT | LEGITIMATE_INTEREST
            legitimate_interest | NONE_KNOWN_CUSTOMER    | EU    | PERMIT | LEGITIMATE_INTEREST
            legitimate_interest | GRANTED                | EU    | PERMIT | LEGITIMATE_INTEREST
            legitimate_interest | EXPIRED                | EU    | PERMIT | LEGITIMATE_INTEREST
            legitimate_interest | DENIED                 | EU    | DROP   | OBJECTION
            legitimate_interest | WITHDRAWN              | EU    | PERMIT | LEGITIMATE_INTEREST
            legitimate_interest | GRANTED_TO_ANCESTOR    | EU    | PERMIT | LEGITIMATE_INTEREST,CONSENT_INHERITED
            legitimate_interest | DENIED_ON_ANCESTOR     | EU    | DROP   | OBJECTION,CONSENT_INHERITED
            legitimate_interest | ERASED                 | EU    | DROP   | ERASURE_REQUESTED
            legitimate_interest | HISTORY_EXPIRED        | EU    | DROP   | CONSENT_HISTORY_EXPIRED
            legitimate_interest | DENIED                 | US-CA | DROP   | OBJECTION
            contract            | NONE_UNKNOWN_CUSTOMER  | EU    | PERMIT | CONTRACT
            contract            | DENIED                 | EU    | PERMIT | CONTRACT
            contract            | WITHDRAWN              | US-CA | PERMIT | CONTRACT
            contract            | ERASED                 | EU    | PERMIT | CONTRACT
            contract            | HISTORY_EXPIRED        | EU    | PERMIT | CONTRACT
            legal_obligation    | NONE_UNKNOWN_CUSTOMER  | EU    | PERMIT | LEGAL_OBLIGATION
            legal_obligation    | DENIED                 | EU    | PERMIT | LEGAL_OBLIGATION
            legal_obligation    | ERASED                 | EU    | PERMIT | LEGAL_OBLIGATION
            legal_obligation    | HISTORY_EXPIRED        | US-CA | PERMIT | LEGAL_OBLIGATION
            """)
    void decidesFromBasisConsentAndJurisdiction(String basis, State state, String jurisdiction, Outcome outcome, String reasons) {
        LegalBasis legalBasis = PolicyWords.parse(LegalBasis.class, basis).orElseThrow();
        DecisionFunction function = new DecisionFunction(policy(
                List.of(rule("marketing", legalBasis, MissingConsentAction.DROP)),
                Map.of("EU", new JurisdictionRule("EU", java.util.Set.of()), "US-CA", optOut("US-CA", "marketing"))));

        EventDecision decision = function.decide(List.of(DECLARED), p -> true, (p, t) -> state.answer, jurisdiction, EVENT_TIME);

        PurposeDecision only = decision.decisions().get(0);
        assertThat(only.outcome()).isEqualTo(outcome);
        assertThat(only.reasons()).containsExactlyElementsOf(Arrays.stream(reasons.split(",")).map(ReasonCode::valueOf).toList());
        assertThat(only.basis()).isEqualTo(legalBasis);
        assertThat(only.rule().orElseThrow().purpose()).isEqualTo(ANCESTOR);
        assertThat(decision.jurisdiction()).isEqualTo(jurisdiction);
    }

    @ParameterizedTest(name = "on_missing_consent {0} → {1}")
    @CsvSource({"drop, DROP", "redact, REDACT", "tag, TAG"})
    void missingConsentTakesThePurposesAction(String action, Outcome outcome) {
        MissingConsentAction missing = PolicyWords.parse(MissingConsentAction.class, action).orElseThrow();
        DecisionFunction function = new DecisionFunction(policy(List.of(rule("marketing", LegalBasis.CONSENT, missing)), Map.of()));

        PurposeDecision decision = function.decide(List.of(DECLARED), p -> true, (p, t) -> State.WITHDRAWN.answer, "EU", EVENT_TIME).decisions().get(0);

        assertThat(decision.outcome()).isEqualTo(outcome);
        assertThat(decision.reasons()).containsExactly(ReasonCode.CONSENT_WITHDRAWN);
        assertThat(decision.consentUsed()).isEqualTo(State.WITHDRAWN.answer.record());
    }

    @Test
    void theMostSpecificRuleWins() {
        DecisionFunction function = new DecisionFunction(policy(List.of(
                rule("marketing", LegalBasis.CONSENT, MissingConsentAction.DROP),
                rule("marketing.communications", LegalBasis.CONTRACT, MissingConsentAction.DROP)), Map.of()));

        EventDecision decision = function.decide(List.of(DECLARED, Purpose.of("marketing.advertising")), p -> true,
                (p, t) -> ConsentAnswer.none(true), "EU", EVENT_TIME);

        assertThat(decision.decisions()).extracting(PurposeDecision::outcome, d -> d.rule().orElseThrow().purpose().key())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Outcome.PERMIT, "marketing.communications"),
                        org.assertj.core.groups.Tuple.tuple(Outcome.DROP, "marketing"));
    }

    @Test
    void aPurposeNoRuleCoversIsDroppedAsUnknown() {
        DecisionFunction function = new DecisionFunction(policy(List.of(rule("marketing", LegalBasis.CONTRACT, MissingConsentAction.TAG)), Map.of()));

        PurposeDecision decision = function.decide(List.of(Purpose.of("sales.upsell")), p -> true, (p, t) -> State.GRANTED.answer, "EU", EVENT_TIME)
                .decisions().get(0);

        assertThat(decision.outcome()).isEqualTo(Outcome.DROP);
        assertThat(decision.reasons()).containsExactly(ReasonCode.UNKNOWN_PURPOSE);
        assertThat(decision.rule()).isEmpty();
        assertThat(decision.basis()).isNull();
    }

    @Test
    void anEventWithoutPurposesGetsNoDecisionAndTheNoPurposeReason() {
        DecisionFunction function = new DecisionFunction(policy(List.of(rule("marketing", LegalBasis.CONTRACT, MissingConsentAction.DROP)), Map.of()));

        EventDecision decision = function.decide(List.of(), p -> true, (p, t) -> State.GRANTED.answer, "EU", EVENT_TIME);

        assertThat(decision.decisions()).isEmpty();
        assertThat(decision.eventReasons()).containsExactly(ReasonCode.NO_PURPOSE);
    }

    @Test
    void aPurposeDeclaredTwiceIsDecidedOnce() {
        DecisionFunction function = new DecisionFunction(policy(List.of(rule("marketing", LegalBasis.CONTRACT, MissingConsentAction.DROP)), Map.of()));

        EventDecision decision = function.decide(List.of(DECLARED, DECLARED), p -> true, (p, t) -> ConsentAnswer.none(false), "EU", EVENT_TIME);

        assertThat(decision.decisions()).hasSize(1);
    }

    @Test
    void theLookupIsAskedAboutTheEventsOwnTime() {
        DecisionFunction function = new DecisionFunction(policy(List.of(rule("marketing", LegalBasis.CONSENT, MissingConsentAction.DROP)), Map.of()));
        long[] askedAt = new long[1];

        function.decide(List.of(DECLARED), p -> true, (p, t) -> {
            askedAt[0] = t;
            return State.GRANTED.answer;
        }, "EU", 123_456);

        assertThat(askedAt[0]).isEqualTo(123_456);
    }
}
