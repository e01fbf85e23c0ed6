package dev.consentgate.policy;

/**
 * What one event is judged by besides its purposes and its customer's consent: its two times and its
 * two jurisdictions.
 *
 * @param eventTime            the event's own time: consent captured after it never covers the event
 * @param decidedAt            the decision's time, never before {@code eventTime}: a "no" read by then stops the event
 * @param customerJurisdiction the customer's jurisdiction code from their consent records at the event's time; null when
 *                             unknown. The event is judged under it (the audit record names it).
 * @param eventJurisdiction    the jurisdiction code the event itself carries (an input mapping may read one); null when none
 * @param customerJurisdictionAtDecision the customer's jurisdiction code at the decision's time: a purpose is opt-out
 *                             only where it is opt-out under this one too, so a customer who moved to an opt-in
 *                             jurisdiction before the decision is not judged opt-out
 */
public record DecisionContext(long eventTime, long decidedAt, String customerJurisdiction, String eventJurisdiction,
                              String customerJurisdictionAtDecision) {

    /** An event whose customer's jurisdiction is the same at both times. */
    public DecisionContext(long eventTime, long decidedAt, String customerJurisdiction, String eventJurisdiction) {
        this(eventTime, decidedAt, customerJurisdiction, eventJurisdiction, customerJurisdiction);
    }

    /** An event decided at its own time, carrying no jurisdiction of its own. */
    public static DecisionContext atEventTime(long eventTime, String customerJurisdiction) {
        return new DecisionContext(eventTime, eventTime, customerJurisdiction, null);
    }

}
