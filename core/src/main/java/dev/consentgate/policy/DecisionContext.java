package dev.consentgate.policy;

/**
 * What one event is judged by besides its purposes and its customer's consent: its two times and its
 * two jurisdictions.
 *
 * @param eventTime            the event's own time: consent captured after it never covers the event
 * @param decidedAt            the decision's time, never before {@code eventTime}: a "no" read by then stops the event
 * @param customerJurisdiction the customer's jurisdiction code from their consent records at the event's time; null when unknown
 * @param eventJurisdiction    the jurisdiction code the event itself carries (an input mapping may read one); null when none
 */
public record DecisionContext(long eventTime, long decidedAt, String customerJurisdiction, String eventJurisdiction) {

    /** An event decided at its own time, carrying no jurisdiction of its own. */
    public static DecisionContext atEventTime(long eventTime, String customerJurisdiction) {
        return new DecisionContext(eventTime, eventTime, customerJurisdiction, null);
    }

}
