package dev.consentgate.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The decision: a pure function of (event purposes, consent as of the event's time and as of the decision's
 * time, jurisdictions, policy). Wall-clock time never enters it, so a replay given the recorded decision time
 * reproduces every decision.
 *
 * <p>The rules, per purpose whose basis is {@code consent} or {@code legitimate_interest}: the basis must hold
 * at the event's time and at the decision's time. A "no" at either (DENIED, WITHDRAWN, an objection, an
 * erasure) drops the record whatever {@code on_missing_consent} says, and so does a time older than the consent
 * history, where what the customer said cannot be known; that action applies only where the customer said nothing
 * that covers the purpose. After an erasure only {@code legal_obligation} purposes go on, and an
 * erasure captured after the event's time covers the event even where a later grant is in force at the decision's time.
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
     * @param purposes   the declared purposes, duplicates ignored
     * @param mayDeclare whether the event's input may declare a purpose ({@link InputMapping#mayDeclare}); one it may
     *                   not drops with {@link ReasonCode#PURPOSE_NOT_ALLOWED_FOR_INPUT}, whatever the consent
     */
    public EventDecision decide(List<Purpose> purposes, Predicate<Purpose> mayDeclare, ConsentLookup consent, DecisionContext context) {
        String judgedUnder = context.customerJurisdiction();
        if (purposes.isEmpty()) {
            return new EventDecision(judgedUnder, context.decidedAt(), List.of(ReasonCode.NO_PURPOSE), List.of());
        }
        OptOut optOut = new OptOut(policy.jurisdiction(judgedUnder), policy.jurisdiction(context.customerJurisdictionAtDecision()),
                context.eventJurisdiction() == null ? null : policy.jurisdiction(context.eventJurisdiction()));
        List<PurposeVerdict> decisions = new ArrayList<>(purposes.size());
        for (int i = 0; i < purposes.size(); i++) {
            // Duplicates ignored, first occurrence kept: a linear scan, as events declare a handful of purposes.
            if (!declaredBefore(purposes, i)) {
                Purpose purpose = purposes.get(i);
                decisions.add(mayDeclare.test(purpose) ? decide(purpose, consent, context, optOut) : notAllowed(purpose));
            }
        }
        return new EventDecision(judgedUnder, context.decidedAt(), List.of(), decisions);
    }

    /** A purpose the event's input may not declare: dropped, however the customer's consent stands; unknown ones stay unknown. */
    private PurposeVerdict notAllowed(Purpose purpose) {
        Optional<PurposeRule> found = ruleFor(purpose);
        ReasonCode reason = found.isEmpty() ? ReasonCode.UNKNOWN_PURPOSE : ReasonCode.PURPOSE_NOT_ALLOWED_FOR_INPUT;
        return new PurposeVerdict(purpose, found, Verdict.DROP, List.of(reason), found.map(PurposeRule::basis).orElse(null), null);
    }

    private PurposeVerdict decide(Purpose purpose, ConsentLookup consent, DecisionContext context, OptOut optOut) {
        Optional<PurposeRule> found = ruleFor(purpose);
        if (found.isEmpty()) {
            return new PurposeVerdict(purpose, found, Verdict.DROP, List.of(ReasonCode.UNKNOWN_PURPOSE), null, null);
        }
        PurposeRule rule = found.get();
        ConsentAnswer atEvent = consent.at(purpose, context.eventTime());
        // In order, the two times are one: a single lookup.
        ConsentAnswer atDecision = context.decidedAt() == context.eventTime() ? atEvent : consent.at(purpose, context.decidedAt());
        PurposeVerdict verdict = switch (rule.basis()) {
            case CONTRACT -> withoutConsent(purpose, rule, atEvent, atDecision, ReasonCode.CONTRACT);
            case LEGAL_OBLIGATION -> withoutConsent(purpose, rule, atEvent, atDecision, ReasonCode.LEGAL_OBLIGATION);
            case LEGITIMATE_INTEREST -> atBothTimes(purpose, rule,
                    legitimateInterest(atEvent), legitimateInterest(atDecision));
            case CONSENT -> {
                boolean optedOutOnly = optOut.covers(purpose);
                yield atBothTimes(purpose, rule,
                        consent(atEvent, optedOutOnly, context.eventTime()), consent(atDecision, optedOutOnly, context.decidedAt()));
            }
        };
        return coveredByErasure(verdict, rule, context.eventTime(), atDecision);
    }

    /** Contract and legal obligation need no consent; an erasure at either time stops a contract, not the law. */
    private static PurposeVerdict withoutConsent(Purpose purpose, PurposeRule rule, ConsentAnswer atEvent, ConsentAnswer atDecision,
                                                  ReasonCode basisReason) {
        ConsentState erasure = erasureInForce(atEvent);
        if (erasure == null) {
            erasure = erasureInForce(atDecision);
        }
        if (erasure == null && atEvent.historyExpired()) {
            // The history no longer shows whether an erasure requested before the decision stood at the event's time.
            erasure = atDecision.erasure();
        }
        return erasure == null ? decision(purpose, rule, Verdict.PERMIT, null, basisReason) : erased(purpose, rule, erasure);
    }

    /**
     * The erasure request that stands at one time for a purpose that needs no consent. Only a grant about the purpose
     * captured after the request lifts it (the customer came back); a "no" after it does not, though it is the statement
     * in force: a contract the customer asked to end does not start again because they also refused something.
     */
    private static ConsentState erasureInForce(ConsentAnswer answer) {
        ConsentState erasure = answer.erasure();
        ConsentState record = answer.record();
        boolean grantedSince = erasure != null && record != null && record.status() == ConsentChoice.GRANTED
                && record.capturedAt() > erasure.capturedAt();
        return grantedSince ? null : erasure;
    }

    /**
     * An erasure request captured at or after the event's time and read by the decision's time covers the event: it is
     * data the customer asked to have erased, so a grant given after the request does not release it. A verdict that
     * drops, or already rests on an erasure, stands as it is.
     */
    private static PurposeVerdict coveredByErasure(PurposeVerdict verdict, PurposeRule rule, long eventTime, ConsentAnswer atDecision) {
        ConsentState erasure = atDecision.erasure();
        boolean restsOnErasure = verdict.consentUsed() != null && verdict.consentUsed().status() == ConsentChoice.ERASED;
        if (erasure == null || erasure.capturedAt() < eventTime || verdict.outcome() == Verdict.DROP || restsOnErasure) {
            return verdict;
        }
        return erased(verdict.purpose(), rule, erasure);
    }

    /** After an erasure request only the law's processing goes on. */
    private static PurposeVerdict erased(Purpose purpose, PurposeRule rule, ConsentState erasure) {
        return rule.basis() == LegalBasis.LEGAL_OBLIGATION
                ? decision(purpose, rule, Verdict.PERMIT, erasure, ReasonCode.ERASED_BUT_LEGAL_OBLIGATION)
                : decision(purpose, rule, Verdict.DROP, erasure, ReasonCode.ERASURE_REQUESTED);
    }

    /**
     * A "no" at either time drops, the event's first; a permit at both permits, on the event time's record;
     * otherwise the customer said nothing that covers the purpose at one of them, and the rule's action applies.
     */
    private static PurposeVerdict atBothTimes(Purpose purpose, PurposeRule rule, Judgment atEvent, Judgment atDecision) {
        if (atEvent.kind() == Judgment.Kind.NO || atDecision.kind() == Judgment.Kind.NO) {
            Judgment no = atEvent.kind() == Judgment.Kind.NO ? atEvent : atDecision;
            return decision(purpose, rule, Verdict.DROP, no.record(), no.reason());
        }
        if (atEvent.kind() == Judgment.Kind.PERMIT && atDecision.kind() == Judgment.Kind.PERMIT) {
            return decision(purpose, rule, Verdict.PERMIT, atEvent.record(), atEvent.reason());
        }
        Judgment silent = atEvent.kind() == Judgment.Kind.SILENT ? atEvent : atDecision;
        return decision(purpose, rule, missingOutcome(rule), silent.record(), silent.reason());
    }

    private static Judgment legitimateInterest(ConsentAnswer answer) {
        if (answer.historyExpired()) {
            // Unknown is not "nothing said": the customer may have said no then, so it drops like a "no".
            return Judgment.no(null, ReasonCode.CONSENT_HISTORY_EXPIRED);
        }
        ConsentState record = answer.record();
        if (record == null) {
            return Judgment.permit(null, ReasonCode.LEGITIMATE_INTEREST);
        }
        return switch (record.status()) {
            case ERASED -> Judgment.no(record, ReasonCode.ERASURE_REQUESTED);
            // Against a legitimate interest, any "no" the customer gave is an objection.
            case DENIED, WITHDRAWN -> Judgment.no(record, ReasonCode.OBJECTION);
            case GRANTED -> Judgment.permit(record, ReasonCode.LEGITIMATE_INTEREST);
        };
    }

    /** @param optOut the purpose is opt-out for this event: permitted until the customer opts out */
    private static Judgment consent(ConsentAnswer answer, boolean optOut, long time) {
        if (answer.historyExpired()) {
            // Unknown is not "nothing said": the customer may have said no then, so it drops like a "no".
            return Judgment.no(null, ReasonCode.CONSENT_HISTORY_EXPIRED);
        }
        ConsentState record = answer.record();
        if (record == null) {
            return optOut ? Judgment.permit(null, ReasonCode.OPT_OUT_NOT_EXERCISED)
                    : Judgment.silent(null, answer.customerKnown() ? ReasonCode.NO_CONSENT : ReasonCode.UNKNOWN_CUSTOMER);
        }
        return switch (record.status()) {
            case ERASED -> Judgment.no(record, ReasonCode.ERASURE_REQUESTED);
            case DENIED -> Judgment.no(record, optOut ? ReasonCode.OPTED_OUT : ReasonCode.CONSENT_DENIED);
            case WITHDRAWN -> Judgment.no(record, optOut ? ReasonCode.OPTED_OUT : ReasonCode.CONSENT_WITHDRAWN);
            case GRANTED -> granted(record, optOut, time);
        };
    }

    private static Judgment granted(ConsentState record, boolean optOut, long time) {
        if (!record.isExpiredAt(time)) {
            return Judgment.permit(record, ReasonCode.CONSENT_GRANTED);
        }
        // A lapsed grant that suspended a "no" never reaches here (the lookup answers with the "no"): this customer had
        // said nothing else, so they stand where they started: not opted out, or not having consented.
        return optOut ? Judgment.permit(record, ReasonCode.OPT_OUT_NOT_EXERCISED) : Judgment.silent(record, ReasonCode.CONSENT_EXPIRED);
    }

    private static Verdict missingOutcome(PurposeRule rule) {
        return switch (rule.onMissingConsent()) {
            case DROP -> Verdict.DROP;
            case REDACT -> Verdict.REDACT;
            case TAG -> Verdict.TAG;
        };
    }

    private static PurposeVerdict decision(Purpose purpose, PurposeRule rule, Verdict outcome, ConsentState record, ReasonCode reason) {
        return new PurposeVerdict(purpose, Optional.of(rule), outcome, reasons(purpose, record, reason), rule.basis(), record);
    }

    /** The reason, plus CONSENT_INHERITED when the record used was captured for an ancestor. */
    private static List<ReasonCode> reasons(Purpose purpose, ConsentState record, ReasonCode reason) {
        boolean inherited = record != null && record.purpose() != null && !record.purpose().equals(purpose);
        return inherited ? List.of(reason, ReasonCode.CONSENT_INHERITED) : List.of(reason);
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

    /**
     * Which purposes are opt-out for one event. The event's own jurisdiction is chosen by whoever produced the
     * event, so it can only tighten: a purpose is opt-out only where the customer's recorded jurisdiction makes it
     * so, at the event's time and at the decision's (the basis must hold at both), and the event's, if it names
     * one, does too.
     *
     * @param recordedAtDecision the rule of the customer's recorded jurisdiction at the decision's time
     * @param sent the rule of the event's own jurisdiction; null when the event names none
     */
    private record OptOut(JurisdictionRule recorded, JurisdictionRule recordedAtDecision, JurisdictionRule sent) {

        boolean covers(Purpose purpose) {
            return recorded.isOptOut(purpose) && recordedAtDecision.isOptOut(purpose) && (sent == null || sent.isOptOut(purpose));
        }
    }

    /** How a purpose's basis stands at one time: permitted, a "no" from the customer, or nothing said that covers it. */
    private record Judgment(Kind kind, ConsentState record, ReasonCode reason) {

        enum Kind { PERMIT, NO, SILENT }

        static Judgment permit(ConsentState record, ReasonCode reason) {
            return new Judgment(Kind.PERMIT, record, reason);
        }

        static Judgment no(ConsentState record, ReasonCode reason) {
            return new Judgment(Kind.NO, record, reason);
        }

        static Judgment silent(ConsentState record, ReasonCode reason) {
            return new Judgment(Kind.SILENT, record, reason);
        }
    }
}
