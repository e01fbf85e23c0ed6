package dev.consentgate.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The decision: a pure function of (event purposes, consent as of the event's time, policy).
 * Wall-clock time never enters it, so a replay reproduces every decision.
 */
public final class DecisionFunction {

    private static final int MAX_CACHED_PURPOSES = 10_000;

    private final Policy policy;
    /**
     * The rule per declared purpose, resolved once: the ancestor walk allocates a key per ancestor. Purposes
     * are the policy's and their descendants that events declare, a small set; a declared purpose without a
     * rule is cached too, but only up to {@link #MAX_CACHED_PURPOSES} entries, since its text comes from records.
     */
    private final Map<Purpose, Optional<PurposeRule>> rules = new ConcurrentHashMap<>();

    public DecisionFunction(Policy policy) {
        this.policy = policy;
    }

    public Policy policy() {
        return policy;
    }

    /**
     * Decides every declared purpose of one event.
     *
     * @param purposes     the declared purposes, duplicates ignored
     * @param mayDeclare   whether the event's input may declare a purpose ({@link InputMapping#mayDeclare}); one it
     *                     may not drops with {@link ReasonCode#PURPOSE_NOT_ALLOWED_FOR_INPUT}
     * @param jurisdiction the customer's jurisdiction code at the event's time, or null
     */
    public EventDecision decide(List<Purpose> purposes, Predicate<Purpose> mayDeclare, ConsentLookup consent,
                                String jurisdiction, long eventTime) {
        if (purposes.isEmpty()) {
            return new EventDecision(jurisdiction, List.of(ReasonCode.NO_PURPOSE), List.of());
        }
        JurisdictionRule jurisdictionRule = policy.jurisdiction(jurisdiction);
        List<PurposeDecision> decisions = new ArrayList<>(purposes.size());
        for (int i = 0; i < purposes.size(); i++) {
            Purpose purpose = purposes.get(i);
            // Duplicates ignored, first occurrence kept: a linear scan, as events declare a handful of purposes.
            if (!declaredBefore(purposes, i)) {
                decisions.add(mayDeclare.test(purpose) ? decide(purpose, consent, jurisdictionRule, eventTime) : notAllowed(purpose));
            }
        }
        return new EventDecision(jurisdiction, List.of(), decisions);
    }

    /** Decides one purpose. */
    public PurposeDecision decide(Purpose purpose, ConsentLookup consent, JurisdictionRule jurisdiction, long eventTime) {
        Optional<PurposeRule> found = ruleFor(purpose);
        if (found.isEmpty()) {
            return new PurposeDecision(purpose, found, Outcome.DROP, List.of(ReasonCode.UNKNOWN_PURPOSE), null, null);
        }
        PurposeRule rule = found.get();
        return switch (rule.basis()) {
            case CONTRACT -> permit(purpose, rule, null, ReasonCode.CONTRACT);
            case LEGAL_OBLIGATION -> permit(purpose, rule, null, ReasonCode.LEGAL_OBLIGATION);
            case LEGITIMATE_INTEREST -> legitimateInterest(purpose, rule, consent.at(purpose, eventTime));
            case CONSENT -> consent(purpose, rule, consent.at(purpose, eventTime), jurisdiction.isOptOut(purpose), eventTime);
        };
    }

    /** A purpose the event's input may not declare: dropped, however the customer's consent stands; unknown ones stay unknown. */
    private PurposeDecision notAllowed(Purpose purpose) {
        Optional<PurposeRule> found = ruleFor(purpose);
        ReasonCode reason = found.isEmpty() ? ReasonCode.UNKNOWN_PURPOSE : ReasonCode.PURPOSE_NOT_ALLOWED_FOR_INPUT;
        return new PurposeDecision(purpose, found, Outcome.DROP, List.of(reason), found.map(PurposeRule::basis).orElse(null), null);
    }

    private static boolean declaredBefore(List<Purpose> purposes, int index) {
        Purpose purpose = purposes.get(index);
        for (int i = 0; i < index; i++) {
            if (purposes.get(i).equals(purpose)) {
                return true;
            }
        }
        return false;
    }

    private Optional<PurposeRule> ruleFor(Purpose purpose) {
        Optional<PurposeRule> cached = rules.get(purpose);
        if (cached != null) {
            return cached;
        }
        Optional<PurposeRule> found = policy.ruleFor(purpose);
        if (rules.size() < MAX_CACHED_PURPOSES) {
            rules.put(purpose, found);
        }
        return found;
    }

    private PurposeDecision legitimateInterest(Purpose purpose, PurposeRule rule, ConsentAnswer answer) {
        if (answer.historyExpired()) {
            return missing(purpose, rule, null, ReasonCode.CONSENT_HISTORY_EXPIRED);
        }
        ConsentState record = answer.record();
        if (record == null) {
            return permit(purpose, rule, null, ReasonCode.LEGITIMATE_INTEREST);
        }
        return switch (record.status()) {
            case ERASED -> missing(purpose, rule, record, ReasonCode.ERASURE_REQUESTED);
            case DENIED -> missing(purpose, rule, record, ReasonCode.OBJECTION);
            // A withdrawn or granted consent is not an objection: the interest still holds.
            case GRANTED, WITHDRAWN -> permit(purpose, rule, record, ReasonCode.LEGITIMATE_INTEREST);
        };
    }

    private PurposeDecision consent(Purpose purpose, PurposeRule rule, ConsentAnswer answer, boolean optOut, long eventTime) {
        if (answer.historyExpired()) {
            return missing(purpose, rule, null, ReasonCode.CONSENT_HISTORY_EXPIRED);
        }
        ConsentState record = answer.record();
        if (record == null) {
            if (optOut) {
                return permit(purpose, rule, null, ReasonCode.OPT_OUT_NOT_EXERCISED);
            }
            return missing(purpose, rule, null, answer.customerKnown() ? ReasonCode.NO_CONSENT : ReasonCode.UNKNOWN_CUSTOMER);
        }
        return switch (record.status()) {
            case ERASED -> missing(purpose, rule, record, ReasonCode.ERASURE_REQUESTED);
            case DENIED -> missing(purpose, rule, record, optOut ? ReasonCode.OPTED_OUT : ReasonCode.CONSENT_DENIED);
            case WITHDRAWN -> missing(purpose, rule, record, optOut ? ReasonCode.OPTED_OUT : ReasonCode.CONSENT_WITHDRAWN);
            case GRANTED -> granted(purpose, rule, record, optOut, eventTime);
        };
    }

    private PurposeDecision granted(Purpose purpose, PurposeRule rule, ConsentState record, boolean optOut, long eventTime) {
        if (!record.isExpiredAt(eventTime)) {
            return permit(purpose, rule, record, ReasonCode.CONSENT_GRANTED);
        }
        // A lapsed grant in an opt-out jurisdiction leaves the customer where they started: not opted out.
        return optOut ? permit(purpose, rule, record, ReasonCode.OPT_OUT_NOT_EXERCISED)
                : missing(purpose, rule, record, ReasonCode.CONSENT_EXPIRED);
    }

    private static PurposeDecision permit(Purpose purpose, PurposeRule rule, ConsentState record, ReasonCode reason) {
        return new PurposeDecision(purpose, Optional.of(rule), Outcome.PERMIT, reasons(purpose, record, reason), rule.basis(), record);
    }

    private static PurposeDecision missing(Purpose purpose, PurposeRule rule, ConsentState record, ReasonCode reason) {
        Outcome outcome = switch (rule.onMissingConsent()) {
            case DROP -> Outcome.DROP;
            case REDACT -> Outcome.REDACT;
            case TAG -> Outcome.TAG;
        };
        return new PurposeDecision(purpose, Optional.of(rule), outcome, reasons(purpose, record, reason), rule.basis(), record);
    }

    /** The reason, plus CONSENT_INHERITED when the record used was captured for an ancestor. */
    private static List<ReasonCode> reasons(Purpose purpose, ConsentState record, ReasonCode reason) {
        boolean inherited = record != null && record.purpose() != null && !record.purpose().equals(purpose);
        return inherited ? List.of(reason, ReasonCode.CONSENT_INHERITED) : List.of(reason);
    }
}
